/* test_oom.c - allocation failure injected at every allocation site in turn.
 *
 * A representative workload (processes and threads, handlers, queued RT and standard signals,
 * sigqueue with values, process-group kills, group stop and continue, signalfd, sigtimedwait,
 * fork from a thread, exec, exit, wait, kernel threads) runs once cleanly to record every call's
 * result and count allocations. Then, for k = 1, 2, 3, ... it runs again with the test hook
 * `alloc_fail_at` (struct tgs_world, src/core/internal.h) set to fail the k-th allocation, until
 * a run completes without reaching the hook. In every run:
 *  - the call that meets the failure returns its clean result or -ENOMEM / -EAGAIN (a standard
 *    signal may still be delivered without its siginfo, as in the kernel);
 *  - calls after it may fail differently (a process that was never created is -ESRCH), but every
 *    result is a value or a -errno, never garbage;
 *  - tgs_check and tgs_ledger_balanced hold after every call (host.h checks after each th_sys);
 *  - tgs_world_free gives back every byte (the host counts them).
 * Handler frames live in memory the library allocates on demand (the kernel writes them to the
 * user stack): when that allocation fails the thread gets SIGSEGV (si_code SI_KERNEL), as when the
 * kernel cannot write a frame, so later calls of that process may fail (-ESRCH); such a run is
 * accepted when the forced SIGSEGV is in its trace.
 * The world's own creation is tested the same way through the host's allocator. */
#include <errno.h>
#include "host.h"
#include "core/internal.h"

T_MAIN()

#define MAXR 256

typedef struct rec { long r[MAXR]; int n; } rec;

static long put(rec *x, long r)
{
    if (x->n < MAXR) x->r[x->n++] = r;
    return r;
}
#define R(expr) put(x, (long)(expr))
/* a syscall made for tid, then settle */
#define S(tid, expr) put(x, (long)th_sys(h, (tid), (int)(expr)))

static tgs_pid fork_of(th_host *h, rec *x, tgs_pid parent)
{
    tgs_pid c = 0;
    S(parent, tgs_fork(h->w, parent, &c));
    return c;
}

static tgs_pid thread_of(th_host *h, rec *x, tgs_pid leader)
{
    tgs_pid c = 0;
    S(leader, tgs_clone(h->w, leader, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c));
    return c;
}

static void part_signals(th_host *h, rec *x, tgs_pid sh, tgs_pid app, tgs_pid t1, tgs_pid t2)
{
    struct tgs_sigaction a = { TH_H, TGS_SA_SIGINFO | TGS_SA_RESTORER, TGS_SIGMASK(SIGUSR2) };
    S(app, tgs_sigaction(h->w, app, SIGUSR1, &a, NULL, 8));
    tgs_sigset blk = TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGTERM);
    for (int s = 40; s <= 43; s++) {
        S(app, tgs_sigaction(h->w, app, s, &a, NULL, 8));
        blk |= TGS_SIGMASK(s);
    }
    S(app, tgs_sigprocmask(h->w, app, TGS_SIG_BLOCK, &blk, NULL, 8));
    S(t1, tgs_sigprocmask(h->w, t1, TGS_SIG_BLOCK, &blk, NULL, 8));
    S(t2, tgs_sigprocmask(h->w, t2, TGS_SIG_BLOCK, &blk, NULL, 8));
    tgs_siginfo in = { .si_signo = 40, .si_code = TGS_SI_QUEUE, .si_value = 7 };
    for (int i = 0; i < 4; i++) {
        in.si_value = i;
        S(sh, tgs_rt_sigqueueinfo(h->w, sh, app, 40, &in));
    }
    S(sh, tgs_tgkill(h->w, sh, app, t1, 41));
    S(sh, tgs_kill(h->w, sh, app, SIGUSR1));
    S(sh, tgs_kill(h->w, sh, app, SIGUSR1));              /* coalesced */
    S(sh, tgs_tkill(h->w, sh, t2, SIGUSR1));
    S(sh, tgs_pidfd_send_signal(h->w, sh, app, 0, 42, NULL, 0));
    S(sh, tgs_send_kernel(h->w, app, 43, TGS_KSEND_TGID));
    tgs_sigset take = blk & ~TGS_SIGMASK(SIGTERM);
    S(t1, tgs_sigprocmask(h->w, t1, TGS_SIG_UNBLOCK, &take, NULL, 8));   /* takes the lot */
    tgs_siginfo out;
    S(t2, tgs_sigtimedwait(h->w, t2, TGS_SIGMASK(SIGUSR1), &out, 0, 8));
    S(app, tgs_signalfd(h->w, app, TGS_SIGMASK(SIGTERM), 1));
    S(sh, tgs_kill(h->w, sh, app, SIGTERM));
    S(app, tgs_signalfd_read(h->w, app, &out, 128));
}

