/* test_misuse.c - the public API called wrongly: every function with bad tids (0, negative,
 * out of the pid space, never used, released, zombie), out-of-range signals, NULL where a pointer
 * is required, bad sizes, bad flags and options.
 *
 * Each misuse must (1) not crash - every call is first tried in a forked child, so a crash is
 * reported as a failure of that call instead of killing the test binary; (2) return one of the
 * errors the kernel gives for it (-EINVAL, -ESRCH, -EFAULT, -EPERM, ...); (3) change nothing: the
 * /proc status of every task, the ledger and the task list are the same before and after, and
 * tgs_check / tgs_ledger_balanced still hold. */
#include <errno.h>
#include <limits.h>
#include <sys/types.h>
#include <unistd.h>
#include "host.h"
#include "core/internal.h"      /* signal numbers (no <signal.h>: its si_* macros clash) */

pid_t waitpid(pid_t pid, int *status, int options);   /* <sys/wait.h> would pull in <signal.h> */
#define EXITED(st) (((st) & 0x7f) == 0)
#define TERMSIG(st) ((st) & 0x7f)

T_MAIN()

#define CRASHED (-999999L)

/* The world every test misuses: init (1), app A with threads a1 a2, Z a zombie child of A,
 * R a released thread id, K a kernel thread, S a task stopped by SIGSTOP (its own process),
 * P a thread asleep in pause(). */
typedef struct world { th_host *h; tgs_pid a, a1, a2, z, r, k, s, p; } world;

static world W;

static void setup(void)
{
    memset(&W, 0, sizeof W);
    W.h = th_new(NULL);
    tgs_pid t[3];
    W.a = th_proc(W.h, 1, 3, t);
    W.a1 = t[1];
    W.a2 = t[2];
    W.z = th_fork(W.h, W.a);
    th_sys(W.h, W.z, tgs_exit(W.h->w, W.z, 3));               /* zombie: A never waits */
    W.r = th_thread(W.h, W.a);
    th_sys(W.h, W.r, tgs_exit(W.h->w, W.r, 0));               /* released at once */
    th_sys(W.h, 0, tgs_kthread_create(W.h->w, &W.k));
    W.s = th_fork(W.h, 1);
    th_sys(W.h, 1, tgs_kill(W.h->w, 1, W.s, SIGSTOP));
    W.p = th_fork(W.h, 1);
    th_sys(W.h, W.p, tgs_pause(W.h->w, W.p));
    CHECK(W.a > 0 && W.a1 > 0 && W.z > 0 && W.r > 0 && W.k > 0 && W.s > 0 && W.p > 0);
}

static void teardown(void) { th_free(W.h); W.h = NULL; }

/* Everything observable: every task's status block, the ledger, the task list. */
static size_t snapshot(char *buf, size_t len)
{
    size_t n = 0;
    tgs_ledger l;
    tgs_ledger_get(W.h->w, &l);
    n += (size_t)snprintf(buf + n, len - n, "ledger %llu %llu %llu %llu %llu %llu %llu %llu\n",
                          (unsigned long long)l.generated, (unsigned long long)l.delivered,
                          (unsigned long long)l.ignored, (unsigned long long)l.coalesced,
                          (unsigned long long)l.overflowed, (unsigned long long)l.flushed,
                          (unsigned long long)l.discarded, (unsigned long long)l.pending);
    for (tgs_pid t = tgs_next_task(W.h->w, 0); t > 0 && n + 1024 < len; t = tgs_next_task(W.h->w, t)) {
        n += (size_t)snprintf(buf + n, len - n, "task %d\n", t);
        int k = tgs_proc_status(W.h->w, t, buf + n, len - n);
        if (k > 0) n += (size_t)k < len - n ? (size_t)k : len - n - 1;
    }
    return n;
}

