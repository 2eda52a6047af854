/* model.c - the model's side of the benchmarks (see model.h). */
#include "model.h"
#include "bench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define M_SIGUSR1 10
#define M_SIGUSR2 12
#define M_SIGTERM 15
#define M_SIGCONT 18
#define M_SIGSTOP 19
#define M_RTSIG 40
#define HANDLER_COOKIE 0x401000ull

static int fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- 1-3 ----------------------------------------------------------------------------------- */
int mmicro_setup(struct mmicro *m, char *why, size_t whylen)
{
    memset(m, 0, sizeof *m);
    if (mhost_init(&m->h, 0, 0) != 0)
        return fail(why, whylen, "tgs_world_new failed");
    tgs_world *w = m->h.w;
    m->p = mhost_fork(&m->h, tgs_init_pid(w));
    if (m->p < 0)
        return fail(why, whylen, "tgs_fork from init failed");
    tgs_sigset set = TGS_SIGMASK(M_SIGUSR1) | TGS_SIGMASK(M_RTSIG);
    int r = tgs_sigprocmask(w, m->p, TGS_SIG_BLOCK, &set, NULL, sizeof set);
    if (r < 0)
        return fail(why, whylen, "tgs_sigprocmask: %d", r);
    mhost_after_syscall(&m->h, m->p);
    struct tgs_sigaction sa = { .handler = HANDLER_COOKIE, .flags = TGS_SA_RESTORER, .mask = 0 };
    r = tgs_sigaction(w, m->p, M_SIGUSR2, &sa, NULL, sizeof(tgs_sigset));
    if (r < 0)
        return fail(why, whylen, "tgs_sigaction: %d", r);
    mhost_after_syscall(&m->h, m->p);
    mhost_settle(&m->h);
    return 0;
}

void mmicro_free(struct mmicro *m)
{
    mhost_free(&m->h);
}

int mbatch_tgkill_wait(void *ctx, long iters)
{
    struct mmicro *m = ctx;
    tgs_world *w = m->h.w;
    tgs_pid p = m->p;
    tgs_siginfo info;
    tgs_upcall up;
    for (long i = 0; i < iters; i++) {
        if (tgs_tgkill(w, p, p, p, M_SIGUSR1) != 0)
            return -1;
        tgs_run(w, p, &up);
        if (tgs_sigtimedwait(w, p, TGS_SIGMASK(M_SIGUSR1), &info, 0, sizeof(tgs_sigset)) != M_SIGUSR1)
            return -1;
        tgs_run(w, p, &up);
    }
    return 0;
}

int mbatch_sigqueue_wait(void *ctx, long iters)
{
    struct mmicro *m = ctx;
    tgs_world *w = m->h.w;
    tgs_pid p = m->p;
    tgs_siginfo in, out;
    tgs_upcall up;
    memset(&in, 0, sizeof in);
    in.si_signo = M_RTSIG;
    in.si_code = TGS_SI_QUEUE;
    in.si_pid = p;
    for (long i = 0; i < iters; i++) {
        in.si_value = i;
        if (tgs_rt_sigqueueinfo(w, p, p, M_RTSIG, &in) != 0)
            return -1;
        tgs_run(w, p, &up);
        if (tgs_sigtimedwait(w, p, TGS_SIGMASK(M_RTSIG), &out, 0, sizeof(tgs_sigset)) != M_RTSIG ||
            out.si_value != i)
            return -1;
        tgs_run(w, p, &up);
    }
    return 0;
}

int mbatch_handler(void *ctx, long iters)
{
    struct mmicro *m = ctx;
    tgs_world *w = m->h.w;
    tgs_pid p = m->p;
    tgs_upcall up;
    for (long i = 0; i < iters; i++) {
        if (tgs_tgkill(w, p, p, p, M_SIGUSR2) != 0)
            return -1;
        if (tgs_run(w, p, &up) != TGS_RUN_HANDLER || up.sig != M_SIGUSR2)
            return -1;
        if (tgs_sigreturn(w, p, 0, 0) < 0)
            return -1;
        if (tgs_run(w, p, &up) != TGS_RUN_USER)
            return -1;
    }
    /* the model wakes the target; nothing else is runnable */
    m->h.count = 0;
    memset(m->h.queued, 0, (size_t)m->h.max_tasks + 1);
    return 0;
}

