/* gen.c - the random scenario generator (see gen.h).
 *
 * The generator keeps a small, conservative picture of the world it is writing so that every
 * step it emits is valid and settles the same way on the simulator and on the kernel:
 *  - per thread: alive, retired (made a blocking call: may still be asleep, never acts again),
 *    its blocked mask (as set by its own sigprocmask steps);
 *  - per process: dead (exited or SIGKILLed for sure), doomed (something may kill it: a
 *    default-fatal signal was sent, possibly pending), maybe-stopped (a stop signal may have
 *    stopped it), maybe-reaped, the disposition of each signal, the signals that may be pending.
 * A thread acts only when it is alive, not retired and its process is neither doomed, dead nor
 * maybe-stopped. A send's effect is the closure over handler bodies that raise further signals. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "scenario/gen.h"
#include "scenario/scenario.h"

#define G_MAXP 6            /* processes besides the shell */
#define G_MAXT 18
#define G_MAXTP 4           /* threads per process at most */
#define G_OWN_PGRP 0        /* see gen_world */
#define G_MAXOPEN 5         /* handlers per process whose mask lets other pool signals nest */

enum { D_DFL, D_IGN, D_HANDLER, D_RESETHAND };

/* Signals the generator plays with (never 32/33: the C library's own). */
static const int g_pool[] = { 1, 2, 10, 12, 14, 15, 17, 20, 23, 28, 34, 35, 64 };
#define G_NPOOL ((int)(sizeof g_pool / sizeof g_pool[0]))

typedef struct gthr {
    char name[16];
    int proc, alive, retired;
    uint64_t blocked;       /* the mask its own steps set */
    uint64_t extra;         /* a sigsuspend/sigwaitinfo set it may be sleeping with */
    int in_read;
} gthr;

typedef struct gproc {
    char name[16];
    int parent;             /* -1 = the shell */
    int pgrp_own;           /* leads its own process group (pgrp=itself) */
    int pgrp;               /* index of its group's leader proc, -1 = the shell's group */
    int dead, doomed, stopped, reaped, exited_code, killed;
    int nopen;
    int stop_thread;        /* while maybe-stopped: the one thread thread-directed sends may go
                               to (-1 none yet): after SIGCONT the woken threads race, so at most
                               one of them may have a signal to take */
    unsigned char disp[65];
    uint64_t body[65];      /* signals a handler body raises */
    uint64_t pend;          /* signals that may be pending somewhere in the process */
} gproc;

typedef struct gen {
    uint64_t s;
    char *buf;
    size_t len, n;
    int over;
    gproc p[G_MAXP];
    int np;
    gthr t[G_MAXT];
    int nt;
    int nforks, nclones;
    int uid;                /* the real/effective/saved uid of every process but the shell */
} gen;

/* ---- output and randomness ---- */