/* Runs `call` in a child first (crash detection), then for real. */
typedef long (*call_fn)(void *arg);
static long safely(call_fn call, void *arg, const char *what, int line)
{
    int fd[2];
    if (pipe(fd) != 0) return CRASHED;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(fd[0]);
        long r = call(arg);
        ssize_t k = write(fd[1], &r, sizeof r);
        _exit(k == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    long r = CRASHED;
    int st = 0;
    ssize_t k = read(fd[0], &r, sizeof r);
    close(fd[0]);
    waitpid(c, &st, 0);
    if (k != (ssize_t)sizeof r || !EXITED(st)) {
        printf("  line %d: %s crashed (signal %d)\n", line, what, TERMSIG(st));
        t_fail_now = 1;
        return CRASHED;
    }
    return call(arg);
}

static int one_of(long r, const int *ok, int n)
{
    for (int i = 0; i < n; i++)
        if (r == ok[i]) return 1;
    return 0;
}

/* MISUSE(fn, allowed results...): fn (a CALL wrapping a libtgsig call on W) must not crash, must return one
 * of the listed values and must leave the world exactly as it was. */
#define MISUSE(fn, ...) do { \
    static char before_[1 << 15], after_[1 << 15]; \
    const int ok_[] = { __VA_ARGS__ }; \
    snapshot(before_, sizeof before_); \
    long r_ = safely(fn, NULL, #fn, __LINE__); \
    if (r_ != CRASHED) { \
        if (!one_of(r_, ok_, (int)(sizeof ok_ / sizeof ok_[0]))) { \
            printf("  line %d: %s = %ld, not one of %s\n", __LINE__, #fn, r_, #__VA_ARGS__); \
            t_fail_now = 1; } \
        th_inv(W.h, #fn); \
        snapshot(after_, sizeof after_); \
        if (strcmp(before_, after_)) { \
            printf("  line %d: %s changed the world\n", __LINE__, #fn); t_fail_now = 1; } \
    } } while (0)
/* C has no lambdas: each MISUSE site names a function made by CALL. */
#define CALL(name, expr) static long name(void *arg_) { (void)arg_; return (long)(expr); }

/* ---------------------------------------------------------------------------------------------
 * NULL world and NULL-safe observers */
CALL(n_kill, tgs_kill(NULL, 1, 1, SIGTERM))
CALL(n_run, tgs_run(NULL, 1, NULL))
CALL(n_check, tgs_check(NULL, NULL, 0))
CALL(n_next, tgs_next_task(NULL, 0))
CALL(n_mem, (long)tgs_mem_in_use(NULL))
CALL(n_free, (tgs_world_free(NULL), 0))
CALL(n_status, tgs_proc_status(NULL, 1, NULL, 0))
CALL(n_info, tgs_task_info_get(NULL, 1, NULL))

TEST(null_world_is_einval)
{
    setup();
    static char b1[1 << 15], b2[1 << 15];
    snapshot(b1, sizeof b1);
    long r;
    r = safely(n_kill, NULL, "tgs_kill(NULL)", __LINE__); CHECK(r == -EINVAL || r == -ESRCH);
    r = safely(n_run, NULL, "tgs_run(NULL)", __LINE__); CHECK(r == -EINVAL || r == -ESRCH || r == TGS_RUN_DEAD);
    r = safely(n_check, NULL, "tgs_check(NULL)", __LINE__); CHECK(r == -1 || r == -EINVAL);
    r = safely(n_next, NULL, "tgs_next_task(NULL)", __LINE__); CHECK_EQ(r, 0);
    r = safely(n_mem, NULL, "tgs_mem_in_use(NULL)", __LINE__); CHECK_EQ(r, 0);
    r = safely(n_free, NULL, "tgs_world_free(NULL)", __LINE__); CHECK_EQ(r, 0);
    r = safely(n_status, NULL, "tgs_proc_status(NULL)", __LINE__); CHECK(r == -EINVAL || r == -ESRCH);
    r = safely(n_info, NULL, "tgs_task_info_get(NULL)", __LINE__); CHECK(r == -EINVAL || r == -ESRCH || r == -EFAULT);
    snapshot(b2, sizeof b2);
    CHECK(!strcmp(b1, b2));
    teardown();
}

/* ---------------------------------------------------------------------------------------------
 * Bad tids for every call that takes "self" or a target. */
static tgs_pid bad_self;
CALL(b_kill, tgs_kill(W.h->w, bad_self, W.a, SIGUSR1))
CALL(b_tkill, tgs_tkill(W.h->w, bad_self, W.a, SIGUSR1))
CALL(b_tgkill, tgs_tgkill(W.h->w, bad_self, W.a, W.a, SIGUSR1))
CALL(b_mask, tgs_sigprocmask(W.h->w, bad_self, TGS_SIG_BLOCK, &(tgs_sigset){ 1 }, NULL, 8))
CALL(b_act, tgs_sigaction(W.h->w, bad_self, SIGUSR1, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, 8))
CALL(b_pend, tgs_sigpending(W.h->w, bad_self, &(tgs_sigset){ 0 }, 8))
CALL(b_alt, tgs_sigaltstack(W.h->w, bad_self, &(tgs_stack){ 0x10000, 0, 65536 }, NULL))
CALL(b_pause, tgs_pause(W.h->w, bad_self))
CALL(b_susp, tgs_sigsuspend(W.h->w, bad_self, 0, 8))
CALL(b_twait, tgs_sigtimedwait(W.h->w, bad_self, 1, NULL, 0, 8))
CALL(b_sfd, tgs_signalfd(W.h->w, bad_self, 1, 1))
CALL(b_sfdr, tgs_signalfd_read(W.h->w, bad_self, &(tgs_siginfo){ 0 }, 128))
CALL(b_block, tgs_block(W.h->w, bad_self, TGS_ERESTARTSYS))
CALL(b_sleep, tgs_nanosleep(W.h->w, bad_self, 1000))
CALL(b_exit, tgs_exit(W.h->w, bad_self, 0))
CALL(b_exitg, tgs_exit_group(W.h->w, bad_self, 0))
CALL(b_exec, tgs_exec(W.h->w, bad_self))
CALL(b_wait, tgs_wait4(W.h->w, bad_self, -1, NULL, TGS_WNOHANG))
CALL(b_waitid, tgs_waitid(W.h->w, bad_self, TGS_P_ALL, 0, NULL, TGS_WEXITED | TGS_WNOHANG))
CALL(b_setsid, tgs_setsid(W.h->w, bad_self))
CALL(b_setpgid, tgs_setpgid(W.h->w, bad_self, 0, 0))
CALL(b_pdeath, tgs_prctl_set_pdeathsig(W.h->w, bad_self, SIGHUP))
CALL(b_subr, tgs_prctl_set_child_subreaper(W.h->w, bad_self, 1))
CALL(b_fork, ({ tgs_pid c_ = 0; tgs_fork(W.h->w, bad_self, &c_); }))
CALL(b_clone, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, bad_self, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c_); }))
CALL(b_sigret, tgs_sigreturn(W.h->w, bad_self, 0, 0))
CALL(b_fault, tgs_force_fault(W.h->w, bad_self, SIGSEGV, 1, 0))
CALL(b_qinfo, tgs_rt_sigqueueinfo(W.h->w, bad_self, W.a, SIGUSR1, &(tgs_siginfo){ .si_signo = SIGUSR1, .si_code = TGS_SI_QUEUE }))
CALL(b_pidfd, tgs_pidfd_send_signal(W.h->w, bad_self, W.a, 0, SIGUSR1, NULL, 0))
CALL(b_cred, tgs_set_cred(W.h->w, bad_self, &(tgs_cred){ 0, 0, 0, 1 }))
CALL(b_rlim, tgs_set_rlimit_sigpending(W.h->w, bad_self, 10))
CALL(b_run, ({ tgs_upcall u_; tgs_run(W.h->w, bad_self, &u_); }))
CALL(b_status, ({ char b_[512]; tgs_proc_status(W.h->w, bad_self, b_, sizeof b_); }))
CALL(b_info, ({ tgs_task_info i_; tgs_task_info_get(W.h->w, bad_self, &i_); }))
CALL(b_complete, tgs_complete(W.h->w, bad_self, 1))
CALL(b_kmask, tgs_kernel_sigprocmask(W.h->w, bad_self, TGS_SIG_BLOCK, 1))
CALL(b_allow, tgs_allow_signal(W.h->w, bad_self, SIGUSR1))
CALL(b_kdeq, tgs_kernel_dequeue_signal(W.h->w, bad_self, NULL))
CALL(b_getpgid, tgs_getpgid(W.h->w, bad_self))
CALL(b_timer, (tgs_timer_fire(W.h->w, bad_self), 0))
CALL(b_kernel, tgs_send_kernel(W.h->w, bad_self, SIGUSR1, TGS_KSEND_PID))

static void all_bad_self(void)
{
    MISUSE(b_kill, -ESRCH);
    MISUSE(b_tkill, -ESRCH);
    MISUSE(b_tgkill, -ESRCH);
    MISUSE(b_mask, -ESRCH);
    MISUSE(b_act, -ESRCH);
    MISUSE(b_pend, -ESRCH);
    MISUSE(b_alt, -ESRCH);
    MISUSE(b_pause, -ESRCH);
    MISUSE(b_susp, -ESRCH);
    MISUSE(b_twait, -ESRCH);
    MISUSE(b_sfd, -ESRCH);
    MISUSE(b_sfdr, -ESRCH);
    MISUSE(b_block, -ESRCH);
    MISUSE(b_sleep, -ESRCH);
    MISUSE(b_exit, -ESRCH);
    MISUSE(b_exitg, -ESRCH);
    MISUSE(b_exec, -ESRCH);
    MISUSE(b_wait, -ESRCH);
    MISUSE(b_waitid, -ESRCH);
    MISUSE(b_setsid, -ESRCH);
    MISUSE(b_setpgid, -ESRCH);
    MISUSE(b_pdeath, -ESRCH);
    MISUSE(b_subr, -ESRCH);
    MISUSE(b_fork, -ESRCH);
    MISUSE(b_clone, -ESRCH);
    MISUSE(b_sigret, -ESRCH);
    MISUSE(b_fault, -ESRCH);
    MISUSE(b_qinfo, -ESRCH);
    MISUSE(b_pidfd, -ESRCH);
    MISUSE(b_cred, -ESRCH);
    MISUSE(b_rlim, -ESRCH);
    MISUSE(b_run, -ESRCH, TGS_RUN_DEAD);     /* "dead" is a fine answer for a tid that is gone */
    MISUSE(b_status, -ESRCH);
    MISUSE(b_info, -ESRCH);
    MISUSE(b_complete, -ESRCH, -EINVAL);
    MISUSE(b_kmask, -ESRCH);
    MISUSE(b_allow, -ESRCH);
    MISUSE(b_kdeq, -ESRCH);
    MISUSE(b_getpgid, -ESRCH);
    MISUSE(b_timer, 0);
    MISUSE(b_kernel, -ESRCH);
}

TEST(bad_tids_are_esrch)
{
    static const tgs_pid bad[] = { 0, -1, -7, INT_MAX, INT_MIN, 100000, TH_MAXT - 2 };
    setup();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad_self = bad[i];
        int before = t_fail_now;
        all_bad_self();
        if (t_fail_now && !before) printf("  (with self = %d)\n", bad_self);
    }
    teardown();
}

TEST(released_thread_is_esrch)
{
    setup();
    bad_self = W.r;
    all_bad_self();
    teardown();
}

/* A zombie leader with no live thread: every syscall made "as" it is -ESRCH; observers work. */
CALL(z_kill, tgs_kill(W.h->w, W.z, W.a, SIGUSR1))
CALL(z_mask, tgs_sigprocmask(W.h->w, W.z, TGS_SIG_BLOCK, &(tgs_sigset){ 1 }, NULL, 8))
CALL(z_act, tgs_sigaction(W.h->w, W.z, SIGUSR1, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, 8))
CALL(z_pause, tgs_pause(W.h->w, W.z))
CALL(z_exit, tgs_exit(W.h->w, W.z, 0))
CALL(z_exitg, tgs_exit_group(W.h->w, W.z, 0))
CALL(z_exec, tgs_exec(W.h->w, W.z))
CALL(z_fork, ({ tgs_pid c_ = 0; tgs_fork(W.h->w, W.z, &c_); }))
CALL(z_clone, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, W.z, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c_); }))
CALL(z_wait, tgs_wait4(W.h->w, W.z, -1, NULL, TGS_WNOHANG))
CALL(z_sigret, tgs_sigreturn(W.h->w, W.z, 0, 0))
CALL(z_setsid, tgs_setsid(W.h->w, W.z))
CALL(z_kmask, tgs_kernel_sigprocmask(W.h->w, W.z, TGS_SIG_BLOCK, 1))

