/* fuzz_core.c - libFuzzer target that drives libtgsig with random operation sequences.
 *
 * The input is a program: each operation is one opcode byte followed by argument bytes (missing
 * bytes read as 0). Operations cover the whole public API: creating tasks (fork, clone with any
 * flags, kernel threads), exit / exit_group / exec, masks, actions, alternate stacks, every send
 * path (kill to pids, process groups and -1, tkill, tgkill, sigqueueinfo, pidfd, kernel sends,
 * faults), the waiting calls (pause, sigsuspend, sigtimedwait, signalfd, generic blocking calls
 * and their completion, nanosleep, timers), wait4 / waitid, sessions and groups, prctl,
 * credentials and limits, sigreturn from handlers, tgs_run on any tid (woken or not), the
 * observers, and injected allocation failures (alloc_fail_at). Task ids are mostly drawn from
 * the live tasks, sometimes raw (0, negative, huge, reaped) to exercise misuse.
 *
 * After every operation and every tgs_run / tgs_sigreturn the invariant checker (tgs_check) and
 * the signal ledger (tgs_ledger_balanced) must hold, every return value must be 0, positive, a
 * plausible -errno or TGS_ASLEEP, and the run loop must settle. Any violation aborts (a crash
 * for libFuzzer). The world is freed at the end (LeakSanitizer checks for leaks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tgsig.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAXPID 48           /* small pid space: exhaustion is reachable */
#define FZ_RUNQ 256
#define FZ_SETTLE 20000        /* tgs_run calls per settle before we call it a livelock */

typedef struct fz {
    const uint8_t *d;
    size_t n, i;
    tgs_world *w;
    tgs_host_ops ops;
    uint64_t now;
    uint64_t timer[FZ_MAXPID + 1];
    tgs_pid runq[FZ_RUNQ];
    int nrunq;
    unsigned char on_cpu[FZ_MAXPID + 1];
    unsigned char in_handler[FZ_MAXPID + 1];
    int auto_sigreturn;        /* HANDLER results are returned from at once */
    /* out-parameters the core may keep while a call sleeps: one per tid, never on the stack */
    tgs_siginfo info[FZ_MAXPID + 1];
    int status[FZ_MAXPID + 1];
    char why[256];
} fz;

/* ---- input ---- */
static unsigned u8(fz *f) { return f->i < f->n ? f->d[f->i++] : 0; }
static unsigned u16(fz *f) { unsigned a = u8(f); return a | (u8(f) << 8); }
static uint32_t u32(fz *f) { uint32_t a = u16(f); return a | ((uint32_t)u16(f) << 16); }
static uint64_t u64(fz *f) { uint64_t a = u32(f); return a | ((uint64_t)u32(f) << 32); }

/* A signal: mostly 1..64, sometimes 0 or out of range. */
static int sig(fz *f)
{
    unsigned b = u8(f);
    if (b < 240) return (int)(b % 64) + 1;
    static const int odd[] = { 0, 65, -1, 1000, 64, 32, 9, 19, 18, 17, 0, 33, 31, 2, 15, -65 };
    return odd[b - 240];
}

static tgs_sigset set(fz *f)
{
    unsigned b = u8(f);
    if (b == 255) return ~0ULL;
    if (b >= 200) return u64(f);
    tgs_sigset s = 0;
    for (unsigned k = 0; k < (b & 3) + 1; k++) {
        int x = sig(f);
        s |= TGS_SIGMASK(x >= 1 && x <= 64 ? x : 1);
    }
    return s;
}

/* The nth live task (wrapping), or a raw pid. */
static tgs_pid tid(fz *f)
{
    unsigned b = u8(f);
    if (b >= 250) {
        static const tgs_pid raw[] = { 0, -1, -2, FZ_MAXPID + 1, 0x7fffffff, -0x7fffffff - 1 };
        return raw[b - 250];
    }
    if (b >= 230) return (tgs_pid)(b - 230);          /* 0..19, live or not */
    int n = 0;
    for (tgs_pid t = tgs_next_task(f->w, 0); t > 0; t = tgs_next_task(f->w, t)) n++;
    if (!n) return 1;
    int k = (int)(b % (unsigned)n);
    tgs_pid t = tgs_next_task(f->w, 0);
    while (k-- > 0) t = tgs_next_task(f->w, t);
    return t;
}

static size_t ssize(fz *f)
{
    unsigned b = u8(f);
    return b < 200 ? 8 : (size_t)(b - 200);
}