static void part_jobctl(th_host *h, rec *x, tgs_pid sh, tgs_pid app, tgs_pid t1)
{
    int st = 0;
    S(sh, tgs_kill(h->w, sh, app, SIGSTOP));
    S(sh, tgs_wait4(h->w, sh, app, &st, TGS_WUNTRACED | TGS_WNOHANG));
    R(st);
    S(sh, tgs_kill(h->w, sh, -app, SIGCONT));
    S(sh, tgs_wait4(h->w, sh, app, &st, TGS_WCONTINUED | TGS_WNOHANG));
    S(t1, tgs_pause(h->w, t1));
    S(sh, tgs_tgkill(h->w, sh, app, t1, SIGUSR1));
}

static void part_life(th_host *h, rec *x, tgs_pid sh, tgs_pid app, tgs_pid t1, tgs_pid t2)
{
    int st = 0;
    tgs_pid kid = fork_of(h, x, t2);                       /* fork from a non-leader thread */
    tgs_pid kt = thread_of(h, x, kid);
    S(kt, tgs_exit(h->w, kt, 0));
    S(kid, tgs_exit_group(h->w, kid, 4));
    tgs_siginfo wi;
    S(app, tgs_waitid(h->w, app, TGS_P_ALL, 0, &wi, TGS_WEXITED | TGS_WNOHANG));
    S(t1, tgs_exec(h->w, t1));                             /* kills app and t2 */
    S(sh, tgs_kill(h->w, sh, app, SIGKILL));
    S(sh, tgs_wait4(h->w, sh, -1, &st, 0));
    R(st);
    tgs_pid k = 0;
    S(0, tgs_kthread_create(h->w, &k));
    S(0, tgs_allow_signal(h->w, k, SIGUSR1));
    S(sh, tgs_send_kernel(h->w, k, SIGUSR1, TGS_KSEND_PID));
    R(tgs_kernel_dequeue_signal(h->w, k, NULL));
}

static void workload(th_host *h, rec *x)
{
    tgs_pid sh = fork_of(h, x, 1);
    S(sh, tgs_setsid(h->w, sh));
    tgs_pid app = fork_of(h, x, sh);
    S(app, tgs_setpgid(h->w, app, 0, 0));
    tgs_pid t1 = thread_of(h, x, app), t2 = thread_of(h, x, app);
    tgs_cred root = { 0, 0, 0, 1 }, c = { 1000, 1000, 1000, 0 };
    R(tgs_set_cred(h->w, sh, &root));
    R(tgs_set_cred(h->w, app, &c));
    R(tgs_set_rlimit_sigpending(h->w, app, 64));
    part_signals(h, x, sh, app, t1, t2);
    part_jobctl(h, x, sh, app, t1);
    part_life(h, x, sh, app, t1, t2);
}

static int plausible(long r)
{
    return r == TGS_ASLEEP || (r >= -4095 && r <= 0x7fffffff);
}

/* A SIGSEGV forced by the core (a handler frame that could not be allocated) is in the trace. */
static int frame_segv(const th_host *h)
{
    for (int i = 0; i < h->nev; i++)
        if (h->ev[i].type == TGS_EV_GENERATE && h->ev[i].sig == SIGSEGV && h->ev[i].code == TGS_SI_KERNEL)
            return 1;
    return 0;
}