TEST(zombie_cannot_act)
{
    setup();
    MISUSE(z_kill, -ESRCH);
    MISUSE(z_mask, -ESRCH);
    MISUSE(z_act, -ESRCH);
    MISUSE(z_pause, -ESRCH);
    MISUSE(z_exit, -ESRCH);
    MISUSE(z_exitg, -ESRCH);
    MISUSE(z_exec, -ESRCH);
    MISUSE(z_fork, -ESRCH);
    MISUSE(z_clone, -ESRCH);
    MISUSE(z_wait, -ESRCH);
    MISUSE(z_sigret, -ESRCH);
    MISUSE(z_setsid, -ESRCH);
    MISUSE(z_kmask, -ESRCH);
    /* a zombie can still be looked at and signalled (kill to a zombie is 0 and changes nothing) */
    tgs_task_info i;
    CHECK_EQ(tgs_task_info_get(W.h->w, W.z, &i), 0);
    CHECK_EQ(i.state, TGS_TASK_ZOMBIE);
    teardown();
}

/* A stopped task and a sleeping task cannot make another syscall: -EBUSY (or -ESRCH). */
CALL(s_kill, tgs_kill(W.h->w, W.s, W.a, SIGUSR1))
CALL(s_mask, tgs_sigprocmask(W.h->w, W.s, TGS_SIG_BLOCK, &(tgs_sigset){ 1 }, NULL, 8))
CALL(s_pause, tgs_pause(W.h->w, W.s))
CALL(p_kill, tgs_kill(W.h->w, W.p, W.a, SIGUSR1))
CALL(p_pause, tgs_pause(W.h->w, W.p))
CALL(p_exec, tgs_exec(W.h->w, W.p))

