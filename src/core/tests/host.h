/* host.h - a minimal deterministic test host for libtgsig unit tests (core-A and core-B).
 *
 * Usage:
 *   th_host *h = th_new(NULL);               // world with init (pid 1), hooks wired to h
 *   tgs_pid app = th_fork(h, 1);             // a process, child of init
 *   tgs_pid t2 = th_thread(h, app);          // a second thread of it
 *   th_sys(h, app, tgs_kill(h->w, app, app, SIGTERM));   // a syscall: runs until quiet
 *   CHECK_EQ(h->result[app], TGS_RUN_DEAD);
 *   th_free(h);
 *
 * After EVERY syscall (th_sys) and every tgs_run/tgs_sigreturn made by the run loop, tgs_check()
 * and tgs_ledger_balanced() are called; a violation fails the running test (CHECK) and is printed
 * with the operation that broke it.
 *
 * Handlers: any cookie >= 4 works as a handler. TH_H (and TH_H+1 ...) just record. A body can be
 * attached to a cookie with th_body(h, cookie, fn): it runs (as the handler, in the thread) before
 * the host calls tgs_sigreturn; it may make non-blocking syscalls with th_call (no nested run) and
 * may edit the saved mask through h->sr_or / h->sr_andnot.
 */
#ifndef TGS_CORE_TESTS_HOST_H
#define TGS_CORE_TESTS_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include "t.h"
#include "tgsig.h"

#define TH_MAXT 1024           /* tids tracked by the host (pid space of test worlds) */
#define TH_MAXEV 8192
#define TH_MAXH 512
#define TH_TEXT (1 << 18)
#define TH_H 0x1000ULL         /* a recording handler cookie; TH_H+n are others */

typedef struct th_host th_host;
typedef void (*th_body_fn)(th_host *h, tgs_pid tid, const tgs_upcall *up);

struct th_handled {            /* one handler entry seen by the host, in execution order */
    tgs_pid tid;
    int sig, depth, on_altstack;
    uint64_t handler;
    unsigned long sa_flags;
    tgs_sigset mask;
    tgs_siginfo info;
    uint64_t frame_sp;
};

struct th_host {
    tgs_host_ops ops;
    tgs_world *w;
    uint64_t now;                          /* fake clock (ns) */
    unsigned char on_cpu[TH_MAXT];         /* ops->on_cpu answers from here */
    uint64_t timer[TH_MAXT];               /* armed deadlines (0 = none) */
    /* wakes: full log, and the run queue (FIFO, deduplicated) */
    tgs_pid wakes[TH_MAXEV]; int nwakes;
    tgs_pid runq[TH_MAXT]; int nrunq;
    /* trace */
    tgs_event ev[TH_MAXEV]; int nev;
    char text[TH_TEXT]; size_t ntext;      /* every event as one formatted line */
    /* per-thread outcome of the last tgs_run */
    int result[TH_MAXT];                   /* enum tgs_run_result, -1 = never ran */
    long ret[TH_MAXT];                     /* last USER ret */
    int done[TH_MAXT];                     /* last USER syscall_done */
    int nruns[TH_MAXT];
    tgs_upcall last_up[TH_MAXT];
    /* handlers run */
    struct th_handled handled[TH_MAXH]; int nhandled;
    struct { uint64_t cookie; th_body_fn fn; } bodies[32]; int nbodies;
    tgs_sigset sr_or, sr_andnot;           /* a body's edit of the saved mask */
    int in_body;
    /* allocation: count, fail the Nth (1-based) from now, bytes */
    long nalloc, fail_at;
    long bytes;
    int max_steps;                         /* run-loop guard */
    int broken;                            /* an invariant failed (reported once) */
};