int mbench_siginfo_bytes(struct mmicro *m, int k, double *bytes, double *inuse, char *why,
                         size_t whylen)
{
    tgs_world *w = m->h.w;
    tgs_pid p = m->p;
    int r = tgs_set_rlimit_sigpending(w, p, (long)k + 16);
    if (r < 0)
        return fail(why, whylen, "tgs_set_rlimit_sigpending: %d", r);
    size_t m0 = m->h.mem_cur, u0 = tgs_mem_in_use(w);
    tgs_siginfo in;
    memset(&in, 0, sizeof in);
    in.si_signo = M_RTSIG;
    in.si_code = TGS_SI_QUEUE;
    in.si_pid = p;
    for (int i = 0; i < k; i++) {
        in.si_value = i;
        r = tgs_rt_sigqueueinfo(w, p, p, M_RTSIG, &in);
        if (r != 0)
            return fail(why, whylen, "tgs_rt_sigqueueinfo #%d: %d", i, r);
        mhost_after_syscall(&m->h, p);
    }
    size_t m1 = m->h.mem_cur, u1 = tgs_mem_in_use(w);
    *bytes = (double)(m1 - m0) / k;
    *inuse = (double)(u1 - u0) / k;
    tgs_siginfo out;
    for (int i = 0; i < k; i++) {
        r = tgs_sigtimedwait(w, p, TGS_SIGMASK(M_RTSIG), &out, 0, sizeof(tgs_sigset));
        if (r != M_RTSIG || out.si_value != i)
            return fail(why, whylen, "dequeue #%d: %d (value %lld)", i, r, (long long)out.si_value);
        mhost_after_syscall(&m->h, p);
    }
    return 0;
}

/* ---- 4, 5 ---------------------------------------------------------------------------------- */
int mgroup_build(struct mgroup *g, int n, char *why, size_t whylen)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    if (mhost_init(&g->h, n + 1024, 0) != 0)
        return fail(why, whylen, "tgs_world_new (max_tasks %d) failed", n + 1024);
    tgs_world *w = g->h.w;
    g->shell = mhost_fork(&g->h, tgs_init_pid(w));
    if (g->shell < 0)
        return fail(why, whylen, "fork shell failed");
    size_t m0 = g->h.mem_cur, u0 = tgs_mem_in_use(w);
    g->app = mhost_fork(&g->h, g->shell);
    if (g->app < 0)
        return fail(why, whylen, "fork app failed");
    size_t m1 = g->h.mem_cur, u1 = tgs_mem_in_use(w);
    for (int i = 1; i < n; i++)
        if (mhost_thread(&g->h, g->app) < 0)
            return fail(why, whylen, "clone of thread %d of %d failed", i, n);
    size_t m2 = g->h.mem_cur, u2 = tgs_mem_in_use(w);
    if (n > 1) {
        g->bytes_per_thread = (double)(m2 - m1) / (n - 1);
        g->inuse_per_thread = (double)(u2 - u1) / (n - 1);
    } else {
        g->bytes_per_thread = (double)(m1 - m0);
        g->inuse_per_thread = (double)(u1 - u0);
    }
    g->h.park = MH_SPIN;
    if (mhost_settle(&g->h) < 0)
        return fail(why, whylen, "settle after setup failed");
    for (tgs_pid t = tgs_next_task(w, 0); t; t = tgs_next_task(w, t)) {
        tgs_task_info ti;
        if (tgs_task_info_get(w, t, &ti) == 0 && ti.tgid == g->app && mhost_pause(&g->h, t) != 0)
            return fail(why, whylen, "thread %d did not go to sleep in pause()", (int)t);
    }
    g->h.park = MH_PAUSE;
    return 0;
}

void mgroup_free(struct mgroup *g)
{
    mhost_free(&g->h);
}

/* send sig from shell to app, then wait4(app, opts) must report `want`. With settle_first, every
 * woken thread runs before the wait (stop and exit: the kernel's waitpid returns only once the
 * last thread has stopped / exited); else the wait comes first and the threads run afterwards,
 * untimed (continue: the kernel reports WCONTINUED as soon as SIGCONT is sent, while the woken
 * threads run later on other CPUs). */