/* ---- host ---- */
static void h_wake(void *ctx, tgs_pid t)
{
    fz *f = ctx;
    for (int i = 0; i < f->nrunq; i++) if (f->runq[i] == t) return;
    if (f->nrunq < FZ_RUNQ) f->runq[f->nrunq++] = t;
}
static int h_on_cpu(void *ctx, tgs_pid t)
{
    fz *f = ctx;
    return t > 0 && t <= FZ_MAXPID && f->on_cpu[t];
}
static void h_trace(void *ctx, const tgs_event *ev)
{
    (void)ctx;
    if (ev->type < 0 || ev->type >= TGS_EV__COUNT) abort();
    if ((ev->type == TGS_EV_GENERATE || ev->type == TGS_EV_DELIVER) && (ev->sig < 1 || ev->sig > 64))
        abort();
}
static void h_arm(void *ctx, tgs_pid t, uint64_t deadline)
{
    fz *f = ctx;
    if (t <= 0 || t > FZ_MAXPID) abort();        /* the core armed a timer for a bogus tid */
    f->timer[t] = deadline;
}
static uint64_t h_now(void *ctx) { return ((fz *)ctx)->now; }

/* ---- checks ---- */
static void inv(fz *f, const char *what)
{
    if (tgs_check(f->w, f->why, sizeof f->why) != 0) {
        fprintf(stderr, "invariant broken after %s: %s\n", what, f->why);
        abort();
    }
    if (!tgs_ledger_balanced(f->w)) {
        tgs_ledger l;
        tgs_ledger_get(f->w, &l);
        fprintf(stderr, "ledger unbalanced after %s: gen=%llu del=%llu ign=%llu coal=%llu "
                "ovf=%llu fl=%llu disc=%llu pend=%llu\n", what,
                (unsigned long long)l.generated, (unsigned long long)l.delivered,
                (unsigned long long)l.ignored, (unsigned long long)l.coalesced,
                (unsigned long long)l.overflowed, (unsigned long long)l.flushed,
                (unsigned long long)l.discarded, (unsigned long long)l.pending);
        abort();
    }
}

/* A syscall's return: >= 0, a -errno, or TGS_ASLEEP. */
static long rc(fz *f, long r, const char *what)
{
    if (r != TGS_ASLEEP && r < -4095) {
        fprintf(stderr, "%s returned %ld\n", what, r);
        abort();
    }
    inv(f, what);
    return r;
}

/* ---- running ---- */
static void run1(fz *f, tgs_pid t)
{
    tgs_upcall up;
    memset(&up, 0, sizeof up);
    int r = tgs_run(f->w, t, &up);
    inv(f, "tgs_run");
    if (r < 0) return;
    if (r > TGS_RUN_DEAD) abort();
    tgs_pid now = up.tid > 0 ? up.tid : t;
    if (r == TGS_RUN_HANDLER) {
        if (up.sig < 1 || up.sig > 64 || up.depth < 1 || up.depth > TGS_MAX_FRAMES) abort();
        if (now > 0 && now <= FZ_MAXPID) f->in_handler[now] = 1;
        if (f->auto_sigreturn) {
            rc(f, tgs_sigreturn(f->w, now, 0, 0), "tgs_sigreturn");
            h_wake(f, now);
        }
    } else if (r == TGS_RUN_USER && now > 0 && now <= FZ_MAXPID) {
        f->in_handler[now] = 0;
    }
}

static void settle(fz *f)
{
    int steps = 0;
    while (f->nrunq > 0) {
        tgs_pid t = f->runq[0];
        memmove(f->runq, f->runq + 1, (size_t)(f->nrunq - 1) * sizeof *f->runq);
        f->nrunq--;
        run1(f, t);
        if (++steps > FZ_SETTLE) {
            fprintf(stderr, "run loop did not settle (livelock?)\n");
            abort();
        }
    }
}

static int tracing(void)
{
    static int v = -1;
    if (v < 0) v = getenv("FZ_TRACE") != NULL;
    return v;
}

/* After a syscall the caller gets kernel time (then whoever was woken). */
static void sys(fz *f, tgs_pid self, long r, const char *what)
{
    if (tracing()) fprintf(stderr, "fz: %s (self %d) = %ld\n", what, self, r);
    rc(f, r, what);
    if (self > 0) h_wake(f, self);
    settle(f);
}

static void advance(fz *f, uint64_t ns)
{
    f->now += ns;
    for (tgs_pid t = 1; t <= FZ_MAXPID; t++)
        if (f->timer[t] && f->timer[t] <= f->now) {
            f->timer[t] = 0;
            tgs_timer_fire(f->w, t);
            inv(f, "timer_fire");
        }
    settle(f);
}