/* ---- host callbacks --------------------------------------------------------------------------- */
static inline void th__wake(void *ctx, tgs_pid tid)
{
    th_host *h = ctx;
    if (h->nwakes < TH_MAXEV) h->wakes[h->nwakes++] = tid;
    for (int i = 0; i < h->nrunq; i++) if (h->runq[i] == tid) return;
    if (h->nrunq < TH_MAXT) h->runq[h->nrunq++] = tid;
}
static inline int th__on_cpu(void *ctx, tgs_pid tid)
{
    th_host *h = ctx;
    return tid > 0 && tid < TH_MAXT && h->on_cpu[tid];
}
static inline const char *th_ev_name(int type)
{
    static const char *const n[TGS_EV__COUNT] = {
        "signal_generate", "signal_deliver", "wake", "stop", "continue", "handler_enter",
        "handler_return", "group_exit", "exit", "notify_parent", "reparent", "exec",
        "syscall_restart", "fork" };
    return type >= 0 && type < TGS_EV__COUNT ? n[type] : "?";
}
/* Formats an event as one line (no newline). */
static inline int th_format(const tgs_event *e, char *buf, size_t len)
{
    switch (e->type) {
    case TGS_EV_GENERATE:
        return snprintf(buf, len, "%d: signal_generate: sig=%d errno=%d code=%d pid=%d grp=%d res=%d",
                        e->tid, e->sig, e->errnum, e->code, e->target, e->group, e->res);
    case TGS_EV_DELIVER:
        return snprintf(buf, len, "%d: signal_deliver: sig=%d errno=%d code=%d sa_handler=%llx sa_flags=%lx",
                        e->tid, e->sig, e->errnum, e->code, (unsigned long long)e->sa_handler, e->sa_flags);
    default:
        return snprintf(buf, len, "%d: %s: sig=%d code=%d target=%d value=%ld flag=%d cause=%d/%d",
                        e->tid, th_ev_name(e->type), e->sig, e->code, e->target, e->value, e->flag,
                        e->cause_tid, e->cause_sig);
    }
}
static inline void th__trace(void *ctx, const tgs_event *ev)
{
    th_host *h = ctx;
    if (h->nev < TH_MAXEV) h->ev[h->nev++] = *ev;
    char line[256];
    int n = th_format(ev, line, sizeof line);
    if (n > 0 && h->ntext + (size_t)n + 2 < TH_TEXT) {
        memcpy(h->text + h->ntext, line, (size_t)n);
        h->ntext += (size_t)n;
        h->text[h->ntext++] = '\n';
        h->text[h->ntext] = 0;
    }
}
static inline void th__arm(void *ctx, tgs_pid tid, uint64_t deadline)
{
    th_host *h = ctx;
    if (tid > 0 && tid < TH_MAXT) h->timer[tid] = deadline;
}
static inline uint64_t th__now(void *ctx) { return ((th_host *)ctx)->now; }
static inline void *th__alloc(void *ctx, size_t size)
{
    th_host *h = ctx;
    h->nalloc++;
    if (h->fail_at > 0 && --h->fail_at == 0) return NULL;
    h->bytes += (long)size;
    return malloc(size);
}
static inline void th__free(void *ctx, void *p, size_t size)
{
    th_host *h = ctx;
    if (p) h->bytes -= (long)size;
    free(p);
}

/* ---- invariants -------------------------------------------------------------------------------- */
static inline void th_inv(th_host *h, const char *what)
{
    char why[256] = "";
    if (h->broken) return;
    if (tgs_check(h->w, why, sizeof why) != 0) {
        printf("  invariant broken after %s: %s\n", what, why);
        h->broken = 1;
        t_fail_now = 1;
    } else if (!tgs_ledger_balanced(h->w)) {
        tgs_ledger l;
        tgs_ledger_get(h->w, &l);
        printf("  ledger unbalanced after %s: gen=%llu del=%llu ign=%llu coal=%llu ovf=%llu fl=%llu disc=%llu pend=%llu\n",
               what, (unsigned long long)l.generated, (unsigned long long)l.delivered,
               (unsigned long long)l.ignored, (unsigned long long)l.coalesced,
               (unsigned long long)l.overflowed, (unsigned long long)l.flushed,
               (unsigned long long)l.discarded, (unsigned long long)l.pending);
        h->broken = 1;
        t_fail_now = 1;
    }
}