TEST(stopped_or_sleeping_is_busy)
{
    setup();
    MISUSE(s_kill, -EBUSY, -ESRCH);
    MISUSE(s_mask, -EBUSY, -ESRCH);
    MISUSE(s_pause, -EBUSY, -ESRCH);
    MISUSE(p_kill, -EBUSY, -ESRCH);
    MISUSE(p_pause, -EBUSY, -ESRCH);
    MISUSE(p_exec, -EBUSY, -ESRCH);
    teardown();
}

/* ---------------------------------------------------------------------------------------------
 * Out-of-range signals (the kernel: EINVAL, after the target lookup for kill-style calls). */
static int bad_sig;
CALL(g_kill, tgs_kill(W.h->w, W.a, W.a, bad_sig))
CALL(g_tkill, tgs_tkill(W.h->w, W.a, W.a1, bad_sig))
CALL(g_tgkill, tgs_tgkill(W.h->w, W.a, W.a, W.a1, bad_sig))
CALL(g_qinfo, tgs_rt_sigqueueinfo(W.h->w, W.a, W.a, bad_sig, &(tgs_siginfo){ .si_signo = bad_sig, .si_code = TGS_SI_QUEUE }))
CALL(g_tgqinfo, tgs_rt_tgsigqueueinfo(W.h->w, W.a, W.a, W.a1, bad_sig, &(tgs_siginfo){ .si_signo = bad_sig, .si_code = TGS_SI_QUEUE }))
CALL(g_pidfd, tgs_pidfd_send_signal(W.h->w, W.a, W.a, 0, bad_sig, NULL, 0))
CALL(g_act, tgs_sigaction(W.h->w, W.a, bad_sig, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, 8))
CALL(g_actq, tgs_sigaction(W.h->w, W.a, bad_sig, NULL, &(struct tgs_sigaction){ 0, 0, 0 }, 8))
CALL(g_kernel, tgs_send_kernel(W.h->w, W.a, bad_sig, TGS_KSEND_PID))
CALL(g_fault, tgs_force_fault(W.h->w, W.a, bad_sig, 1, 0))
CALL(g_pdeath, tgs_prctl_set_pdeathsig(W.h->w, W.a, bad_sig))
CALL(g_allow, tgs_allow_signal(W.h->w, W.k, bad_sig))
CALL(g_kallow, tgs_allow_kernel_signal(W.h->w, W.k, bad_sig))
CALL(g_disallow, tgs_disallow_signal(W.h->w, W.k, bad_sig))
CALL(g_clone, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, W.a, 0, bad_sig, &c_); }))

