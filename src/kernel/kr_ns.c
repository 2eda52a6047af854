/* kr_ns.c - the namespace mode of the real-kernel runner: the runner's own init.
 *
 * After the caller says go, the supervisor clones one process into a fresh user namespace
 * (every uid and gid mapped to itself, so credentials, permission checks and /proc read the
 * same as outside) and a fresh pid namespace, where it is pid 1: the runner's init. It forks
 * the scenario's top-level processes when the supervisor asks (processes with a parent are
 * forked by that parent, as always), and otherwise sleeps; it never reaps, so a process
 * reparented to it stays a zombie until the end, as under the supervisor without namespaces.
 *
 *  - kill(-1) from a scenario process reaches exactly the other scenario processes: never the
 *    runner's init (pid 1 of the namespace), the supervisor or anything else on the machine;
 *    a raw pid (`pid=N`) can only name a scenario process either;
 *  - SigQ and RLIMIT_SIGPENDING are counted per (user namespace, real uid): what /proc shows
 *    and what the limit refuses are the scenario's own, whatever else runs on the machine
 *    (other checks, fuzzers and daemons of the same uid);
 *  - SIGKILL to the runner's init kills every scenario process at once (the kernel empties a
 *    pid namespace whose init dies), and its PR_SET_PDEATHSIG makes that happen when the
 *    supervisor dies, however it dies.
 *
 * The supervisor itself stays in the initial namespaces: setting SCHED_FIFO/RR, affinity and
 * nice of the scenario threads needs real root there. Top-level processes are children of the
 * runner's init instead of the supervisor; both are "the runner" to the model (PPid outside
 * the scenario), in the supervisor's session and process group. */
#include "kr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int wait_flag(const int *flag, long long ms)
{
    long long end = kr_now_ns() + ms * 1000000LL;
    for (;;) {
        int v = __atomic_load_n(flag, __ATOMIC_SEQ_CST);
        if (v) return v;
        if (kr_now_ns() > end) return 0;
        kr_sleep_us(100);
    }
}

static void init_main(const struct rlimit *sigpending) __attribute__((noreturn));
static void init_main(const struct rlimit *sigpending)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (wait_flag(&kr_g->init_mapped, 5000) != 1) _exit(1);
    if (kr_g->trace_fd >= 0) close(kr_g->trace_fd);     /* the supervisor's, not the world's */
    kr_reset_signals();         /* SIGCHLD SIG_DFL and unblocked: never queued to us */
    setrlimit(RLIMIT_SIGPENDING, sigpending);
    __atomic_store_n(&kr_g->init_ready, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        unsigned seq = __atomic_load_n(&kr_g->init_cmd_seq, __ATOMIC_SEQ_CST);
        if (seq == __atomic_load_n(&kr_g->init_done_seq, __ATOMIC_SEQ_CST)) {
            kr_futex_wait(&kr_g->init_cmd_seq, seq, -1);
            continue;
        }
        kr_world_fork(__atomic_load_n(&kr_g->init_cmd_arg, __ATOMIC_SEQ_CST));
        __atomic_store_n(&kr_g->init_done_seq, seq, __ATOMIC_SEQ_CST);
    }
}

static int write_map(int pid, const char *file)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/%s", pid, file);
    return kr_write_file(p, "0 0 4294967295\n");
}

static int fail(int pid, const char *what)
{
    char why[120];
    snprintf(why, sizeof why, "%s: %s", what, strerror(errno));
    if (pid > 0) {
        int st;
        __atomic_store_n(&kr_g->init_mapped, -1, __ATOMIC_SEQ_CST);
        kill(pid, SIGKILL);
        while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR) {}
    }
    kr_g->init_pid = 0;
    kr_g->ns_mode = 0;
    if (kr_g->ns_required)
        return kr_set_error("skip: kill -1 and raw pids need the runner's own pid namespace (%s)", why);
    return -1;
}

/* Supervisor: clone the runner's init. -1 when the namespaces cannot be made (then the run
 * goes on without them, unless the scenario needs them: then a skip error is set). */
int kr_ns_start(void)
{
    struct rlimit old, big = { RLIM_INFINITY, RLIM_INFINITY };
    getrlimit(RLIMIT_SIGPENDING, &old);
    /* A user namespace also charges every signal queued inside it to its creator's uid (root,
       machine-wide) against the creator's RLIMIT_SIGPENDING at creation: make that unlimited,
       so only the scenario's own limits (checked at its own level) can refuse a signal. */
    setrlimit(RLIMIT_SIGPENDING, &big);
    struct rlimit inner = { old.rlim_cur, RLIM_INFINITY };
    fflush(NULL);
    long r = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD),
                     NULL, NULL, NULL, NULL);
    if (r == 0) init_main(&inner);
    setrlimit(RLIMIT_SIGPENDING, &inner);
    if (r < 0) return fail(0, "clone(CLONE_NEWUSER|CLONE_NEWPID)");
    int pid = (int)r;
    kr_g->init_pid = pid;
    kr_stat_field(pid, 0, 22, &kr_g->init_start);
    if (write_map(pid, "uid_map") < 0 || write_map(pid, "gid_map") < 0)
        return fail(pid, "uid_map/gid_map");
    __atomic_store_n(&kr_g->init_mapped, 1, __ATOMIC_SEQ_CST);
    if (!wait_flag(&kr_g->init_ready, 3000)) { errno = ETIMEDOUT; return fail(pid, "the runner's init"); }
    return 0;
}

/* Supervisor: the runner's init forks top-level process p (and waits for it to register). */
int kr_ns_fork_world(int p)
{
    __atomic_store_n(&kr_g->init_cmd_arg, p, __ATOMIC_SEQ_CST);
    unsigned seq = __atomic_add_fetch(&kr_g->init_cmd_seq, 1, __ATOMIC_SEQ_CST);
    kr_futex_wake(&kr_g->init_cmd_seq);
    long long end = kr_now_ns() + 5000000000LL;
    while (__atomic_load_n(&kr_g->init_done_seq, __ATOMIC_SEQ_CST) != seq) {
        if (kr_now_ns() > end)
            return kr_set_error("the runner's init did not fork %s", kr_g->f.procs[p].name);
        kr_sleep_us(100);
    }
    return kr_g->err[0] ? -1 : 0;
}

/* SIGKILL the runner's init if it is still ours: the kernel then kills its whole namespace. */
void kr_ns_kill(void)
{
    unsigned long long st = 0;
    int pid = kr_g->init_pid;
    if (pid > 1 && kr_stat_field(pid, 0, 22, &st) == 0 && st == kr_g->init_start) kill(pid, SIGKILL);
}