/* ---- setup ------------------------------------------------------------------------------------- */
static inline th_host *th_new(const tgs_config *cfg)
{
    th_host *h = calloc(1, sizeof *h);
    if (!h) abort();
    h->ops.ctx = h;
    h->ops.wake = th__wake;
    h->ops.on_cpu = th__on_cpu;
    h->ops.trace = th__trace;
    h->ops.arm_timer = th__arm;
    h->ops.now = th__now;
    h->ops.alloc = th__alloc;
    h->ops.free = th__free;
    h->max_steps = 100000;
    for (int i = 0; i < TH_MAXT; i++) h->result[i] = -1;
    tgs_config c = { .rlimit_sigpending = 1024, .max_tasks = TH_MAXT - 1 };
    if (cfg) c = *cfg;
    h->w = tgs_world_new(&h->ops, &c);
    if (!h->w) abort();
    th_inv(h, "world_new");
    return h;
}
static inline void th_free(th_host *h)
{
    th_inv(h, "end of test");
    tgs_world_free(h->w);
    free(h);
}
static inline void th_body(th_host *h, uint64_t cookie, th_body_fn fn)
{
    if (h->nbodies < 32) { h->bodies[h->nbodies].cookie = cookie; h->bodies[h->nbodies++].fn = fn; }
}
/* Clears the recorded trace, wakes and handler log (not the world). */
static inline void th_clear_log(th_host *h)
{
    h->nev = 0; h->ntext = 0; h->text[0] = 0; h->nwakes = 0; h->nhandled = 0;
}

/* ---- the run loop ------------------------------------------------------------------------------ */
static inline void th_enqueue_front(th_host *h, tgs_pid tid)
{
    for (int i = 0; i < h->nrunq; i++)
        if (h->runq[i] == tid) { memmove(h->runq + i, h->runq + i + 1, (size_t)(h->nrunq - i - 1) * sizeof(tgs_pid)); h->nrunq--; break; }
    memmove(h->runq + 1, h->runq, (size_t)h->nrunq * sizeof(tgs_pid));
    h->runq[0] = tid;
    h->nrunq++;
}
static inline void th_run_handler(th_host *h, tgs_pid tid, const tgs_upcall *up)
{
    if (h->nhandled < TH_MAXH) {
        struct th_handled *r = &h->handled[h->nhandled++];
        r->tid = tid; r->sig = up->sig; r->depth = up->depth; r->on_altstack = up->on_altstack;
        r->handler = up->handler; r->sa_flags = up->sa_flags; r->mask = up->mask; r->info = up->info;
        r->frame_sp = up->frame_sp;
    }
    h->sr_or = 0; h->sr_andnot = 0;
    for (int i = 0; i < h->nbodies; i++)
        if (h->bodies[i].cookie == up->handler) {
            h->in_body++;
            h->bodies[i].fn(h, tid, up);
            h->in_body--;
        }
}
/* Runs one thread once; returns its tgs_run result. */
static inline int th_run1(th_host *h, tgs_pid tid)
{
    tgs_upcall up;
    memset(&up, 0, sizeof up);
    int r = tgs_run(h->w, tid, &up);
    th_inv(h, "tgs_run");
    tgs_pid now = up.tid > 0 ? up.tid : tid;
    if (now <= 0 || now >= TH_MAXT) return r;
    h->result[now] = r;
    h->nruns[now]++;
    h->last_up[now] = up;
    if (r == TGS_RUN_USER) { h->ret[now] = up.ret; h->done[now] = up.syscall_done; }
    if (r == TGS_RUN_HANDLER) {
        th_run_handler(h, now, &up);
        if (h->result[now] == TGS_RUN_DEAD) return TGS_RUN_DEAD;   /* died inside its handler */
        int rc = tgs_sigreturn(h->w, now, h->sr_or, h->sr_andnot);
        if (rc < 0) { printf("  tgs_sigreturn(%d) = %d\n", now, rc); t_fail_now = 1; }
        th_inv(h, "tgs_sigreturn");
        th_enqueue_front(h, now);
    }
    return r;
}
/* Keeps calling tgs_run on woken threads until none is left. */
static inline void th_run_until_quiet(th_host *h)
{
    int steps = 0;
    if (h->in_body) return;             /* no nested runs from handler bodies */
    while (h->nrunq > 0) {
        tgs_pid tid = h->runq[0];
        memmove(h->runq, h->runq + 1, (size_t)(h->nrunq - 1) * sizeof(tgs_pid));
        h->nrunq--;
        th_run1(h, tid);
        if (++steps > h->max_steps) { printf("  run loop did not settle\n"); t_fail_now = 1; h->nrunq = 0; }
    }
}
/* A syscall was made for tid and returned rc: give tid kernel time, settle, return rc. */
static inline int th_sys(th_host *h, tgs_pid tid, int rc)
{
    th_inv(h, "syscall");
    if (h->in_body) return rc;
    th_enqueue_front(h, tid);
    th_run_until_quiet(h);
    return rc;
}
/* A syscall made from inside a handler body (no run; the thread continues in its handler). */
static inline int th_call(th_host *h, int rc) { th_inv(h, "syscall in handler"); return rc; }
static inline int th_run1(th_host *h, tgs_pid tid);
/* A syscall made from inside a handler body, then the thread's exit to user mode: signals it
 * made deliverable run as nested handlers (bodies included) before this returns. */
