/* test_kernel.c - tests of the real-kernel runner (src/kernel). They run real processes on this
 * machine; the ones that need root (scheduling, tracefs) say "skipped" and pass otherwise. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "t.h"
#include "kernel/kernel.h"

static int parse(const char *text, sc_file *f)
{
    char err[256];
    if (sc_parse("test.tgs", text, strlen(text), f, err, sizeof err) != 0) {
        printf("  parse error: %s\n", err);
        return -1;
    }
    return 0;
}

/* Parse and run; returns kr_run's result (-2 = parse error). */
static int run(const char *text, sc_file *f, tgs_obs *o, int trace, int timeout_ms)
{
    kr_options opt = { trace, timeout_ms, 0 };
    memset(o, 0, sizeof *o);
    if (parse(text, f) < 0) return -2;
    int r = kr_run(f, &opt, o);
    if (r != 0) printf("  kr_run: %s\n", o->error);
    return r;
}

static int find_thread(const sc_file *f, const char *proc, const char *name)
{
    for (int t = 0; t < f->n_threads; t++)
        if (!strcmp(f->threads[t].name, name) && !strcmp(f->procs[f->threads[t].proc].name, proc))
            return t;
    return -1;
}

static int count(const tgs_obs *o, int kind, int thread, int sig)
{
    int n = 0;
    for (int i = 0; i < o->n; i++)
        if (o->ev[i].kind == kind && (thread < 0 || o->ev[i].thread == thread)
            && (sig <= 0 || o->ev[i].sig == sig))
            n++;
    return n;
}

static const obs_event *last(const tgs_obs *o, int kind, int thread)
{
    const obs_event *r = NULL;
    for (int i = 0; i < o->n; i++)
        if (o->ev[i].kind == kind && (thread < 0 || o->ev[i].thread == thread)) r = &o->ev[i];
    return r;
}

static const obs_event *proc_end(const tgs_obs *o, int p)
{
    const obs_event *r = NULL;
    for (int i = 0; i < o->n; i++)
        if (o->ev[i].kind == OBS_PROC_END && o->ev[i].other == p) r = &o->ev[i];
    return r;
}

/* Every expect line of the scenario holds on the kernel's observation. */
static int expects_hold(const sc_file *f, const tgs_obs *o)
{
    int ok = 1;
    for (int i = 0; i < f->n_expects; i++) {
        char why[300];
        if (obs_eval(f, o, &f->expects[i], why, sizeof why) != 1) {
            printf("  line %d: %s\n", f->expects[i].loc.line, why);
            ok = 0;
        }
    }
    return ok;
}

static int children_of_me(void)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char path[300], buf[512];
        if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *fp = fopen(path, "r");
        if (!fp) continue;
        size_t k = fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        buf[k] = 0;
        char *p = strrchr(buf, ')');
        int ppid = 0;
        if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == getpid()) n++;
    }
    if (d) closedir(d);
    return n;
}

