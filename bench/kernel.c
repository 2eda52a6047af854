/* kernel.c - the real kernel's side of the benchmarks (Linux; raw syscalls).
 *
 * Safety: only the benchmark process itself and children it forked are ever signalled; every
 * child is reaped; every wait is bounded by a watchdog (SIGALRM kills the child, which ends the
 * wait); children die with the parent (PR_SET_PDEATHSIG). */
#include "bench.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Kernel sigset for raw rt_* syscalls: 8 bytes on x86-64. */
typedef uint64_t ksigset;
#define KMASK(sig) (1ULL << ((sig) - 1))
#define K_RTSIG 40              /* an RT signal libc leaves alone (SIGRTMIN+8) */

static int k_sigprocmask(int how, ksigset set, ksigset *old)
{
    return (int)syscall(SYS_rt_sigprocmask, how, &set, old, sizeof(ksigset));
}

static pid_t my_pid, my_tid;
static ksigset saved_mask;
static int blocked_once;

static void block_bench_signals(void)
{
    if (blocked_once)
        return;
    my_pid = getpid();
    my_tid = (pid_t)syscall(SYS_gettid);
    k_sigprocmask(SIG_BLOCK, KMASK(SIGUSR1) | KMASK(K_RTSIG), &saved_mask);
    blocked_once = 1;
}

void kbench_cleanup(void)
{
    if (blocked_once) {
        /* drain anything left, then restore the mask */
        siginfo_t si;
        struct timespec z = { 0, 0 };
        ksigset set = KMASK(SIGUSR1) | KMASK(K_RTSIG);
        while (syscall(SYS_rt_sigtimedwait, &set, &si, &z, sizeof(ksigset)) > 0)
            ;
        k_sigprocmask(SIG_SETMASK, saved_mask, NULL);
        blocked_once = 0;
    }
}

/* 1. thread-directed standard signal: tgkill to self (blocked) + rt_sigtimedwait dequeue */
int kbench_tgkill_wait(void *ctx, long iters)
{
    (void)ctx;
    block_bench_signals();
    ksigset set = KMASK(SIGUSR1);
    struct timespec z = { 0, 0 };
    siginfo_t si;
    for (long i = 0; i < iters; i++) {
        if (syscall(SYS_tgkill, my_pid, my_tid, SIGUSR1) != 0)
            return -1;
        if (syscall(SYS_rt_sigtimedwait, &set, &si, &z, sizeof(ksigset)) != SIGUSR1)
            return -1;
    }
    return 0;
}

/* 2. queued RT signal with siginfo: rt_sigqueueinfo(self) + rt_sigtimedwait */
int kbench_sigqueue_wait(void *ctx, long iters)
{
    (void)ctx;
    block_bench_signals();
    ksigset set = KMASK(K_RTSIG);
    struct timespec z = { 0, 0 };
    siginfo_t in, out;
    memset(&in, 0, sizeof in);
    in.si_signo = K_RTSIG;
    in.si_code = SI_QUEUE;
    in.si_pid = my_pid;
    in.si_uid = getuid();
    for (long i = 0; i < iters; i++) {
        in.si_value.sival_int = (int)i;
        if (syscall(SYS_rt_sigqueueinfo, my_pid, K_RTSIG, &in) != 0)
            return -1;
        if (syscall(SYS_rt_sigtimedwait, &set, &out, &z, sizeof(ksigset)) != K_RTSIG)
            return -1;
    }
    return 0;
}

/* 3. handler delivery: tgkill to self with a handler installed; the handler runs on the way
 * back from the syscall, then rt_sigreturn. */
static volatile sig_atomic_t handler_runs;
static void on_usr2(int sig)
{
    (void)sig;
    handler_runs++;
}

int kbench_handler(void *ctx, long iters)
{
    (void)ctx;
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr2;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGUSR2, &sa, NULL) != 0)
            return -1;
        installed = 1;
        my_pid = getpid();
        my_tid = (pid_t)syscall(SYS_gettid);
    }
    sig_atomic_t before = handler_runs;
    for (long i = 0; i < iters; i++)
        if (syscall(SYS_tgkill, my_pid, my_tid, SIGUSR2) != 0)
            return -1;
    return handler_runs - before == (sig_atomic_t)iters ? 0 : -1;
}

/* ---- group stop / continue / exit on a real child with N threads ---------------------------- */
static volatile pid_t watched_child;
static volatile sig_atomic_t watchdog_fired;

static void on_alarm(int sig)
{
    (void)sig;
    watchdog_fired = 1;
    if (watched_child > 0)
        kill(watched_child, SIGKILL);
}

static void arm_watchdog(unsigned seconds)
{
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;   /* the wait restarts and then reaps the killed child */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        installed = 1;
    }
    watchdog_fired = 0;
    alarm(seconds);
}

static atomic_int threads_parked;

static void *parked_thread(void *arg)
{
    (void)arg;
    atomic_fetch_add(&threads_parked, 1);
    for (;;)
        pause();
    return NULL;
}