TEST(out_of_range_signals_are_einval)
{
    static const int bad[] = { 65, 66, -1, -64, 1000, INT_MAX, INT_MIN };
    setup();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad_sig = bad[i];
        int before = t_fail_now;
        MISUSE(g_kill, -EINVAL);
        MISUSE(g_tkill, -EINVAL);
        MISUSE(g_tgkill, -EINVAL);
        MISUSE(g_qinfo, -EINVAL);
        MISUSE(g_tgqinfo, -EINVAL);
        MISUSE(g_pidfd, -EINVAL);
        MISUSE(g_act, -EINVAL);
        MISUSE(g_actq, -EINVAL);
        MISUSE(g_kernel, -EINVAL);
        MISUSE(g_fault, -EINVAL);
        MISUSE(g_pdeath, -EINVAL);
        MISUSE(g_allow, -EINVAL);
        MISUSE(g_kallow, -EINVAL);
        MISUSE(g_disallow, -EINVAL);
        MISUSE(g_clone, -EINVAL);
        if (t_fail_now && !before) printf("  (with sig = %d)\n", bad_sig);
    }
    teardown();
}

/* Signal 0 is a probe for sends, an error for actions. SIGKILL/SIGSTOP cannot be caught. */
CALL(k_act0, tgs_sigaction(W.h->w, W.a, 0, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, 8))
CALL(k_actkill, tgs_sigaction(W.h->w, W.a, SIGKILL, &(struct tgs_sigaction){ TH_H, 0, 0 }, NULL, 8))
CALL(k_actstopign, tgs_sigaction(W.h->w, W.a, SIGSTOP, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, 8))
CALL(k_fault0, tgs_force_fault(W.h->w, W.a, 0, 1, 0))
CALL(k_kernel0, tgs_send_kernel(W.h->w, W.a, 0, TGS_KSEND_PID))
CALL(k_kill0, tgs_kill(W.h->w, W.a, W.a1, 0))