/* The tracefs root: the mounted one, else a detached private mount (as kr_trace.c does). */
static int tracefs_fd(void)
{
    const char *dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
    for (int i = 0; i < 2; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s/instances", dirs[i]);
        if (access(p, F_OK) == 0) return open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    int fs = (int)syscall(SYS_fsopen, "tracefs", 1u);
    if (fs < 0) return -1;
    int m = syscall(SYS_fsconfig, fs, 6u, NULL, NULL, 0) == 0 ? (int)syscall(SYS_fsmount, fs, 1u, 0) : -1;
    close(fs);
    return m;
}

/* tgsig instances made by process `pid` (0: by anyone). Other engineers' runs may have live
 * instances at the same time, so the tests only count their own. */
static int tgsig_instances_of(int pid)
{
    int n = 0, tfd = tracefs_fd();
    char prefix[40];
    snprintf(prefix, sizeof prefix, pid ? "tgsig-%d-" : "tgsig-", pid);
    int dfd = tfd >= 0 ? openat(tfd, "instances", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (!strncmp(de->d_name, prefix, strlen(prefix))) n++;
    if (d) closedir(d);
    else if (dfd >= 0) close(dfd);
    if (tfd >= 0) close(tfd);
    return n;
}

static int tgsig_instances(void) { return tgsig_instances_of((int)getpid()); }

static int is_root(const char *test)
{
    if (geteuid() == 0) return 1;
    printf("  skipped %s: needs root\n", test);
    return 0;
}

TEST(available_on_linux)
{
    char why[128];
    CHECK_EQ(kr_available(why, sizeof why), 1);
}

TEST(kill_taken_by_thread_that_does_not_block)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "  thread t2\n"
        "app.main: sigaction SIGUSR1 handler => 0\n"
        "app.main: sigprocmask block SIGUSR1 => 0\n"
        "app.*: pause\n"
        "shell.main: kill app SIGUSR1 => 0\n"
        "expect app.t1 handled SIGUSR1 times=1\n"
        "expect app.main not-handled SIGUSR1\n"
        "expect app.t1 result EINTR\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int t1 = find_thread(&f, "app", "t1");
    CHECK_EQ(count(&o, OBS_HANDLER, t1, 10), 1);
    CHECK_EQ(count(&o, OBS_HANDLER, -1, 10), 1);
    const obs_event *h = last(&o, OBS_HANDLER, t1);
    CHECK(h != NULL);
    if (h) {
        CHECK_EQ(h->code, 0);                       /* SI_USER */
        CHECK_EQ(h->other, 0);                      /* si_pid = shell */
        CHECK_HEX(h->mask, 1u << 9);                /* SIGUSR1 blocked inside */
        CHECK_EQ(h->depth, 1);
    }
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(tkill_sigstop_stops_the_whole_group)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "  thread t2\n"
        "app.*: pause\n"
        "shell.main: tkill app.t1 SIGSTOP => 0\n"
        "status app.*\n"
        "expect app stopped SIGSTOP\n"
        "expect app.* state T\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int n = 0;
    for (int i = 0; i < o.n; i++)
        if (o.ev[i].kind == OBS_STATUS) {
            n++;
            CHECK_EQ(o.ev[i].st.state, 'T');
            CHECK_EQ(o.ev[i].st.threads, 3);
            CHECK_EQ(o.ev[i].st.ppid_proc, 0);
        }
    CHECK_EQ(n, 3);
    const obs_event *e = proc_end(&o, 1);
    CHECK(e && e->value == OBS_END_STOPPED && e->code == 19);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(sigterm_kills_the_process)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "app.*: pause\n"
        "shell.main: kill app SIGTERM => 0\n"
        "expect app killed-by SIGTERM\n"
        "shell.main: wait app\n"
        "expect shell.main waited app killed SIGTERM\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    const obs_event *e = proc_end(&o, 1);
    CHECK(e && e->value == OBS_END_KILLED && e->code == 15);
    const obs_event *w = last(&o, OBS_WAIT, 0);
    CHECK(w && w->other == 1 && w->value == 15);
    CHECK_EQ(count(&o, OBS_EXIT, -1, 0), 2);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(sigwaitinfo_returns_the_signal_raw_si_tkill)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main\n"
        "  thread t1\n"
        "app.*: sigprocmask block SIGUSR2\n"
        "app.t1: sigwaitinfo SIGUSR2 => blocked\n"
        "app.main: tkill app.t1 SIGUSR2 => 0\n"
        "expect app.t1 result SIGUSR2\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int t1 = find_thread(&f, "app", "t1");
    const obs_event *r = last(&o, OBS_RESULT, t1);
    CHECK(r && r->value == 12 && r->err == 0 && r->step == 2);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(kill_with_signal_65_is_einval)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "app.main: kill app 65 raw => EINVAL\n"
        "app.main: kill pid=99999999 65 raw => ESRCH\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int k = 0;
    for (int i = 0; i < o.n; i++)
        if (o.ev[i].kind == OBS_RESULT) {
            CHECK_EQ(o.ev[i].err, k == 0 ? EINVAL : ESRCH);
            k++;
        }
    CHECK_EQ(k, 2);
    obs_free(&o);
    sc_free(&f);
}

TEST(sigqueue_value_and_handler_body)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process a\n"
        "process b\n"
        "b.main: sigaction SIGRTMIN+2 handler flags=SA_SIGINFO do kill a SIGUSR2\n"
        "a.main: sigaction SIGUSR2 handler\n"
        "b.main: pause => blocked\n"
        "a.main: sigqueue b SIGRTMIN+2 value=77 => 0\n"
        "expect b.main handler-value SIGRTMIN+2 77\n"
        "expect b.main handler-code SIGRTMIN+2 SI_QUEUE\n"
        "expect a.main handled SIGUSR2 times=1\n"
        "expect a.main handler-pid SIGUSR2 b\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

/* SigQ counts the whole uid's queued entries; the runner subtracts the uid's baseline, so only
 * the scenario's own entries show (or -1 when the baseline moved during the run). SIGCHLD's
 * si_status is not taken for si_value. */
TEST(sigq_is_relative_and_value_only_when_queued)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process a\n"
        "process b parent=a\n"
        "a.main: sigaction SIGCHLD handler flags=SA_SIGINFO\n"
        "b.main: sigprocmask block SIGRTMIN+1 => 0\n"
        "a.main: sigqueue b SIGRTMIN+1 value=1 => 0\n"
        "a.main: sigqueue b SIGRTMIN+1 value=2 => 0\n"
        "status b\n"
        "b.main: exit 5\n"
        "a.main: pause\n"
        "expect a.main handler-code SIGCHLD CLD_EXITED\n"
        "expect a.main handler-value SIGCHLD 0\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    const obs_event *st = last(&o, OBS_STATUS, find_thread(&f, "b", "main"));
    CHECK(st != NULL);
    if (st) CHECK(st->st.sigq == 2 || st->st.sigq == -1);
    if (st && st->st.sigq == -1) printf("  (SigQ baseline moved during the run)\n");
    obs_free(&o);
    sc_free(&f);
}