static int group_op(struct mgroup *g, int sig, int opts, int want_status, int settle_first,
                    double *ns, char *why, size_t whylen)
{
    tgs_world *w = g->h.w;
    int st = -1;
    uint64_t t0 = bench_now_ns();
    int r = tgs_kill(w, g->shell, g->app, sig);
    if (r != 0)
        return fail(why, whylen, "tgs_kill(%d): %d", sig, r);
    mhost_after_syscall(&g->h, g->shell);
    if (settle_first && mhost_settle(&g->h) < 0)
        return fail(why, whylen, "settle after signal %d failed", sig);
    r = tgs_wait4(w, g->shell, g->app, &st, opts);
    mhost_after_syscall(&g->h, g->shell);
    uint64_t t1 = bench_now_ns();
    if (!settle_first && mhost_settle(&g->h) < 0)
        return fail(why, whylen, "settle after signal %d failed", sig);
    if (r != g->app || st != want_status)
        return fail(why, whylen, "wait4 after signal %d: ret %d status 0x%x (want 0x%x)", sig, r,
                    st, want_status);
    *ns = (double)(t1 - t0);
    return 0;
}

int mgroup_stop(struct mgroup *g, double *ns, char *why, size_t whylen)
{
    return group_op(g, M_SIGSTOP, TGS_WUNTRACED | TGS_WNOHANG, (M_SIGSTOP << 8) | 0x7f, 1, ns,
                    why, whylen);
}

int mgroup_cont(struct mgroup *g, double *ns, char *why, size_t whylen)
{
    return group_op(g, M_SIGCONT, TGS_WCONTINUED | TGS_WNOHANG, 0xffff, 0, ns, why, whylen);
}

int mgroup_exit(struct mgroup *g, double *ns, char *why, size_t whylen)
{
    return group_op(g, M_SIGTERM, TGS_WNOHANG, M_SIGTERM, 1, ns, why, whylen);
}

/* ---- 6 ------------------------------------------------------------------------------------- */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int mbench_select(int n, long sends, int reps, double *ns, char *why, size_t whylen)
{
    struct mgroup g;
    int rc = -1;
    double per[64];
    if (reps > 64)
        reps = 64;
    memset(&g, 0, sizeof g);
    if (mhost_init(&g.h, n + 1024, 0) != 0)
        return fail(why, whylen, "tgs_world_new failed");
    tgs_world *w = g.h.w;
    tgs_pid *tids = malloc(sizeof(tgs_pid) * (size_t)n);
    if (!tids)
        goto out;
    g.shell = mhost_fork(&g.h, tgs_init_pid(w));
    g.app = g.shell > 0 ? mhost_fork(&g.h, g.shell) : -1;
    if (g.app < 0) {
        fail(why, whylen, "fork failed");
        goto out;
    }
    struct tgs_sigaction sa = { .handler = HANDLER_COOKIE, .flags = TGS_SA_RESTORER, .mask = 0 };
    tgs_sigset usr1 = TGS_SIGMASK(M_SIGUSR1);
    if (tgs_sigaction(w, g.app, M_SIGUSR1, &sa, NULL, sizeof(tgs_sigset)) != 0 ||
        tgs_sigprocmask(w, g.app, TGS_SIG_BLOCK, &usr1, NULL, sizeof usr1) != 0) {
        fail(why, whylen, "sigaction/sigprocmask failed");
        goto out;
    }
    mhost_after_syscall(&g.h, g.app);
    tids[0] = g.app;
    for (int i = 1; i < n; i++) {
        tids[i] = mhost_thread(&g.h, g.app);      /* inherits the blocked mask */
        if (tids[i] < 0) {
            fail(why, whylen, "clone of thread %d of %d failed", i, n);
            goto out;
        }
    }
    g.h.park = MH_SPIN;
    g.h.sigreturn_block = usr1;         /* the handler re-blocks SIGUSR1 in its saved mask */
    mhost_settle(&g.h);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int rep = 0; rep < reps; rep++) {
        uint64_t t0 = bench_now_ns();
        for (long s = 0; s < sends; s++) {
            tgs_pid e = tids[rng_next(&seed) % (uint64_t)n];
            /* e becomes the one thread that can take SIGUSR1 */
            if (tgs_sigprocmask(w, e, TGS_SIG_UNBLOCK, &usr1, NULL, sizeof usr1) != 0)
                goto bad;
            mhost_after_syscall(&g.h, e);
            if (tgs_kill(w, g.shell, g.app, M_SIGUSR1) != 0)
                goto bad;
            mhost_after_syscall(&g.h, g.shell);
            long h0 = g.h.handlers;
            if (mhost_settle(&g.h) < 0)
                goto bad;
            if (g.h.handlers != h0 + 1 || g.h.last_handler_tid != e) {
                fail(why, whylen, "send %ld: handler ran in %d (%ld runs), the kernel's choice "
                     "is %d", s, (int)g.h.last_handler_tid, g.h.handlers - h0, (int)e);
                goto out;
            }
        }
        per[rep] = (double)(bench_now_ns() - t0) / (double)sends;
    }
    *ns = bench_median(per, reps);
    rc = 0;
    goto out;