static tgs_siginfo *info_of(fz *f, tgs_pid t)
{
    return &f->info[t > 0 && t <= FZ_MAXPID ? t : 0];
}

static void fill_info(fz *f, tgs_siginfo *in)
{
    memset(in, 0, sizeof *in);
    in->si_signo = sig(f);
    in->si_code = (int8_t)u8(f);
    in->si_pid = tid(f);
    in->si_value = (int64_t)u32(f);
}

/* ---- operations ---- */
static void op_create(fz *f, unsigned op)
{
    tgs_pid self = tid(f), c = 0;
    switch (op) {
    case 0: sys(f, self, tgs_fork(f->w, self, &c), "fork"); break;
    case 1: sys(f, self, tgs_clone(f->w, self, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c), "clone"); break;
    case 2: {
        unsigned fl = u8(f) & 0x3f;
        int es = u8(f) < 200 ? 17 : sig(f);
        sys(f, self, tgs_clone(f->w, self, fl, es, &c), "clone(flags)");
        break;
    }
    case 3: {
        unsigned fl = u8(f) & 0x3f;
        sys(f, self, tgs_clone_begin(f->w, self, fl, u8(f) < 200 ? 17 : sig(f)), "clone_begin");
        break;
    }
    case 4: sys(f, self, tgs_clone_finish(f->w, self, &c), "clone_finish"); break;
    default: sys(f, 0, tgs_kthread_create(f->w, &c), "kthread_create"); break;
    }
    if (c > 0) h_wake(f, c);
    settle(f);
}

static void op_life(fz *f, unsigned op)
{
    tgs_pid self = tid(f);
    int code = (int)u8(f);
    switch (op) {
    case 0: sys(f, self, tgs_exit(f->w, self, code), "exit"); break;
    case 1: sys(f, self, tgs_exit_group(f->w, self, code), "exit_group"); break;
    case 2: sys(f, self, tgs_exec(f->w, self), "exec"); break;
    case 3: sys(f, self, tgs_setsid(f->w, self), "setsid"); break;
    case 4: { tgs_pid p = tid(f), g = tid(f); sys(f, self, tgs_setpgid(f->w, self, p, g), "setpgid"); break; }
    case 5: rc(f, tgs_getpgid(f->w, self), "getpgid"); break;
    case 6: sys(f, self, tgs_prctl_set_pdeathsig(f->w, self, sig(f)), "pdeathsig"); break;
    default: sys(f, self, tgs_prctl_set_child_subreaper(f->w, self, code & 1), "subreaper"); break;
    }
}

static tgs_pid kill_target(fz *f)
{
    unsigned b = u8(f);
    if (b < 160) return tid(f);
    if (b < 200) {                               /* a process group */
        tgs_pid t = tid(f);
        return t == INT32_MIN ? t : -t;
    }
    if (b < 220) return -1;
    return 0;
}

static void op_send(fz *f, unsigned op)
{
    tgs_pid self = tid(f);
    tgs_siginfo in;
    switch (op) {
    case 0: {
        tgs_pid p = kill_target(f);
        int sg = sig(f);
        sys(f, self, tgs_kill(f->w, self, p, sg), "kill");
        break;
    }
    case 1: { tgs_pid t = tid(f); sys(f, self, tgs_tkill(f->w, self, t, sig(f)), "tkill"); break; }
    case 2: { tgs_pid g = tid(f), t = tid(f); sys(f, self, tgs_tgkill(f->w, self, g, t, sig(f)), "tgkill"); break; }
    case 3: {
        tgs_pid p = tid(f);
        int s = sig(f);
        fill_info(f, &in);
        sys(f, self, tgs_rt_sigqueueinfo(f->w, self, p, s, &in), "rt_sigqueueinfo");
        break;
    }
    case 4: {
        tgs_pid g = tid(f), t = tid(f);
        int s = sig(f);
        fill_info(f, &in);
        sys(f, self, tgs_rt_tgsigqueueinfo(f->w, self, g, t, s, &in), "rt_tgsigqueueinfo");
        break;
    }
    case 5: {
        tgs_pid p = tid(f);
        int thr = u8(f) & 1, s = sig(f), withinfo = u8(f) & 1;
        unsigned fl = u8(f) & 0xf;
        fill_info(f, &in);
        sys(f, self, tgs_pidfd_send_signal(f->w, self, p, thr, s, withinfo ? &in : NULL, fl), "pidfd");
        break;
    }
    case 6: { int s = sig(f), ty = (int)(u8(f) % 4); sys(f, 0, tgs_send_kernel(f->w, self, s, ty), "send_kernel"); break; }
    default: {
        int s = sig(f), c = (int8_t)u8(f);
        uint64_t addr = u64(f);
        sys(f, self, tgs_force_fault(f->w, self, s, c, addr), "force_fault");
        break;
    }
    }
}