TEST(fork_exec_and_wait)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main\n"
        "  thread t1\n"
        "app.main: sigprocmask block SIGUSR1\n"
        "app.main: sigaction SIGHUP ignore\n"
        "app.t1: fork kid\n"
        "kid.main: sigaction SIGTERM handler\n"
        "kid.main: exec => 0\n"
        "status kid.main\n"
        "expect kid.main field SigCgt 0000000000000000\n"
        "expect kid.main field SigIgn 0000000000000001\n"
        "kid.main: exit_group 7\n"
        "app.main: wait kid\n"
        "expect app.main waited kid exited 7\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(exec_from_a_thread_takes_the_leader_pid)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main\n"
        "  thread t1\n"
        "app.main: pause\n"
        "app.t1: exec => 0\n"
        "status app.t1\n"
        "expect app.t1 field Threads 1\n"
        "expect app.main state X\n";
    CHECK_EQ(run(s, &f, &o, 1, 3000), 0);
    int t1 = find_thread(&f, "app", "t1"), m = find_thread(&f, "app", "main");
    /* t1 took the leader's pid; its own status names it t1 (docs/scenario.md: "named as
       before but with the leader's pid"), as the model does */
    const obs_event *st = last(&o, OBS_STATUS, t1);
    CHECK(st && st->st.pid_thread == t1 && st->st.tgid_thread == t1 && st->st.threads == 1);
    CHECK(m >= 0 && m != t1);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(unsettled_step_gives_bounded_error)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "app.main: spin\n"
        "app.main: pause\n";
    kr_test_unmarked_spin = 1;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_EQ(run(s, &f, &o, 0, 300), -1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    kr_test_unmarked_spin = 0;
    CHECK_CONTAINS(o.error, "step 0 did not settle within 300ms (thread main state R)");
    CHECK((b.tv_sec - a.tv_sec) < 5);
    CHECK_EQ(children_of_me(), 0);
    obs_free(&o);
    sc_free(&f);
}