bad:
    fail(why, whylen, "a syscall failed during the selection loop");
out:
    free(tids);
    mhost_free(&g.h);
    return rc;
}

/* ---- 8 ------------------------------------------------------------------------------------- */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int mbench_reparent(int n, int k, int reps, double *ns_per_child, double *base_ns, char *why,
                    size_t whylen)
{
    struct mhost h;
    double with[64], without[64];
    if (reps > 64)
        reps = 64;
    int max_tasks = n + (k + 2) * reps + 1024;
    if (mhost_init(&h, max_tasks, 0) != 0)
        return fail(why, whylen, "tgs_world_new failed");
    int rc = -1;
    tgs_world *w = h.w;
    tgs_pid app = mhost_fork(&h, tgs_init_pid(w));
    if (app < 0) {
        fail(why, whylen, "fork failed");
        goto out;
    }
    for (int i = 1; i < n - 1; i++)
        if (mhost_thread(&h, app) < 0) {
            fail(why, whylen, "clone of thread %d of %d failed", i, n);
            goto out;
        }
    h.park = MH_SPIN;
    mhost_settle(&h);
    for (int rep = 0; rep < reps; rep++) {
        /* a childless thread exits: the base cost */
        tgs_pid x0 = mhost_thread(&h, app);
        if (x0 < 0)
            goto bad;
        mhost_settle(&h);
        uint64_t t0 = bench_now_ns();
        tgs_exit(w, x0, 0);
        mhost_after_syscall(&h, x0);
        mhost_settle(&h);
        uint64_t t1 = bench_now_ns();
        /* the n-th thread forks k children, then exits */
        tgs_pid x = mhost_thread(&h, app);
        if (x < 0)
            goto bad;
        for (int c = 0; c < k; c++)
            if (mhost_fork(&h, x) < 0) {
                fail(why, whylen, "fork of child %d of %d failed", c, k);
                goto out;
            }
        mhost_settle(&h);
        uint64_t t2 = bench_now_ns();
        tgs_exit(w, x, 0);
        mhost_after_syscall(&h, x);
        mhost_settle(&h);
        uint64_t t3 = bench_now_ns();
        without[rep] = (double)(t1 - t0);
        with[rep] = (double)(t3 - t2);
        tgs_task_info ti;
        if (tgs_task_info_get(w, x, &ti) == 0 && ti.state != TGS_TASK_DEAD &&
            ti.state != TGS_TASK_ZOMBIE) {
            fail(why, whylen, "thread %d did not exit", (int)x);
            goto out;
        }
    }
    qsort(with, (size_t)reps, sizeof *with, cmp_d);
    qsort(without, (size_t)reps, sizeof *without, cmp_d);
    double wm = with[reps / 2], bm = without[reps / 2];
    *base_ns = bm;
    *ns_per_child = (wm - bm) / k;
    rc = 0;
    goto out;
bad:
    fail(why, whylen, "clone failed");
out:
    mhost_free(&h);
    return rc;
}