TEST(signal_zero_and_uncatchable)
{
    setup();
    MISUSE(k_act0, -EINVAL);
    MISUSE(k_actkill, -EINVAL);
    MISUSE(k_actstopign, -EINVAL);
    MISUSE(k_fault0, -EINVAL);
    MISUSE(k_kernel0, 0, -EINVAL);
    MISUSE(k_kill0, 0);
    teardown();
}

/* ---------------------------------------------------------------------------------------------
 * Bad sizes, hows, flags and options. */
static size_t bad_size;
CALL(z_mask_sz, tgs_sigprocmask(W.h->w, W.a, TGS_SIG_BLOCK, &(tgs_sigset){ 1 }, NULL, bad_size))
CALL(z_act_sz, tgs_sigaction(W.h->w, W.a, SIGUSR1, &(struct tgs_sigaction){ TGS_SIG_IGN, 0, 0 }, NULL, bad_size))
CALL(z_susp_sz, tgs_sigsuspend(W.h->w, W.a, 0, bad_size))
CALL(z_twait_sz, tgs_sigtimedwait(W.h->w, W.a, 1, NULL, 0, bad_size))

TEST(bad_sigsetsize_is_einval)
{
    static const size_t bad[] = { 0, 4, 7, 9, 16, 128, (size_t)-1 };
    setup();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad_size = bad[i];
        MISUSE(z_mask_sz, -EINVAL);
        MISUSE(z_act_sz, -EINVAL);
        MISUSE(z_susp_sz, -EINVAL);
        MISUSE(z_twait_sz, -EINVAL);
    }
    teardown();
}

CALL(o_how, tgs_sigprocmask(W.h->w, W.a, 3, &(tgs_sigset){ 1 }, NULL, 8))
CALL(o_howneg, tgs_sigprocmask(W.h->w, W.a, -1, &(tgs_sigset){ 1 }, NULL, 8))
CALL(o_kmaskhow, tgs_kernel_sigprocmask(W.h->w, W.k, 77, 1))
CALL(o_altflags, tgs_sigaltstack(W.h->w, W.a, &(tgs_stack){ 0x10000, 0x1234, 65536 }, NULL))
CALL(o_altsmall, tgs_sigaltstack(W.h->w, W.a, &(tgs_stack){ 0x10000, 0, 100 }, NULL))
CALL(o_wait, tgs_wait4(W.h->w, W.a, -1, NULL, 0x100))
CALL(o_waitid0, tgs_waitid(W.h->w, W.a, TGS_P_ALL, 0, NULL, 0))
CALL(o_waitidtype, tgs_waitid(W.h->w, W.a, 9, 0, NULL, TGS_WEXITED | TGS_WNOHANG))
CALL(o_pidfdflags, tgs_pidfd_send_signal(W.h->w, W.a, W.a, 0, SIGUSR1, NULL, 0x80))
CALL(o_pidfdtwo, tgs_pidfd_send_signal(W.h->w, W.a, W.a, 0, SIGUSR1, NULL,
                                       TGS_PIDFD_SIGNAL_THREAD | TGS_PIDFD_SIGNAL_THREAD_GROUP))