TEST(spin_is_settled_and_ends_with_a_handler)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main policy=fifo prio=10\n"
        "process shell\n"
        "app.main: sigaction SIGUSR1 handler\n"
        "app.main: spin\n"
        "shell.main: kill app SIGUSR1 => 0\n"
        "expect app.main handled SIGUSR1 times=1\n"
        "expect app.main result 0\n";
    if (!is_root("spin_is_settled_and_ends_with_a_handler")) return;
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(skips_kernel_threads_with_the_reason)
{
    sc_file f;
    tgs_obs o;
    CHECK_EQ(run("process kw kernel\nkw.main: settle\n", &f, &o, 0, 300), -1);
    CHECK(!strncmp(o.error, "skip:", 5));
    CHECK_CONTAINS(o.error, "cannot be created from user space");
    CHECK_CONTAINS(o.error, "by design");
    obs_free(&o);
    sc_free(&f);
}

/* Without the runner's namespaces (kr_no_ns, or not root) kill -1 would reach the machine. */
TEST(kill_minus_1_skipped_without_namespaces)
{
    sc_file f;
    tgs_obs o;
    kr_no_ns = 1;
    CHECK_EQ(run("process a\na.main: kill -1 SIGTERM\n", &f, &o, 0, 300), -1);
    kr_no_ns = 0;
    CHECK(!strncmp(o.error, "skip:", 5));
    CHECK_CONTAINS(o.error, "pid namespace");
    obs_free(&o);
    sc_free(&f);
}

/* In the runner's pid namespace kill(-1) reaches the scenario's other processes and nothing
 * else: with none it is ESRCH (the runner's init is pid 1, never a candidate). */
TEST(kill_minus_1_in_the_runners_pid_namespace)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process s\n"
        "process a\n"
        "  thread main\n"
        "  thread t1\n"
        "s.main: sigaction SIGUSR1 handler => 0\n"
        "a.main: sigaction SIGUSR1 handler => 0\n"
        "a.*: pause\n"
        "s.main: kill -1 SIGUSR1 => 0\n"
        "expect a.main handled SIGUSR1 times=1\n"
        "expect s.main not-handled SIGUSR1\n"
        "s.main: kill pid=1 0 => 0\n"
        "s.main: kill pid=4000000 0 => ESRCH\n";
    if (!is_root("kill_minus_1_in_the_runners_pid_namespace")) return;
    CHECK_EQ(run(s, &f, &o, 1, 3000), 0);
    CHECK(expects_hold(&f, &o));
    int k = 0, want[] = { 0, 0, 0, ESRCH };
    for (int i = 0; i < o.n; i++)
        if (o.ev[i].kind == OBS_RESULT && o.ev[i].thread == 0 && k < 4) CHECK_EQ(o.ev[i].err, want[k++]);
    CHECK_EQ(k, 4);
    obs_free(&o);
    sc_free(&f);
    CHECK_EQ(run("process s\ns.main: kill -1 SIGUSR1 => ESRCH\n", &f, &o, 0, 3000), 0);
    const obs_event *r = last(&o, OBS_RESULT, 0);
    CHECK(r && r->err == ESRCH);
    CHECK_EQ(children_of_me(), 0);
    CHECK_EQ(tgsig_instances(), 0);
    obs_free(&o);
    sc_free(&f);
}

/* In the runner's user namespace SigQ counts only the scenario's own queued signals, for root
 * too (without it, root's count is machine-wide and only relative readings were possible). */