/* One run failing the k-th allocation after world creation (k = 0: none). */
static long run_failing(long k, const rec *clean, rec *x, int *first_bad, long *allocs)
{
    th_host *h = th_new(NULL);
    struct tgs_world *w = (struct tgs_world *)h->w;
    long base = w->alloc_count;
    w->alloc_fail_at = k > 0 ? (int)(base + k) : 0;
    memset(x, 0, sizeof *x);
    workload(h, x);
    *allocs = w->alloc_count - base;
    *first_bad = -1;
    for (int i = 0; clean && i < x->n && i < clean->n; i++) {
        if (!plausible(x->r[i])) { *first_bad = i; break; }
        if (x->r[i] == clean->r[i]) continue;
        if (x->r[i] != -ENOMEM && x->r[i] != -EAGAIN && *first_bad < 0) *first_bad = i;
        break;                                              /* later calls may cascade */
    }
    if (!clean) CHECK(!frame_segv(h));                      /* the clean run forces none */
    if (*first_bad >= 0 && x->r[*first_bad] == -ESRCH && frame_segv(h)) *first_bad = -1;
    int broken = h->broken;
    th_free(h);
    long leaked = h ? 0 : 0;
    (void)leaked;
    return broken ? -1 : 0;
}

TEST(oom_at_every_allocation)
{
    rec clean, x;
    int bad;
    long allocs = 0;
    CHECK_EQ(run_failing(0, NULL, &clean, &bad, &allocs), 0);
    CHECK(allocs > 10);
    CHECK(clean.n > 40);
    long k = 1, fails = 0;
    for (; k < 100000; k++) {
        long a = 0;
        int before = t_fail_now;
        if (run_failing(k, &clean, &x, &bad, &a) < 0) {
            printf("  failing allocation %ld: an invariant broke (see above)\n", k);
            fails++;
        }
        if (bad >= 0) {
            printf("  failing allocation %ld: call #%d returned %ld (clean run: %ld)\n", k, bad,
                   x.r[bad], bad < clean.n ? clean.r[bad] : 0L);
            t_fail_now = 1;
            fails++;
        }
        if (t_fail_now && !before) printf("  (with alloc_fail_at = %ld)\n", k);
        if (fails > 5) break;
        if (a < k) break;                                   /* the hook was not reached: done */
    }
    printf("  %ld allocation sites of the workload failed in turn\n", k - 1);
    CHECK(k > 10);
}

/* The host's own allocator failing: world creation returns NULL, or a world that works. */
TEST(world_new_fails_cleanly)
{
    for (long k = 1; k < 64; k++) {
        th_host *h = calloc(1, sizeof *h);
        if (!h) return;
        h->ops.ctx = h;
        h->ops.alloc = th__alloc;
        h->ops.free = th__free;
        h->fail_at = k;
        tgs_config c = { .rlimit_sigpending = 1024, .max_tasks = 100 };
        tgs_world *w = tgs_world_new(&h->ops, &c);
        if (w) {
            char why[256];
            CHECK_EQ(tgs_check(w, why, sizeof why), 0);
            tgs_world_free(w);
        }
        CHECK_EQ(h->bytes, 0);                              /* nothing leaked either way */
        int done = w != NULL && h->nalloc < k;
        free(h);
        if (done) break;
    }
}

/* Memory comes back: a world that ran the workload with a failure frees every byte. */
TEST(no_leak_after_failures)
{
    for (long k = 1; k < 400; k += 7) {
        th_host *h = th_new(NULL);
        struct tgs_world *w = (struct tgs_world *)h->w;
        w->alloc_fail_at = (int)(w->alloc_count + k);
        rec x;
        memset(&x, 0, sizeof x);
        workload(h, &x);
        tgs_world_free(h->w);
        CHECK_EQ(h->bytes, 0);
        if (h->bytes) printf("  (alloc_fail_at %ld leaked %ld bytes)\n", k, h->bytes);
        free(h);
    }
}