CALL(o_ktype, tgs_send_kernel(W.h->w, W.a, SIGUSR1, 17))
CALL(o_clonebad, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, W.a, TGS_CLONE_SIGHAND | TGS_CLONE_CLEAR_SIGHAND, 17, &c_); }))
CALL(o_clonens, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, W.a, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND | TGS_CLONE_NEWPID, -1, &c_); }))
CALL(o_clonebits, ({ tgs_pid c_ = 0; tgs_clone(W.h->w, W.a, 0x80000000u, 17, &c_); }))
CALL(o_setpgid, tgs_setpgid(W.h->w, W.a, 0, -5))
CALL(o_tkill0, tgs_tkill(W.h->w, W.a, 0, SIGUSR1))
CALL(o_tkillneg, tgs_tkill(W.h->w, W.a, -3, SIGUSR1))
CALL(o_tgkill0, tgs_tgkill(W.h->w, W.a, 0, W.a1, SIGUSR1))
CALL(o_rlim, tgs_set_rlimit_sigpending(W.h->w, W.a, -5))
CALL(o_sfdcount, tgs_signalfd_read(W.h->w, W.a, &(tgs_siginfo){ 0 }, 3))
CALL(o_killmin, tgs_kill(W.h->w, W.a, INT_MIN, SIGUSR1))
CALL(o_spoof, tgs_rt_sigqueueinfo(W.h->w, W.a, W.a1, SIGUSR1, &(tgs_siginfo){ .si_signo = SIGUSR1, .si_code = TGS_SI_USER }))
CALL(o_kthreadperm, tgs_allow_signal(W.h->w, W.a, SIGUSR1))
CALL(o_kthreadmask, tgs_kernel_sigprocmask(W.h->w, W.a, TGS_SIG_BLOCK, TGS_SIGMASK(SIGKILL)))

TEST(bad_flags_and_options)
{
    setup();
    MISUSE(o_how, -EINVAL);
    MISUSE(o_howneg, -EINVAL);
    MISUSE(o_kmaskhow, -EINVAL);
    MISUSE(o_altflags, -EINVAL);
    MISUSE(o_altsmall, -ENOMEM);
    MISUSE(o_wait, -EINVAL);
    MISUSE(o_waitid0, -EINVAL);
    MISUSE(o_waitidtype, -EINVAL);
    MISUSE(o_pidfdflags, -EINVAL);
    MISUSE(o_pidfdtwo, -EINVAL);
    MISUSE(o_ktype, -EINVAL);
    MISUSE(o_clonebad, -EINVAL);
    MISUSE(o_clonens, -EINVAL);
    MISUSE(o_clonebits, -EINVAL);
    MISUSE(o_setpgid, -EINVAL);
    MISUSE(o_tkill0, -EINVAL);
    MISUSE(o_tkillneg, -EINVAL);
    MISUSE(o_tgkill0, -EINVAL);
    MISUSE(o_rlim, -EINVAL);
    MISUSE(o_sfdcount, -EINVAL, -EBADF);    /* no signalfd yet: EBADF is right too */
    MISUSE(o_killmin, -ESRCH);
    MISUSE(o_spoof, -EPERM);
    MISUSE(o_kthreadperm, -EPERM, -EINVAL);
    /* kernel_sigprocmask is for kernel threads: a user task must never end up blocking SIGKILL */
    MISUSE(o_kthreadmask, -EPERM, -EINVAL);
    teardown();
}

/* ---------------------------------------------------------------------------------------------
 * NULL where a pointer is required: -EFAULT (the kernel's answer) or -EINVAL. */