/* The child: create nthreads-1 threads, report how many exist, then park in pause(). */
static void child_main(int nthreads, int wfd, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    k_sigprocmask(SIG_SETMASK, 0, NULL);
    signal(SIGALRM, SIG_DFL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    int made = 1;
    for (int i = 1; i < nthreads; i++) {
        pthread_t th;
        if (pthread_create(&th, &attr, parked_thread, NULL) != 0)
            break;
        made++;
    }
    while (atomic_load(&threads_parked) < made - 1)
        sched_yield();
    /* give the last threads time to enter pause() */
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
    if (write(wfd, &made, sizeof made) != (ssize_t)sizeof made)
        _exit(1);
    close(wfd);
    for (;;)
        pause();
}

/* Fork a child with nthreads threads; returns its pid, 0 with why filled on failure. */
static pid_t spawn_group(int nthreads, char *why, size_t whylen)
{
    int p[2];
    if (pipe(p) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return 0;
    }
    pid_t parent = getpid();
    pid_t c = fork();
    if (c < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return 0;
    }
    if (c == 0) {
        close(p[0]);
        child_main(nthreads, p[1], parent);
        _exit(0);
    }
    close(p[1]);
    watched_child = c;
    int made = 0;
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    int r = poll(&pfd, 1, 60000);
    if (r != 1 || read(p[0], &made, sizeof made) != (ssize_t)sizeof made || made != nthreads) {
        if (r != 1)
            snprintf(why, whylen, "child did not start %d threads within 60 s", nthreads);
        else
            snprintf(why, whylen, "could create only %d of %d threads (RLIMIT_NPROC, "
                     "threads-max, pid_max or memory)", made, nthreads);
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        watched_child = 0;
        close(p[0]);
        return 0;
    }
    close(p[0]);
    return c;
}

static int timed_wait(pid_t c, int opts, int want_stopped, int want_continued)
{
    int st;
    arm_watchdog(30);
    pid_t r = waitpid(c, &st, opts);
    alarm(0);
    if (r != c || watchdog_fired)
        return -1;
    if (want_stopped && !WIFSTOPPED(st))
        return -1;
    if (want_continued && !WIFCONTINUED(st))
        return -1;
    return 0;
}

/* Wait until no thread of c is runnable any more (they are back in pause() or stopped): a
 * settle delay that scales with N. Not timed. */
static void settle_child(int nthreads)
{
    struct timespec ts = { 0, 1000000 + (long)nthreads * 3000 };
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec = ts.tv_nsec / 1000000000;
        ts.tv_nsec %= 1000000000;
    }
    nanosleep(&ts, NULL);
}

int kbench_group(int nthreads, int reps, int exit_reps, struct kgroup_result *out, char *why,
                 size_t whylen)
{
    double st[64], ct[64], et[64];
    if (reps > 64)
        reps = 64;
    if (exit_reps > 64)
        exit_reps = 64;
    out->threads = nthreads;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)nthreads + 64) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)nthreads + 4096
                          ? (rlim_t)nthreads + 4096 : rl.rlim_max;
        setrlimit(RLIMIT_NPROC, &rl);
    }
    pid_t c = spawn_group(nthreads, why, whylen);
    if (!c)
        return -1;
    /* stop / continue cycles on one child */
    for (int i = 0; i < reps; i++) {
        uint64_t t0 = bench_now_ns();
        if (kill(c, SIGSTOP) != 0 || timed_wait(c, WUNTRACED, 1, 0) != 0)
            goto fail;
        uint64_t t1 = bench_now_ns();
        settle_child(0);
        uint64_t t2 = bench_now_ns();
        if (kill(c, SIGCONT) != 0 || timed_wait(c, WCONTINUED, 0, 1) != 0)
            goto fail;
        uint64_t t3 = bench_now_ns();
        settle_child(nthreads);
        st[i] = (double)(t1 - t0);
        ct[i] = (double)(t3 - t2);
    }
    /* exit: SIGTERM (default action: group exit) until the parent reaps the zombie */
    for (int i = 0; i < exit_reps; i++) {
        if (i > 0) {
            c = spawn_group(nthreads, why, whylen);
            if (!c)
                return -1;
        }
        uint64_t t0 = bench_now_ns();
        int status;
        arm_watchdog(30);
        if (kill(c, SIGTERM) != 0 || waitpid(c, &status, 0) != c) {
            alarm(0);
            goto fail;
        }
        alarm(0);
        uint64_t t1 = bench_now_ns();
        watched_child = 0;
        if (watchdog_fired || !WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM) {
            snprintf(why, whylen, "child did not die by SIGTERM");
            return -1;
        }
        et[i] = (double)(t1 - t0);
    }
    out->stop_ns = bench_median(st, reps);
    out->cont_ns = bench_median(ct, reps);
    out->exit_ns = bench_median(et, exit_reps);
    return 0;
fail:
    snprintf(why, whylen, "%s", watchdog_fired ? "watchdog: child did not answer within 30 s"
                                               : "kill/waitpid failed");
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    watched_child = 0;
    return -1;
}