static void op_mask(fz *f, unsigned op)
{
    tgs_pid self = tid(f);
    tgs_sigset s = set(f), old = 0;
    switch (op) {
    case 0: {
        int how = u8(f) < 240 ? (int)(u8(f) % 3) : (int)u8(f) - 240;
        size_t sz = ssize(f);
        int nul = u8(f);
        sys(f, self, tgs_sigprocmask(f->w, self, how, (nul & 1) ? NULL : &s, (nul & 2) ? NULL : &old, sz), "sigprocmask");
        break;
    }
    case 1: {
        struct tgs_sigaction a = { 0, 0, set(f) }, o;
        unsigned h = u8(f);
        a.handler = h < 100 ? TGS_SIG_DFL : h < 160 ? TGS_SIG_IGN : h < 170 ? h - 168 : 0x1000 + (h & 7);
        a.flags = (unsigned long)u32(f) & (TGS_SA_NOCLDSTOP | TGS_SA_NOCLDWAIT | TGS_SA_SIGINFO |
                   TGS_SA_RESTORER | TGS_SA_ONSTACK | TGS_SA_RESTART | TGS_SA_NODEFER | TGS_SA_RESETHAND | 0x1000);
        int sg = sig(f), nul = u8(f);
        size_t sz = ssize(f);
        sys(f, self, tgs_sigaction(f->w, self, sg, (nul & 1) ? NULL : &a, (nul & 2) ? NULL : &o, sz), "sigaction");
        break;
    }
    case 2: sys(f, self, tgs_sigpending(f->w, self, (u8(f) & 1) ? NULL : &old, ssize(f)), "sigpending"); break;
    case 3: {
        tgs_stack ss = { u64(f) & 0xffffff000ULL, u8(f) & 1 ? TGS_SS_DISABLE : (u8(f) & 1 ? TGS_SS_AUTODISARM : 0), 0 }, o;
        ss.ss_size = u8(f) < 128 ? 65536 : u16(f);
        if (u8(f) == 7) ss.ss_flags = u32(f);
        int nul = u8(f);
        sys(f, self, tgs_sigaltstack(f->w, self, (nul & 1) ? NULL : &ss, (nul & 2) ? NULL : &o), "sigaltstack");
        break;
    }
    case 4: {
        int how = (int)(u8(f) % 4);
        sys(f, 0, tgs_kernel_sigprocmask(f->w, self, how, s), "kernel_sigprocmask");
        break;
    }
    case 5: sys(f, 0, tgs_allow_signal(f->w, self, sig(f)), "allow_signal"); break;
    case 6: sys(f, 0, tgs_allow_kernel_signal(f->w, self, sig(f)), "allow_kernel_signal"); break;
    case 7: sys(f, 0, tgs_disallow_signal(f->w, self, sig(f)), "disallow_signal"); break;
    default: sys(f, 0, tgs_kernel_dequeue_signal(f->w, self, u8(f) & 1 ? NULL : info_of(f, self)), "kernel_dequeue"); break;
    }
}

static void op_wait(fz *f, unsigned op)
{
    tgs_pid self = tid(f);
    switch (op) {
    case 0: sys(f, self, tgs_pause(f->w, self), "pause"); break;
    case 1: { tgs_sigset s = set(f); sys(f, self, tgs_sigsuspend(f->w, self, s, ssize(f)), "sigsuspend"); break; }
    case 2: {
        tgs_sigset s = set(f);
        int64_t to = u8(f) < 128 ? -1 : (int64_t)u16(f) * 1000;
        size_t sz = ssize(f);
        sys(f, self, tgs_sigtimedwait(f->w, self, s, u8(f) == 1 ? NULL : info_of(f, self), to, sz), "sigtimedwait");
        break;
    }
    case 3: { tgs_sigset s = set(f); sys(f, self, tgs_signalfd(f->w, self, s, u8(f) & 1), "signalfd"); break; }
    case 4: {
        size_t cnt = u8(f) < 200 ? 128 : u8(f);
        sys(f, self, tgs_signalfd_read(f->w, self, u8(f) == 1 ? NULL : info_of(f, self), cnt), "signalfd_read");
        break;
    }
    case 5: {
        static const int rs[] = { TGS_ERESTARTSYS, TGS_ERESTARTNOINTR, TGS_ERESTARTNOHAND, TGS_ERESTART_RESTARTBLOCK, -4, 0, 7, 99999 };
        sys(f, self, tgs_block(f->w, self, rs[u8(f) & 7]), "block");
        break;
    }
    case 6: sys(f, 0, tgs_complete(f->w, self, (long)(int16_t)u16(f)), "complete"); break;
    case 7: sys(f, self, tgs_nanosleep(f->w, self, (uint64_t)u16(f) * 100000), "nanosleep"); break;
    default: advance(f, (uint64_t)u16(f) * 100000); break;
    }
}