static inline int th_callr(th_host *h, tgs_pid tid, int rc)
{
    th_inv(h, "syscall in handler");
    for (int i = 0; i < 1000 && th_run1(h, tid) == TGS_RUN_HANDLER; i++) {
        for (int j = 0; j < h->nrunq; j++)      /* th_run1 re-queued tid: we keep running it */
            if (h->runq[j] == tid) { memmove(h->runq + j, h->runq + j + 1, (size_t)(h->nrunq - j - 1) * sizeof(tgs_pid)); h->nrunq--; break; }
    }
    return rc;
}
/* Interrupt a spinning thread (tgs_interrupt) and settle. */
static inline int th_interrupt(th_host *h, tgs_pid tid)
{
    th_enqueue_front(h, tid);
    th_run_until_quiet(h);
    return h->result[tid];
}
/* Advance the fake clock, firing due timers in tid order, then settle. */
static inline void th_advance(th_host *h, uint64_t ns)
{
    h->now += ns;
    for (tgs_pid t = 1; t < TH_MAXT; t++)
        if (h->timer[t] && h->timer[t] <= h->now) {
            h->timer[t] = 0;
            tgs_timer_fire(h->w, t);
            th_inv(h, "timer_fire");
        }
    th_run_until_quiet(h);
}

/* ---- world building ---------------------------------------------------------------------------- */
static inline tgs_pid th_fork(th_host *h, tgs_pid parent)
{
    tgs_pid c = 0;
    int rc = tgs_fork(h->w, parent, &c);
    if (rc < 0 || c <= 0) { printf("  th_fork(%d) = %d\n", parent, rc); t_fail_now = 1; return 0; }
    th_sys(h, parent, rc);
    return c;
}
static inline tgs_pid th_thread(th_host *h, tgs_pid creator)
{
    tgs_pid c = 0;
    int rc = tgs_clone(h->w, creator, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c);
    if (rc < 0 || c <= 0) { printf("  th_thread(%d) = %d\n", creator, rc); t_fail_now = 1; return 0; }
    th_sys(h, creator, rc);
    return c;
}
/* A process (child of parent) with n threads; tids[0] = leader. Returns the leader. */
static inline tgs_pid th_proc(th_host *h, tgs_pid parent, int n, tgs_pid *tids)
{
    tgs_pid leader = th_fork(h, parent);
    if (tids) tids[0] = leader;
    for (int i = 1; i < n; i++) {
        tgs_pid t = th_thread(h, leader);
        if (tids) tids[i] = t;
    }
    return leader;
}
static inline int th_handler(th_host *h, tgs_pid tid, int sig, uint64_t handler, unsigned long flags,
                             tgs_sigset mask)
{
    struct tgs_sigaction a = { .handler = handler, .flags = flags | TGS_SA_RESTORER, .mask = mask };
    return th_sys(h, tid, tgs_sigaction(h->w, tid, sig, &a, NULL, 8));
}
static inline int th_block(th_host *h, tgs_pid tid, tgs_sigset set)
{
    return th_sys(h, tid, tgs_sigprocmask(h->w, tid, TGS_SIG_BLOCK, &set, NULL, 8));
}
static inline int th_unblock(th_host *h, tgs_pid tid, tgs_sigset set)
{
    return th_sys(h, tid, tgs_sigprocmask(h->w, tid, TGS_SIG_UNBLOCK, &set, NULL, 8));
}
static inline int th_setmask(th_host *h, tgs_pid tid, tgs_sigset set)
{
    return th_sys(h, tid, tgs_sigprocmask(h->w, tid, TGS_SIG_SETMASK, &set, NULL, 8));
}