TEST(sigq_of_root_is_the_scenarios_own)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process a\n"
        "process b\n"
        "b.main: sigprocmask block SIGRTMIN+1,SIGUSR1 => 0\n"
        "a.main: sigqueue b SIGRTMIN+1 value=1 => 0\n"
        "a.main: sigqueue b SIGRTMIN+1 value=2 => 0\n"
        "a.main: kill b SIGUSR1 => 0\n"
        "status b a\n";
    if (!is_root("sigq_of_root_is_the_scenarios_own")) return;
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int n = 0;
    for (int i = 0; i < o.n; i++)
        if (o.ev[i].kind == OBS_STATUS) { CHECK_EQ(o.ev[i].st.sigq, 3); n++; }
    CHECK_EQ(n, 2);
    obs_free(&o);
    sc_free(&f);
}

/* docs/scenario.md: PROC.* skips a thread that cannot act (here asleep in pause); a named
 * thread that cannot act is an error of the run, worded as the simulator words it. */
TEST(busy_threads_follow_the_language)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main\n"
        "  thread t1\n"
        "app.t1: pause => blocked\n"
        "app.*: sigprocmask block SIGUSR1 => 0\n"
        "status app.*\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    int t1 = find_thread(&f, "app", "t1");
    for (int i = 0; i < o.n; i++) {
        const obs_event *e = &o.ev[i];
        if (e->kind == OBS_RESULT && e->thread == t1) CHECK(e->step == 0 && e->blocked);
        if (e->kind == OBS_STATUS) CHECK_HEX(e->st.blk, e->thread == t1 ? 0 : 1u << 9);
    }
    obs_free(&o);
    sc_free(&f);
    CHECK_EQ(run("process app\napp.main: pause\napp.main: sigprocmask block SIGUSR1\n", &f, &o, 0,
                 3000), -1);
    CHECK_CONTAINS(o.error, "step 2: main cannot act: it is asleep in a syscall");
    CHECK_EQ(children_of_me(), 0);
    obs_free(&o);
    sc_free(&f);
}

/* A step given to a thread spinning outside any handler ends the spin (the simulator's rule). */
TEST(new_step_ends_a_spin)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "app.main: spin\n"
        "app.main: sigprocmask block SIGUSR1 => 0\n"
        "status app\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    const obs_event *st = last(&o, OBS_STATUS, 0);
    CHECK(st && st->st.blk == 1u << 9 && st->st.state != 'R');
    obs_free(&o);
    sc_free(&f);
}

/* pgrp= naming the process itself (world line or fork step): a group of its own. */
TEST(pgrp_self_makes_a_group_leader)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process a\n"
        "process b pgrp=b\n"
        "a.main: sigaction SIGUSR1 handler => 0\n"
        "b.main: sigaction SIGUSR1 handler => 0\n"
        "b.main: fork kid pgrp=kid\n"
        "kid.main: sigaction SIGUSR1 handler => 0\n"
        "a.main: kill pgrp:b SIGUSR1 => 0\n"
        "a.main: kill pgrp:kid SIGUSR1 => 0\n"
        "expect b.main handled SIGUSR1 times=1\n"
        "expect kid.main handled SIGUSR1 times=1\n"
        "expect a.main not-handled SIGUSR1\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

TEST(tracefs_events_and_exit_order)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "app.*: pause\n"
        "shell.main: kill app SIGTERM => 0\n"
        "expect app.* delivered SIGKILL\n"
        "expect app killed-by SIGTERM\n";
    if (!is_root("tracefs_events_and_exit_order")) return;
    CHECK_EQ(run(s, &f, &o, 1, 3000), 0);
    if (!(o.caps & OBS_CAP_TRACE)) { printf("  skipped: tracefs not usable here\n"); goto out; }
    CHECK(o.caps & OBS_CAP_EXIT_ORDER);
    CHECK_EQ(count(&o, OBS_GENERATE, 0 + 1, 15), 1);     /* app.main = thread 1 */
    CHECK_EQ(count(&o, OBS_EXIT, -1, 0), 2);
    CHECK(expects_hold(&f, &o));