static void out(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(gen *g, const char *fmt, ...)
{
    va_list ap;
    if (g->over) return;
    va_start(ap, fmt);
    int k = vsnprintf(g->buf + g->n, g->len - g->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= g->len - g->n) { g->over = 1; g->n = g->len - 1; return; }
    g->n += (size_t)k;
}

static uint64_t rnd(gen *g)
{
    /* splitmix64: every seed, 0 included, gives a good stream */
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rn(gen *g, int n) { return n > 0 ? (int)(rnd(g) % (uint64_t)n) : 0; }
static int chance(gen *g, int pct) { return rn(g, 100) < pct; }
static uint64_t bit(int sig) { return 1ULL << (sig - 1); }
static int pool_sig(gen *g) { return g_pool[rn(g, G_NPOOL)]; }

static void sig_text(int sig, char *b, size_t n)
{
    snprintf(b, n, "%s", sc_signame(sig));
}

/* "SIGUSR1,SIGTERM" or "none" */
static void set_text(uint64_t set, char *b, size_t n)
{
    size_t k = 0;
    b[0] = 0;
    for (int s = 1; s <= 64 && k + 16 < n; s++)
        if (set & bit(s)) k += (size_t)snprintf(b + k, n - k, "%s%s", k ? "," : "", sc_signame(s));
    if (!k) snprintf(b, n, "none");
}

static uint64_t rand_set(gen *g, int max)
{
    uint64_t set = 0;
    int k = rn(g, max + 1);
    for (int i = 0; i < k; i++) set |= bit(pool_sig(g));
    return set;
}

/* ---- the conservative picture ---- */

static int dfl_class(int sig)      /* 'i' ignore, 's' stop, 'k' kill */
{
    if (sig == 17 || sig == 18 || sig == 23 || sig == 28) return 'i';
    if (sig >= 19 && sig <= 22) return 's';
    return 'k';
}

static void doom(gen *g, int p);

/* Sending sig to process p, now or when a pending instance is delivered later. */
static void effect(gen *g, int p, int sig)
{
    gproc *P = &g->p[p];
    uint64_t todo = bit(sig), seen = 0;
    while (todo) {
        int s = __builtin_ctzll(todo) + 1;
        todo &= ~bit(s);
        seen |= bit(s);
        if (s == 9) { doom(g, p); continue; }
        if (s == 19) { P->stopped = 1; continue; }
        if (P->disp[s] == D_HANDLER || P->disp[s] == D_RESETHAND) todo |= P->body[s] & ~seen;
        if (P->disp[s] == D_DFL || P->disp[s] == D_RESETHAND) {
            if (dfl_class(s) == 'k') doom(g, p);
            else if (dfl_class(s) == 's') P->stopped = 1;
        }
    }
}

static void reeval(gen *g, int p)
{
    for (int s = 1; s <= 64; s++)
        if (g->p[p].pend & bit(s)) effect(g, p, s);
}

static void doom(gen *g, int p)
{
    if (g->p[p].doomed) return;
    g->p[p].doomed = 1;
    /* a stopped process in a group that may become orphaned may get SIGHUP: its own group, or
     * any group of its own (a death can cut a group's last link to its session) */
    for (int q = 0; q < g->np; q++)
        if (q != p && g->p[q].stopped && (g->p[q].pgrp == g->p[p].pgrp || g->p[q].pgrp >= 0)) doom(g, q);
}

static int live_threads(const gen *g, int p)
{
    int n = 0;
    for (int i = 0; i < g->nt; i++) n += g->t[i].proc == p && g->t[i].alive;
    return n;
}

static int can_act(const gen *g, int t)
{
    const gthr *T = &g->t[t];
    const gproc *P = &g->p[T->proc];
    return T->alive && !T->retired && !P->dead && !P->doomed && !P->stopped;
}

/* Will a signal sent now surely be taken at once (so it is not left pending)? */
static int taken_now(const gen *g, int p, int t, int sig)
{
    if (g->p[p].stopped || g->p[p].dead) return 0;
    for (int i = 0; i < g->nt; i++) {
        const gthr *T = &g->t[i];
        if (T->proc != p || !T->alive || (t >= 0 && i != t)) continue;
        if (!((T->blocked | T->extra) & bit(sig))) return 1;
    }
    return 0;
}

/* A signal sent to process p (t = the thread for thread-directed sends, else -1). */
static void sent(gen *g, int p, int t, int sig)
{
    gproc *P = &g->p[p];
    if (P->dead || sig <= 0) return;
    if (sig == 18) {
        P->stopped = 0;
        P->stop_thread = -1;
        P->pend &= ~(bit(19) | bit(20) | bit(21) | bit(22));
        return;
    }
    if (dfl_class(sig) == 's') P->pend &= ~bit(18);
    if (!taken_now(g, p, t, sig)) P->pend |= bit(sig);
    effect(g, p, sig);
}

/* ---- choosing ---- */

static int pick_actor(gen *g)
{
    int c[G_MAXT], n = 0;
    for (int i = 0; i < g->nt; i++)
        if (can_act(g, i)) c[n++] = i;
    return n ? c[rn(g, n)] : -1;
}

static int pick_proc(gen *g, int alive_only)
{
    int c[G_MAXP], n = 0;
    for (int i = 0; i < g->np; i++)
        if (!g->p[i].reaped && (!alive_only || !g->p[i].dead)) c[n++] = i;
    return n ? c[rn(g, n)] : -1;
}

static int pick_thread_of(gen *g, int p)
{
    int c[G_MAXT], n = 0;
    for (int i = 0; i < g->nt; i++)
        if (g->t[i].proc == p && g->t[i].alive) c[n++] = i;
    return n ? c[rn(g, n)] : -1;
}

static const char *tname(const gen *g, int t, char *b, size_t n)
{
    snprintf(b, n, "%s.%s", g->p[g->t[t].proc].name, g->t[t].name);
    return b;
}

static int add_thread(gen *g, int p, const char *name, uint64_t blocked)
{
    if (g->nt >= G_MAXT) return -1;
    gthr *T = &g->t[g->nt];
    memset(T, 0, sizeof *T);
    snprintf(T->name, sizeof T->name, "%s", name);
    T->proc = p;
    T->alive = 1;
    T->blocked = blocked;
    return g->nt++;
}

static int add_proc(gen *g, const char *name, int parent)
{
    gproc *P = &g->p[g->np];
    memset(P, 0, sizeof *P);
    snprintf(P->name, sizeof P->name, "%s", name);
    P->parent = parent;
    P->stop_thread = -1;
    P->pgrp = parent >= 0 ? g->p[parent].pgrp : -1;
    return g->np++;
}

/* ---- the world ---- */

static void gen_world(gen *g)
{
    int nprocs = 1 + rn(g, 3);
    out(g, "machine cpus=1\nprocess shell\n");
    for (int i = 0; i < nprocs; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        int p = add_proc(g, name, -1);
        /* `pgrp=` its own name is off: the simulator and the kernel runner both leave such a
         * process in its parent's group (rnd-010); own groups come from `setpgid` steps */
        int own = G_OWN_PGRP && chance(g, 30);
        g->p[p].pgrp_own = own;
        g->p[p].pgrp = own ? p : -1;
        out(g, "process %s parent=shell uid=%d euid=%d suid=%d%s%s\n", name, g->uid, g->uid, g->uid,
            own ? " pgrp=" : "", own ? name : "");
        int nt = 1 + rn(g, 3);
        for (int k = 0; k < nt; k++) {
            char tn[16];
            snprintf(tn, sizeof tn, k ? "t%d" : "main", k);
            add_thread(g, p, tn, 0);
            out(g, "  thread %s\n", tn);
        }
    }
    if (chance(g, 40)) {
        int parent = rn(g, nprocs);
        int p = add_proc(g, "k0", parent);
        add_thread(g, p, "main", 0);
        out(g, "process k0 parent=%s uid=%d euid=%d suid=%d\n", g->p[parent].name, g->uid, g->uid, g->uid);
    }
    g->nforks = 1;
    out(g, "\n");
}

/* ---- app thread steps ---- */

/* "=> 0" when the actor's process surely goes on (the call's return is then observed) */
static const char *ok_after(const gen *g, int p)
{
    const gproc *P = &g->p[p];
    return P->dead || P->doomed || P->stopped ? "" : " => 0";
}

static void st_mask(gen *g, int t, char *a)
{
    static const char *how[] = { "block", "unblock", "setmask" };
    int h = rn(g, 3);
    uint64_t set = rand_set(g, 3);
    char s[512];
    set_text(set, s, sizeof s);
    gthr *T = &g->t[t];
    uint64_t keep = ~(bit(9) | bit(19));
    if (h == 0) T->blocked |= set & keep;
    else if (h == 1) T->blocked &= ~set;
    else T->blocked = set & keep;
    reeval(g, T->proc);
    out(g, "%s: sigprocmask %s %s%s\n", a, how[h], s, ok_after(g, T->proc));
}

/* A handler body: raises of later pool signals (a DAG, so nesting stays bounded), mask edits. */
static uint64_t st_body(gen *g, int idx, char *b, size_t n)
{
    uint64_t raised = 0;
    size_t k = 0;
    int items = 1 + rn(g, 3);
    b[0] = 0;
    for (int i = 0; i < items && k + 64 < n; i++) {
        char s[64];
        int r = rn(g, 4);
        int j = idx + 1 + rn(g, 4);
        /* never a stop signal: the handler may run in another thread than the one whose call
         * made it run, and the group stop then races with that call's return */
        if (r == 0 && idx < 4 && dfl_class(g_pool[j]) != 's') {
            raised |= bit(g_pool[j]);
            sig_text(g_pool[j], s, sizeof s);
            k += (size_t)snprintf(b + k, n - k, "%sraise %s", k ? "; " : "", s);
        } else {
            sig_text(pool_sig(g), s, sizeof s);
            static const char *w[] = { "block", "unblock", "savedmask del", "block" };
            k += (size_t)snprintf(b + k, n - k, "%s%s %s", k ? "; " : "", w[r], s);
        }
    }
    return raised;
}

static const char *rand_flags(gen *g, int sig, int *resethand)
{
    static const char *f[] = { "", " flags=SA_RESTART", " flags=SA_SIGINFO", " flags=SA_ONSTACK",
                               " flags=SA_RESTART|SA_SIGINFO", " flags=SA_RESETHAND",
                               " flags=SA_NODEFER" };
    int k = rn(g, 7);
    if (k == 6 && sig >= 32) k = 0;       /* NODEFER on a queued RT signal could nest deeply */
    *resethand = k == 5;
    if (sig == 17 && k == 0 && chance(g, 50))  /* SIGCHLD: the parent-side flags */
        return chance(g, 70) ? " flags=SA_NOCLDSTOP" : " flags=SA_NOCLDWAIT";
    return f[k];
}

static void st_action(gen *g, int t, char *a)
{
    gproc *P = &g->p[g->t[t].proc];
    int idx = rn(g, G_NPOOL), sig = g_pool[idx], r = rn(g, 10);
    char s[32], body[400], mask[512];
    sig_text(sig, s, sizeof s);
    if (r < 2) {
        P->disp[sig] = r ? D_IGN : D_DFL;
        reeval(g, g->t[t].proc);
        out(g, "%s: sigaction %s %s%s\n", a, s, r ? "ignore" : "default", ok_after(g, g->t[t].proc));
        return;
    }
    int open = P->nopen < G_MAXOPEN && chance(g, 50), reset;
    const char *flags = rand_flags(g, sig, &reset);
    uint64_t m = open ? rand_set(g, 2) : 0;
    if (!open) for (int i = 0; i < G_NPOOL; i++) m |= bit(g_pool[i]);
    set_text(m, mask, sizeof mask);
    uint64_t raised = chance(g, 50) ? st_body(g, idx, body, sizeof body) : (body[0] = 0, 0);
    P->nopen += open;
    P->disp[sig] = reset ? D_RESETHAND : D_HANDLER;
    P->body[sig] = raised;
    reeval(g, g->t[t].proc);
    out(g, "%s: sigaction %s handler%s mask=%s%s%s%s\n", a, s, flags, mask,
        body[0] ? " do " : "", body, ok_after(g, g->t[t].proc));
}

static int rand_target_thread(gen *g, int self_proc)
{
    int q = chance(g, 60) ? self_proc : pick_proc(g, 1);
    if (q < 0 || g->p[q].stopped) return -1;
    return pick_thread_of(g, q);
}

static int send_sig(gen *g, int p);

static void st_send(gen *g, int t, char *a)
{
    int self = g->t[t].proc, sig = send_sig(g, self), r = rn(g, 6);
    char s[32], b[48];
    sig_text(sig, s, sizeof s);
    int x = r ? rand_target_thread(g, self) : -1;
    /* A stop signal to its own process only as raise: if another thread of the process takes it,
     * the group stop races with the actor's return from its call (0, or blocked until SIGCONT) */
    if (x >= 0 && g->t[x].proc == self && dfl_class(sig) == 's' && (r == 1 || r == 2 || x != t)) x = -1;
    if (x < 0) {
        sent(g, self, t, sig);
        out(g, "%s: raise %s%s\n", a, s, ok_after(g, self));
        return;
    }
    int q = g->t[x].proc;
    if (r == 1 && !g->p[q].stopped) {
        out(g, "%s: kill %s %s\n", a, g->p[q].name, s);
        sent(g, q, -1, sig);
    } else if (r == 2 && !g->p[q].stopped) {
        out(g, "%s: sigqueue %s %s value=%d\n", a, g->p[q].name, s, rn(g, 1000));
        sent(g, q, -1, sig);
    } else {
        static const char *how[] = { "tgkill", "tkill", "pthread_kill", "tgkill" };
        const char *h = q == self ? how[rn(g, 4)] : how[rn(g, 2)];
        out(g, "%s: %s %s %s\n", a, h, tname(g, x, b, sizeof b), s);
        sent(g, q, x, sig);
    }
}

static void st_poll(gen *g, int t, char *a)
{
    char s[512];
    set_text(rand_set(g, 3) | bit(pool_sig(g)), s, sizeof s);
    if (chance(g, 70)) {
        out(g, "%s: sigtimedwait %s timeout=0\n", a, s);
        return;
    }
    out(g, "%s: signalfd %s nonblock\n", a, s);
    out(g, "%s: signalfd_read nonblock\n", a);
    (void)t;
}

/* A blocking call: the thread may stay asleep, so it never acts again. */
static void st_block(gen *g, int t, char *a)
{
    gthr *T = &g->t[t];
    char s[512];
    uint64_t set = rand_set(g, 3) | bit(pool_sig(g));
    set_text(set, s, sizeof s);
    switch (rn(g, 5)) {
    case 0: out(g, "%s: sigsuspend %s\n", a, s); T->extra = set; break;
    case 1: out(g, "%s: sigwaitinfo %s\n", a, s); T->extra = set; break;
    case 2: out(g, "%s: read\n", a); T->in_read = 1; break;
    case 3: out(g, "%s: nanosleep 600000\n", a); break;
    default: out(g, "%s: pause => blocked\n", a); break;
    }
    T->retired = 1;
}

static void st_clone(gen *g, int t, char *a)
{
    int p = g->t[t].proc;
    char n[16];
    if (live_threads(g, p) >= G_MAXTP || g->nt >= G_MAXT) { st_mask(g, t, a); return; }
    snprintf(n, sizeof n, "c%d", g->nclones++);
    out(g, "%s: clone %s\n", a, n);
    add_thread(g, p, n, g->t[t].blocked);
}

static void st_fork(gen *g, int t, char *a)
{
    int p = g->t[t].proc;
    char n[16];
    if (g->np >= G_MAXP || g->nt >= G_MAXT) { st_mask(g, t, a); return; }
    snprintf(n, sizeof n, "k%d", g->nforks++);
    out(g, "%s: fork %s\n", a, n);
    int c = add_proc(g, n, p);
    memcpy(g->p[c].disp, g->p[p].disp, sizeof g->p[c].disp);
    memcpy(g->p[c].body, g->p[p].body, sizeof g->p[c].body);
    g->p[c].nopen = g->p[p].nopen;
    add_thread(g, c, "main", g->t[t].blocked);
}

static void st_wait_child(gen *g, int t, char *a)
{
    int p = g->t[t].proc;
    for (int c = 0; c < g->np; c++) {
        if (g->p[c].parent != p || g->p[c].reaped) continue;
        out(g, "%s: wait %s opts=WNOHANG%s\n", a, g->p[c].name, chance(g, 50) ? ",WUNTRACED" : "");
        if (g->p[c].dead || g->p[c].doomed) g->p[c].reaped = 1;  /* maybe */
        return;
    }
    st_poll(g, t, a);
}

static void st_exit(gen *g, int t, char *a)
{
    gthr *T = &g->t[t];
    gproc *P = &g->p[T->proc];
    int code = rn(g, 256);
    if (chance(g, 50) && live_threads(g, T->proc) > 1) {
        out(g, "%s: exit %d\n", a, code);
        T->alive = 0;
        return;
    }
    out(g, "%s: exit_group %d\n", a, code);
    for (int i = 0; i < g->nt; i++)
        if (g->t[i].proc == T->proc) g->t[i].alive = 0;
    P->dead = 1;
    P->exited_code = code;
    out(g, "expect %s exited %d\n", P->name, code);
}

static void st_exec(gen *g, int t, char *a)
{
    gthr *T = &g->t[t];
    gproc *P = &g->p[T->proc];
    out(g, "%s: exec\n", a);
    for (int i = 0; i < g->nt; i++)
        if (g->t[i].proc == T->proc && i != t) g->t[i].alive = 0;
    for (int s = 1; s <= 64; s++) {
        if (P->disp[s] != D_IGN) P->disp[s] = D_DFL;
        P->body[s] = 0;
    }
    P->nopen = 0;
    reeval(g, T->proc);
}

/* setpgid(0, 0): the actor's process leads a process group of its own from now on (children
 * forked later join it), which the shell then reaches with kill pgrp:. */
static void st_setpgid(gen *g, int t, char *a)
{
    int p = g->t[t].proc;
    out(g, "%s: setpgid%s\n", a, ok_after(g, p));
    g->p[p].pgrp_own = 1;
    g->p[p].pgrp = p;
}

static void app_step(gen *g, int t)
{
    char a[48];
    tname(g, t, a, sizeof a);
    int r = rn(g, 100);
    if (r < 18) st_mask(g, t, a);
    else if (r < 38) st_action(g, t, a);
    else if (r < 60) st_send(g, t, a);
    else if (r < 66) st_poll(g, t, a);
    else if (r < 74) st_block(g, t, a);
    else if (r < 79) st_clone(g, t, a);
    else if (r < 83) st_fork(g, t, a);
    else if (r < 87) st_wait_child(g, t, a);
    else if (r < 89) out(g, "%s: sigaltstack 65536 => 0\n", a);
    else if (r < 91) st_setpgid(g, t, a);
    else if (r < 96) st_exit(g, t, a);
    else st_exec(g, t, a);
}

/* ---- shell steps ---- */

/* "=> 0" when a send to P surely finds it (not dead, so not possibly reaped by anyone) */
static const char *ok0(const gproc *P) { return P->dead || P->doomed ? "" : " => 0"; }

static void sh_special(gen *g, int p)
{
    gproc *P = &g->p[p];
    int r = rn(g, 5);
    if (r == 0) {
        int certain = !P->doomed && !P->dead;
        out(g, "shell: kill %s SIGKILL%s\n", P->name, ok0(P));
        if (certain) out(g, "expect %s killed-by SIGKILL\n", P->name);
        doom(g, p);
        P->dead = 1;
        for (int i = 0; i < g->nt; i++)
            if (g->t[i].proc == p) g->t[i].alive = 0;
    } else if (r <= 2) {
        int certain = !P->doomed && !P->dead && !P->stopped && live_threads(g, p) > 0;
        out(g, "shell: kill %s SIGSTOP%s\n", P->name, ok0(P));
        if (certain) out(g, "expect %s stopped SIGSTOP\n", P->name);
        sent(g, p, -1, 19);
    } else {
        out(g, "shell: kill %s SIGCONT%s\n", P->name, ok0(P));
        sent(g, p, -1, 18);
    }
}

/* Mostly a signal p handles, ignores or blocks somewhere, so processes live long enough to do
 * interesting things; sometimes any signal. */
static int send_sig(gen *g, int p)
{
    int c[G_NPOOL] = { 0 }, n = 0;
    for (int i = 0; i < G_NPOOL; i++) {
        int s = g_pool[i];
        if (g->p[p].disp[s] != D_DFL || dfl_class(s) == 'i') c[n++] = s;
    }
    return n && chance(g, 70) ? c[rn(g, n)] : pool_sig(g);
}

/* Whether a member of p's own process group may be stopped (a process-directed signal to a
 * stopped process is taken by whichever thread runs first after SIGCONT). */
static int group_maybe_stopped(const gen *g, int p)
{
    for (int q = 0; q < g->np; q++)
        if (g->p[q].pgrp == p && !g->p[q].reaped && g->p[q].stopped) return 1;
    return 0;
}

static void sh_send(gen *g, int p)
{
    gproc *P = &g->p[p];
    int sig = send_sig(g, p), r = rn(g, 5);
    char s[32], b[48];
    sig_text(sig, s, sizeof s);
    if (P->stopped && r < 3) r = 3;           /* process-directed: a woken thread race */
    int x = pick_thread_of(g, p);
    if (P->stopped && x >= 0) {               /* thread-directed: always the same thread */
        if (P->stop_thread >= 0 && g->t[P->stop_thread].alive) x = P->stop_thread;
        else P->stop_thread = x;
    }
    if (x < 0 || r == 0) {
        out(g, "shell: %s %s %s%s\n", chance(g, 25) ? "pidfd_send_signal" : "kill", P->name, s, ok0(P));
        sent(g, p, -1, sig);
    }
    else if (r == 1 && P->pgrp_own && !group_maybe_stopped(g, p)) {
        out(g, "shell: kill pgrp:%s %s%s\n", P->name, s, ok0(P));
        for (int q = 0; q < g->np; q++)
            if (g->p[q].pgrp == p && !g->p[q].reaped) sent(g, q, -1, sig);
    } else if (r <= 2) {
        out(g, "shell: sigqueue %s %s value=%d%s\n", P->name, s, rn(g, 100000), ok0(P));
        sent(g, p, -1, sig);
    } else {
        /* sigqueue PROC.THREAD is rt_sigqueueinfo(tid): process-directed (that thread first),
         * so never to a stopped process: after SIGCONT the woken threads race for it */
        static const char *how[] = { "tgkill", "tkill", "pidfd_send_signal", "sigqueue" };
        int h = rn(g, P->stopped ? 3 : 4);
        out(g, "shell: %s %s %s%s\n", how[h], tname(g, x, b, sizeof b), s, h == 2 ? " scope=thread" : "");
        sent(g, p, x, sig);
    }
}

static void sh_write(gen *g)
{
    char b[48];
    for (int i = 0; i < g->nt; i++) {
        const gproc *P = &g->p[g->t[i].proc];
        /* not to a process that may have died: what `write` does then is not defined (rnd-007) */
        if (!g->t[i].in_read || !g->t[i].alive || P->stopped || P->doomed || P->dead) continue;
        out(g, "shell: write %s\n", tname(g, i, b, sizeof b));
        g->t[i].in_read = 0;
        return;
    }
    out(g, "settle\n");
}

static void sh_wait(gen *g, int p)
{
    gproc *P = &g->p[p];
    if (P->parent != -1) { sh_write(g); return; }
    if (chance(g, 30))
        out(g, "shell: waitid %s opts=WEXITED,WNOHANG%s%s\n", P->name, chance(g, 50) ? ",WSTOPPED" : "",
            chance(g, 50) ? ",WCONTINUED" : "");
    else
        out(g, "shell: wait %s opts=WNOHANG%s%s\n", P->name, chance(g, 50) ? ",WUNTRACED" : "",
            chance(g, 50) ? ",WCONTINUED" : "");
    if (P->dead || P->doomed) P->reaped = 1;      /* maybe */
}

static void shell_step(gen *g)
{
    int p = chance(g, 85) ? pick_proc(g, 1) : -1;    /* mostly a process that may be alive */
    if (p < 0) p = pick_proc(g, 0);
    if (p < 0) { out(g, "settle\n"); return; }
    int r = rn(g, 100);
    if (r < 50) sh_send(g, p);
    else if (r < 70) sh_special(g, p);
    else if (r < 82) sh_wait(g, p);
    else if (r < 90) sh_write(g);
    else {
        int t = pick_thread_of(g, p);
        char b[48];
        if (t >= 0) out(g, "status %s\n", tname(g, t, b, sizeof b));
        else out(g, "settle\n");
    }
}

/* ---- the end ---- */

static void gen_tail(gen *g)
{
    char b[48];
    out(g, "\n# final state\n");
    for (int i = 0; i < g->nt; i++)
        if (g->t[i].alive && !g->p[g->t[i].proc].doomed) out(g, "status %s\n", tname(g, i, b, sizeof b));
    for (int p = 0; p < g->np; p++)
        if (!g->p[p].doomed && !g->p[p].dead) out(g, "expect %s alive\n", g->p[p].name);
}

/* SigQ in /proc status is the count of the whole (user namespace, real uid) on the machine, so
 * two scenarios running at once under the same uid (another `tgsig check`, or the corpus, which
 * uses 4242) see each other's queued signals. Each seed gets its own uid, 20000..59999, so runs
 * of different seeds never share a count; the kernel runner's baseline probes catch the rest. */
static int gen_uid(unsigned long seed)
{
    return 20000 + (int)(seed % 40000);
}

int sc_generate(unsigned long seed, char *buf, size_t len)
{
    gen g;
    if (!buf || len == 0) return -1;
    memset(&g, 0, sizeof g);
    g.s = (uint64_t)seed * 0x2545f4914f6cdd1dULL + 0x1234567ULL;
    g.buf = buf;
    g.len = len;
    g.uid = gen_uid(seed);
    buf[0] = 0;
    out(&g, "# random-%lu: generated by sc_generate (tgsig check --random)\n", seed);
    gen_world(&g);
    int nsteps = 8 + rn(&g, 33);
    for (int i = 0; i < nsteps; i++) {
        int t = pick_actor(&g);
        if (t < 0 && pick_proc(&g, 0) < 0) break;
        if (t >= 0 && chance(&g, 65)) app_step(&g, t);
        else shell_step(&g);
    }
    gen_tail(&g);
    return g.over ? -1 : (int)g.n;
}