static void op_child(fz *f, unsigned op)
{
    tgs_pid self = tid(f);
    int opts = (int)u32(f);
    if (u8(f) < 200) opts &= TGS_WNOHANG | TGS_WUNTRACED | TGS_WEXITED | TGS_WCONTINUED | TGS_WNOWAIT | TGS_WALL;
    if (op == 0) {
        tgs_pid p = u8(f) < 128 ? -1 : kill_target(f);
        int *st = u8(f) == 1 ? NULL : &f->status[self > 0 && self <= FZ_MAXPID ? self : 0];
        sys(f, self, tgs_wait4(f->w, self, p, st, opts), "wait4");
    } else {
        int idt = (int)(u8(f) % 4);
        tgs_pid id = tid(f);
        sys(f, self, tgs_waitid(f->w, self, idt, id, u8(f) == 1 ? NULL : info_of(f, self), opts), "waitid");
    }
}

static void op_host(fz *f, unsigned op)
{
    tgs_pid t = tid(f);
    char buf[1024];
    tgs_task_info ti;
    switch (op) {
    case 0: {
        tgs_sigset or = u8(f) & 1 ? set(f) : 0, andnot = u8(f) & 1 ? set(f) : 0;
        sys(f, t, tgs_sigreturn(f->w, t, or, andnot), "sigreturn");
        break;
    }
    case 1: h_wake(f, t); settle(f); break;                      /* tgs_run on any tid */
    case 2: if (t > 0 && t <= FZ_MAXPID) f->on_cpu[t] ^= 1; break;
    case 3: {
        size_t len = u8(f) < 128 ? sizeof buf : u8(f) % 64;
        int r = tgs_proc_status(f->w, t, len ? buf : NULL, len);
        if (r >= 0 && len && !memchr(buf, 0, len)) abort();
        rc(f, r, "proc_status");
        break;
    }
    case 4: rc(f, tgs_task_info_get(f->w, t, &ti), "task_info"); break;
    case 5: {
        tgs_cred c = { u8(f) < 128 ? 0 : 1000, u8(f) < 128 ? 0 : 1000, 0, u8(f) & 1 };
        rc(f, tgs_set_cred(f->w, t, u8(f) == 1 ? NULL : &c), "set_cred");
        break;
    }
    case 6: rc(f, tgs_set_rlimit_sigpending(f->w, t, (long)(int8_t)u8(f)), "rlimit"); break;
    case 7: f->w->alloc_fail_at = (int)(f->w->alloc_count + 1 + (u8(f) & 7)); break;
    default: f->auto_sigreturn ^= 1; break;
    }
}

static void op(fz *f)
{
    unsigned o = u8(f);
    switch (o / 8 % 8) {
    case 0: op_create(f, o % 6); break;
    case 1: op_life(f, o % 8); break;
    case 2: case 3: op_send(f, o % 8); break;
    case 4: op_mask(f, o % 9); break;
    case 5: op_wait(f, o % 9); break;
    case 6: op_child(f, o % 2); break;
    default: op_host(f, o % 9); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz f;
    memset(&f, 0, sizeof f);
    f.d = data;
    f.n = size;
    f.ops.ctx = &f;
    f.ops.wake = h_wake;
    f.ops.on_cpu = h_on_cpu;
    f.ops.trace = h_trace;
    f.ops.arm_timer = h_arm;
    f.ops.now = h_now;
    f.auto_sigreturn = 1;
    tgs_config cfg = { .rlimit_sigpending = (long)(u8(&f) % 16), .max_tasks = FZ_MAXPID };
    f.w = tgs_world_new(&f.ops, &cfg);
    if (!f.w) abort();
    inv(&f, "world_new");
    for (int k = 0; k < 4000 && f.i < f.n; k++) {
        op(&f);
        f.w->alloc_fail_at = f.w->alloc_fail_at > f.w->alloc_count ? f.w->alloc_fail_at : 0;
    }
    /* give every woken thread its time, fire every timer, then free the world */
    advance(&f, 1000000000000ULL);
    tgs_world_free(f.w);
    return 0;
}