out:
    obs_free(&o);
    sc_free(&f);
}

TEST(nothing_left_behind)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "app.t1: fork kid\n"
        "kid.main: tkill kid.main SIGSTOP\n"
        "app.*: pause\n";
    int r = run(s, &f, &o, 1, 3000);
    CHECK_EQ(r, 0);
    CHECK_EQ(children_of_me(), 0);
    CHECK_EQ(tgsig_instances(), 0);
    int st;
    CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD);
    obs_free(&o);
    sc_free(&f);
}

/* exec from a thread whose leader is a zombie: the runner re-executes itself through
 * /proc/thread-self/exe (/proc/self/exe names the zombie leader's mm: ENOENT). */
TEST(exec_with_a_zombie_leader)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process app\n"
        "  thread main\n"
        "  thread t1\n"
        "app.main: exit 5\n"
        "app.t1: exec => 0\n"
        "status app.t1\n"
        "expect app.t1 field Threads 1\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    CHECK(expects_hold(&f, &o));
    obs_free(&o);
    sc_free(&f);
}

/* A process reaped by no one of the scenario (SIGCHLD ignored: auto-reaped) still has its end
 * (the runner holds a pidfd of every process: PIDFD_INFO_EXIT). */
TEST(end_of_an_auto_reaped_process)
{
    sc_file f;
    tgs_obs o;
    const char *s =
        "process a\n"
        "a.main: sigaction SIGCHLD ignore => 0\n"
        "a.main: fork kid\n"
        "kid.main: exit_group 7\n"
        "a.main: wait kid => ECHILD\n"
        "expect kid exited 7\n";
    CHECK_EQ(run(s, &f, &o, 0, 3000), 0);
    const obs_event *e = proc_end(&o, 1);
    CHECK(e && e->value == OBS_END_EXITED && e->code == 7);
    obs_free(&o);
    sc_free(&f);
}

/* The runner's init (pid 1 of the scenario's namespace) is "the runner": top-level processes'
 * PPid is outside the scenario, as without namespaces. */
TEST(top_level_parent_is_the_runner)
{
    sc_file f;
    tgs_obs o;
    CHECK_EQ(run("process a\nstatus a\n", &f, &o, 0, 3000), 0);
    const obs_event *e = last(&o, OBS_STATUS, 0);
    CHECK(e && e->st.ppid_proc == -1);
    obs_free(&o);
    sc_free(&f);
}

/* An instance whose owner is gone (a run killed with SIGKILL together with its supervisor) is
 * removed by the next run; a live owner's instance is left alone. */