CALL(p_qinfo, tgs_rt_sigqueueinfo(W.h->w, W.a, W.a, SIGUSR1, NULL))
CALL(p_tgqinfo, tgs_rt_tgsigqueueinfo(W.h->w, W.a, W.a, W.a1, SIGUSR1, NULL))
CALL(p_pending, tgs_sigpending(W.h->w, W.a, NULL, 8))
CALL(p_sfdread, tgs_signalfd_read(W.h->w, W.a2, NULL, 128))
CALL(p_cred, tgs_set_cred(W.h->w, W.a, NULL))
CALL(p_info, tgs_task_info_get(W.h->w, W.a, NULL))
CALL(p_status, tgs_proc_status(W.h->w, W.a, NULL, 100))
CALL(p_check, tgs_check(W.h->w, NULL, 0))
CALL(p_ledger, (tgs_ledger_get(W.h->w, NULL), 0))

TEST(null_pointers)
{
    setup();
    th_sys(W.h, W.a2, tgs_signalfd(W.h->w, W.a2, TGS_SIGMASK(SIGUSR2), 1));
    MISUSE(p_qinfo, -EFAULT, -EINVAL);
    MISUSE(p_tgqinfo, -EFAULT, -EINVAL);
    MISUSE(p_pending, -EFAULT, -EINVAL);
    MISUSE(p_sfdread, -EFAULT, -EINVAL, -EAGAIN);   /* nothing to read comes first */
    MISUSE(o_sfdcount, -EINVAL, -EBADF);
    MISUSE(p_cred, -EFAULT, -EINVAL);
    MISUSE(p_info, -EFAULT, -EINVAL);
    MISUSE(p_status, -EFAULT, -EINVAL);
    MISUSE(p_check, 0);
    MISUSE(p_ledger, 0);
    teardown();
}

/* NULLs the kernel accepts: no new set (query), no old value, no info, no status. */
TEST(optional_pointers_may_be_null)
{
    setup();
    CHECK_EQ(tgs_sigprocmask(W.h->w, W.a, TGS_SIG_BLOCK, NULL, NULL, 8), 0);
    CHECK_EQ(tgs_sigaction(W.h->w, W.a, SIGUSR1, NULL, NULL, 8), 0);
    CHECK_EQ(tgs_sigaltstack(W.h->w, W.a, NULL, NULL), 0);
    CHECK_EQ(tgs_pidfd_send_signal(W.h->w, 1, W.a, 0, 0, NULL, 0), 0);
    CHECK_EQ(tgs_wait4(W.h->w, W.a, -1, NULL, TGS_WNOHANG), W.z);    /* Z is a zombie child: reaped */
    /* out-pointers for the new tid and the upcall are optional */
    long r = tgs_fork(W.h->w, W.a, NULL);
    CHECK(r >= 0);
    th_sys(W.h, W.a, (int)r);
    r = tgs_clone(W.h->w, W.a, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, NULL);
    CHECK(r >= 0);
    th_sys(W.h, W.a, (int)r);
    CHECK(tgs_kthread_create(W.h->w, NULL) >= 0);
    r = tgs_run(W.h->w, W.a, NULL);
    CHECK(r == -EFAULT || r == -EINVAL || (r >= TGS_RUN_USER && r <= TGS_RUN_DEAD));
    th_inv(W.h, "optional NULLs");
    char why[8];
    CHECK_EQ(tgs_check(W.h->w, why, sizeof why), 0);                /* tiny buffer is fine */
    teardown();
}

/* Misuse from a handler: sigreturn with no frame must not pop garbage. */
CALL(r_noframe, tgs_sigreturn(W.h->w, W.a1, 0, 0))

TEST(sigreturn_without_frame)
{
    setup();
    /* the kernel forces SIGSEGV on a bad frame; the model may refuse with an error instead */
    long r = safely(r_noframe, NULL, "sigreturn without frame", __LINE__);
    CHECK(r != CRASHED);
    th_inv(W.h, "sigreturn without a frame");
    tgs_task_info i;
    if (tgs_task_info_get(W.h->w, W.a1, &i) == 0) CHECK_EQ(i.depth, 0);
    teardown();
}

/* The world survives a long series of misuse and still works: a real signal is delivered. */
TEST(world_still_works_after_misuse)
{
    setup();
    bad_self = -1;
    all_bad_self();
    bad_self = W.r;
    all_bad_self();
    th_handler(W.h, W.a, SIGUSR1, TH_H, 0, 0);
    th_clear_log(W.h);
    th_sys(W.h, W.a1, tgs_kill(W.h->w, W.a1, W.a, SIGUSR1));
    CHECK_EQ(th_handled_count(W.h, 0, SIGUSR1), 1);
    teardown();
}