/* ---- observing --------------------------------------------------------------------------------- */
static inline tgs_task_info th_info(th_host *h, tgs_pid tid)
{
    tgs_task_info i;
    memset(&i, 0, sizeof i);
    if (tgs_task_info_get(h->w, tid, &i) < 0) i.tid = -1;
    return i;
}
/* The value of one status line (after the tab, without newline), in a per-host static buffer. */
static inline const char *th_status(th_host *h, tgs_pid tid, const char *key)
{
    static char buf[4096], val[128];
    (void)h;
    val[0] = 0;
    if (tgs_proc_status(h->w, tid, buf, sizeof buf) < 0) return "(esrch)";
    size_t kl = strlen(key);
    for (char *p = buf; *p; ) {
        char *nl = strchr(p, '\n');
        if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == '\t') {
            size_t n = (size_t)((nl ? nl : p + strlen(p)) - (p + kl + 2));
            if (n >= sizeof val) n = sizeof val - 1;
            memcpy(val, p + kl + 2, n);
            val[n] = 0;
            return val;
        }
        if (!nl) break;
        p = nl + 1;
    }
    return "(missing)";
}
static inline int th_count(th_host *h, int type, tgs_pid tid, int sig)
{
    int n = 0;
    for (int i = 0; i < h->nev; i++)
        if (h->ev[i].type == type && (!tid || h->ev[i].tid == tid) && (!sig || h->ev[i].sig == sig)) n++;
    return n;
}
/* The index-th event of a type (0-based), or NULL. */
static inline const tgs_event *th_ev(th_host *h, int type, int index)
{
    for (int i = 0; i < h->nev; i++)
        if (h->ev[i].type == type && index-- == 0) return &h->ev[i];
    return NULL;
}
static inline int th_handled_count(th_host *h, tgs_pid tid, int sig)
{
    int n = 0;
    for (int i = 0; i < h->nhandled; i++)
        if ((!tid || h->handled[i].tid == tid) && (!sig || h->handled[i].sig == sig)) n++;
    return n;
}
static inline int th_alive(th_host *h, tgs_pid tid)
{
    tgs_task_info i = th_info(h, tid);
    return i.tid == tid && i.state != TGS_TASK_ZOMBIE && i.state != TGS_TASK_DEAD;
}
static inline tgs_ledger th_ledger(th_host *h)
{
    tgs_ledger l;
    tgs_ledger_get(h->w, &l);
    return l;
}

#endif