TEST(stale_trace_instances_are_swept)
{
    sc_file f;
    tgs_obs o;
    if (!is_root("stale_trace_instances_are_swept")) return;
    int tfd = tracefs_fd();
    if (tfd < 0) { printf("  skipped: no tracefs\n"); return; }
    pid_t c = fork();
    if (c == 0) _exit(0);
    waitpid(c, NULL, 0);
    char dead[80], live[80];
    snprintf(dead, sizeof dead, "instances/tgsig-%d-1-0", (int)c);      /* owner gone */
    snprintf(live, sizeof live, "instances/tgsig-%d-7-0", (int)getpid()); /* start time differs */
    char mine[80];
    unsigned long long st = 0;
    char buf[1024];
    snprintf(mine, sizeof mine, "/proc/%d/stat", (int)getpid());
    FILE *fp = fopen(mine, "r");
    size_t k = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp) fclose(fp);
    buf[k] = 0;
    char *q = strrchr(buf, ')');
    for (int fld = 3; q && fld <= 22; fld++) q = strchr(q + 1, ' ');
    if (q) st = strtoull(q + 1, NULL, 10);
    snprintf(mine, sizeof mine, "instances/tgsig-%d-%llu-999", (int)getpid(), st); /* alive */
    CHECK_EQ(mkdirat(tfd, dead, 0700), 0);
    CHECK_EQ(mkdirat(tfd, live, 0700), 0);
    CHECK_EQ(mkdirat(tfd, mine, 0700), 0);
    CHECK_EQ(run("process a\na.main: raise SIGUSR1\n", &f, &o, 1, 3000), 0);
    CHECK(faccessat(tfd, dead, F_OK, 0) != 0);
    CHECK(faccessat(tfd, live, F_OK, 0) != 0);
    CHECK(faccessat(tfd, mine, F_OK, 0) == 0);
    unlinkat(tfd, dead, AT_REMOVEDIR);
    unlinkat(tfd, live, AT_REMOVEDIR);
    CHECK_EQ(unlinkat(tfd, mine, AT_REMOVEDIR), 0);
    close(tfd);
    CHECK_EQ(tgsig_instances(), 0);
    obs_free(&o);
    sc_free(&f);
}

/* Several traced runs at once (as from several worktrees): each gets its own instance and its
 * own events, and none is left behind. */
TEST(concurrent_traced_runs)
{
    enum { N = 3 };
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "app.*: pause\n"
        "shell.main: kill app SIGTERM => 0\n"
        "expect app.* delivered SIGKILL\n"
        "expect app killed-by SIGTERM\n";
    pid_t kids[N];
    if (!is_root("concurrent_traced_runs")) return;
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            int bad = 0;
            for (int r = 0; r < 4 && !bad; r++) {
                sc_file f;
                tgs_obs o;
                bad = run(s, &f, &o, 1, 3000) != 0 || !(o.caps & OBS_CAP_TRACE)
                   || !expects_hold(&f, &o) || tgsig_instances() != 0;
                obs_free(&o);
                sc_free(&f);
            }
            _exit(bad);
        }
    }
    for (int i = 0; i < N; i++) {
        int st = -1;
        waitpid(kids[i], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        CHECK_EQ(tgsig_instances_of(kids[i]), 0);
    }
}

/* The caller dies in the middle of a run (SIGKILL): the supervisor notices (PDEATHSIG),
 * kills the world and removes the trace instance; nothing is left running. With and without
 * the runner's namespaces. */
static void caller_killed(int no_ns)
{
    const char *s =
        "process shell\n"
        "process app parent=shell\n"
        "  thread main\n"
        "  thread t1\n"
        "app.t1: pause\n"
        "shell.main: nanosleep 600000 => blocked\n"
        "app.main: spin\n";
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);      /* orphans come to us: we can count them */
    pid_t c = fork();
    if (c == 0) {
        sc_file f;
        tgs_obs o;
        kr_no_ns = no_ns;
        kr_test_unmarked_spin = 1;                  /* the last step never settles */
        run(s, &f, &o, 1, 60000);
        _exit(0);
    }
    struct timespec ts = { 1, 500000000 };
    nanosleep(&ts, NULL);
    int inst = tgsig_instances_of(c);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    int left = -1;
    for (int i = 0; i < 300 && left != 0; i++) {
        while (waitpid(-1, NULL, __WALL | WNOHANG) > 0) {}
        left = children_of_me();
        if (left) { ts.tv_sec = 0; ts.tv_nsec = 10000000; nanosleep(&ts, NULL); }
    }
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    CHECK_EQ(left, 0);
    CHECK(inst == 1 || tracefs_fd() < 0);
    CHECK_EQ(tgsig_instances_of(c), 0);
}

TEST(caller_killed_mid_run_leaves_nothing)
{
    if (!is_root("caller_killed_mid_run_leaves_nothing")) return;
    caller_killed(0);
    caller_killed(1);
}

T_MAIN()
