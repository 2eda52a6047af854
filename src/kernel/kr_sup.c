/* kr_sup.c - the supervisor: a forked child of the caller that builds the scenario's world,
 * runs the steps one by one, settles after each (polling /proc and the threads' phase marks),
 * records status blocks and the end state, then kills and reaps everything it created. */
#include "kr_int.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static int g_timeout_ms = 3000;
static int g_verbose;
static int g_pidfd[KR_MAXP];    /* pidfd + 1 of each scenario process, 0 = none */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
/* PIDFD_GET_INFO (Linux 6.15+): with PIDFD_INFO_EXIT, the wait status of a process that was
 * reaped, as long as a pidfd of it was open when it exited. struct pidfd_info, version 0. */
struct kr_pidfd_info {
    uint64_t mask, cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    int32_t exit_code;
};
#define KR_PIDFD_INFO_EXIT 8ull
#define KR_PIDFD_GET_INFO _IOWR(0xFF, 11, struct kr_pidfd_info)

static void set_step(int i)
{
    char m[48];
    __atomic_store_n(&kr_g->cur_step, i, __ATOMIC_SEQ_CST);
    if (i < kr_g->f.n_steps) snprintf(m, sizeof m, "tgsig step %d", i);
    else snprintf(m, sizeof m, "tgsig end");
    kr_trace_marker(kr_g, m);
}

/* ---- per-thread configuration (scheduling), done from outside as root ---- */

static void configure(int t)
{
    const sc_thread *th = &kr_g->f.threads[t];
    kr_slot *s = &kr_g->th[t];
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int cpus = kr_g->f.cpus > 0 ? kr_g->f.cpus : 1;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (ncpu < 1) ncpu = 1;
    if (th->cpu >= 0) CPU_SET((int)(th->cpu % ncpu), &set);
    else for (int c = 0; c < cpus && c < ncpu; c++) CPU_SET(c, &set);
    sched_setaffinity(s->tid, sizeof set, &set);
    if (th->policy == SC_POLICY_FIFO || th->policy == SC_POLICY_RR) {
        struct sched_param sp = { .sched_priority = th->prio };
        if (sched_setscheduler(s->tid, th->policy == SC_POLICY_FIFO ? SCHED_FIFO : SCHED_RR, &sp))
            kr_set_error("sched_setscheduler(%s): %s", th->name, strerror(errno));
    } else if (th->nice) {
        setpriority(PRIO_PROCESS, (id_t)s->tid, th->nice);
    }
    s->configured = 1;
}

/* ---- observing threads ---- */

static int ours(int p);

/* Hold a pidfd of each scenario process from the first time it is seen, so that its end can
 * still be read after it is reaped unseen (SIGCHLD ignored, SA_NOCLDWAIT, a dying namespace
 * init reaping its members). */
static void track_proc(int p)
{
    if (p < 0 || p >= KR_MAXP || g_pidfd[p] || !kr_g->pr[p].pid || !ours(p)) return;
    int fd = (int)syscall(SYS_pidfd_open, kr_g->pr[p].pid, 0);
    g_pidfd[p] = fd >= 0 ? fd + 1 : -1;
}

static void note_exit(int t)
{
    kr_slot *s = &kr_g->th[t];
    if (s->exit_recorded) return;
    s->exit_recorded = 1;
    if (kr_g->trace_on) return;     /* tracefs gives them in kernel order */
    obs_event *e = kr_emit(OBS_EXIT, kr_g->cur_step, t);
    kr_emit_done(e);
}

/* Current state letter of thread t; records exits. 'E' = mid-exec, 'G' = gone from /proc,
 * 0 = not started. 'X' is a task already dead but still being released: not settled yet. */
static char poll_thread(int t)
{
    kr_slot *s = &kr_g->th[t];
    if (!__atomic_load_n(&s->registered, __ATOMIC_SEQ_CST)) return 0;
    if (__atomic_load_n(&s->gone, __ATOMIC_SEQ_CST)) { note_exit(t); return 'G'; }
    if (!s->configured) configure(t);
    if (!g_pidfd[kr_g->f.threads[t].proc]) track_proc(kr_g->f.threads[t].proc);
    /* The phase first, then the tid: a thread that exec'd re-registers its new tid (the
       leader's) before it leaves KP_EXEC, so a state read with the old tid while the phase
       said KP_EXEC, or with a tid that has changed since, is a thread mid-exec, not gone. */
    int ph = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST);
    int tid = __atomic_load_n(&s->tid, __ATOMIC_SEQ_CST);
    char st = kr_thread_state(s->ns_tgid[0], tid);
    if (st == 0 && (ph == KP_EXEC || __atomic_load_n(&s->tid, __ATOMIC_SEQ_CST) != tid)
        && kr_thread_state(s->ns_tgid[0], 0) != 0)
        return 'E';
    if (st == 0) {              /* gone is for good: make sure (de_thread swaps pids under RCU) */
        kr_sleep_us(200);
        if ((__atomic_load_n(&s->phase, __ATOMIC_SEQ_CST) == KP_EXEC
             && kr_thread_state(s->ns_tgid[0], 0) != 0)
            || kr_thread_state(s->ns_tgid[0], __atomic_load_n(&s->tid, __ATOMIC_SEQ_CST)) != 0)
            return 'E';         /* look again at the next poll */
        s->gone = 1;
        st = 'G';
    }
    if (st == 'Z' || st == 'X') note_exit(t);
    return st;
}

static int g_onrq[KR_MAXT];     /* polls in a row a sleeping/stopped thread sat on a run queue */

/* S or T is only final once the task is off the run queue: a task preempted right after
 * marking itself S (e.g. inside wait4's child scan) or T (before notifying its parent) still
 * has work to do. wchan tells; if it keeps saying "on a run queue" for ~50 polls, trust the
 * state letter anyway (some sleeps have no wchan). */
static int off_cpu(int t)
{
    const kr_slot *s = &kr_g->th[t];
    if (kr_thread_off_cpu(s->ns_tgid[0], s->tid) != 0) { g_onrq[t] = 0; return 1; }
    return ++g_onrq[t] > 50;
}

static int settled(int t, char st)
{
    kr_slot *s = &kr_g->th[t];
    if (st == 0 || st == 'G' || st == 'Z') return 1;
    if (st == 'T' || st == 't') return off_cpu(t);
    if (st == 'X') return 0;
    if (st == 'E') return 0;
    int ph = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST);
    int hd = __atomic_load_n(&s->hdepth, __ATOMIC_SEQ_CST);
    int hs = __atomic_load_n(&s->hspin, __ATOMIC_SEQ_CST);
    int queued = __atomic_load_n(&s->ack_seq, __ATOMIC_SEQ_CST)
              != __atomic_load_n(&s->cmd_seq, __ATOMIC_SEQ_CST);
    if (hd > 0) return hs == hd;
    if (ph == KP_SPIN && !queued) return 1;
    if (st != 'S') return 0;
    if (queued) return (ph == KP_SYSCALL || ph == KP_TIMED) && off_cpu(t);
    return (ph == KP_IDLE || ph == KP_SYSCALL || ph == KP_TIMED) && off_cpu(t);
}

static int settle(int step)
{
    long long end = kr_now_ns() + (long long)g_timeout_ms * 1000000LL;
    unsigned long prev = 1;
    int stable = 0;
    for (;;) {
        unsigned long sig = (unsigned long)__atomic_load_n(&kr_g->nev, __ATOMIC_SEQ_CST);
        int all = 1, bad = -1;
        char badst = '?';
        for (int t = 0; t < kr_g->f.n_threads; t++) {
            char st = poll_thread(t);
            kr_slot *s = &kr_g->th[t];
            sig = sig * 131 + (unsigned char)st + 7ul * (unsigned)s->phase + 1009ul * s->ack_seq
                + 31ul * (unsigned)s->hdepth + 17ul * s->hcount;
            if (!settled(t, st)) { all = 0; bad = t; badst = st; }
        }
        if (kr_g->err[0]) return -1;
        if (all && sig == prev) { if (++stable >= 2) return 0; }
        else stable = 0;
        prev = sig;
        if (kr_now_ns() > end) {
            return kr_set_error("step %d did not settle within %dms (thread %s state %c)", step,
                                g_timeout_ms, bad >= 0 ? kr_g->f.threads[bad].name : "?", badst);
        }
        kr_sleep_us(1000);
    }
}

/* ---- steps ---- */

static int thread_live(int t)
{
    char st = poll_thread(t);
    return st != 0 && st != 'G' && st != 'X' && st != 'Z';
}

static void post(int t, int kind, int step, int arg)
{
    kr_slot *s = &kr_g->th[t];
    s->cmd_kind = kind;
    s->cmd_step = step;
    s->cmd_arg = arg;
    __atomic_add_fetch(&s->cmd_seq, 1, __ATOMIC_SEQ_CST);
    kr_futex_wake(&s->cmd_seq);
}

/* Why thread t cannot take a step now (NULL: it can), as the simulator says it: a thread acts
 * when it is idle between steps, or spinning in user space outside any handler (the new step
 * ends the spin). */
static const char *busy_reason(int t)
{
    const kr_slot *s = &kr_g->th[t];
    char st = poll_thread(t);
    if (st == 0) return "not created yet";
    if (st == 'G' || st == 'X' || st == 'Z') return "dead";
    if (st == 'T' || st == 't') return "stopped";
    if (__atomic_load_n(&s->hdepth, __ATOMIC_SEQ_CST) > 0) return "spinning in a handler";
    if (__atomic_load_n(&s->ack_seq, __ATOMIC_SEQ_CST) != __atomic_load_n(&s->cmd_seq, __ATOMIC_SEQ_CST))
        return "busy";
    int ph = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST);
    if (ph == KP_IDLE || ph == KP_SPIN) return NULL;
    if (ph == KP_SYSCALL || ph == KP_TIMED) return "asleep in a syscall";
    return "busy";
}

/* docs/scenario.md: a `PROC.*` step skips the threads that cannot act; a step of one named
 * thread that cannot act is an error of the run (the simulator's rules). */
static int act_on(int t, int step, int star)
{
    kr_slot *s = &kr_g->th[t];
    const char *why = busy_reason(t);
    if (why) {
        if (star && strcmp(why, "not created yet") != 0) {
            if (g_verbose) fprintf(stderr, "tgsig: step %d: %s skipped: %s\n", step,
                                   kr_g->f.threads[t].name, why);
            return 0;
        }
        return kr_set_error("step %d: %s cannot act: it is %s", step + 1, kr_g->f.threads[t].name, why);
    }
    post(t, KC_STEP, step, 0);
    if (settle(step) < 0) return -1;
    int idle = __atomic_load_n(&s->phase, __ATOMIC_SEQ_CST) == KP_IDLE && s->ack_seq == s->cmd_seq;
    if (!idle && thread_live(t) && kr_g->f.steps[step].act.kind != SC_A_SPIN) {
        obs_event *e = kr_emit(OBS_RESULT, step, t);
        if (e) { e->blocked = 1; kr_emit_done(e); }
    }
    return 0;
}

static int run_step(int i)
{
    const sc_step *st = &kr_g->f.steps[i];
    set_step(i);
    if (st->act.kind == SC_A_SETTLE) return settle(i);
    if (st->actor_thread >= 0) return act_on(st->actor_thread, i, 0);
    for (int t = 0; t < kr_g->f.n_threads; t++)
        if (kr_g->f.threads[t].proc == st->actor_proc && act_on(t, i, 1) < 0) return -1;
    return 0;
}

static void sigq_counts(long *v);

static void record_status(int after)
{
    int any = 0;
    long before[KR_MAXP + 1], now[KR_MAXP + 1];
    for (int k = 0; k < kr_g->f.n_status; k++) any |= kr_g->f.status[k].after_step == after;
    if (!any) return;
    sigq_counts(before);
    int first = kr_g->nev;
    for (int k = 0; k < kr_g->f.n_status; k++) {
        const sc_status *ss = &kr_g->f.status[k];
        if (ss->after_step != after) continue;
        for (int j = 0; j < ss->n; j++) {
            int t = ss->threads[j];
            if (t < 0 || t >= kr_g->f.n_threads) continue;
            obs_event *e = kr_emit(OBS_STATUS, after - 1, t);
            if (!e) return;
            const kr_slot *s = &kr_g->th[t];
            if (!s->registered || s->gone
                || kr_read_status(s->ns_tgid[0], s->tid, &e->st, kr_g) < 0) {
                memset(&e->st, 0, sizeof e->st);
                e->st.state = 'X';
                e->st.tgid_thread = e->st.pid_thread = e->st.ppid_proc = -1;
            }
            kr_emit_done(e);
        }
    }
    sigq_counts(now);
    int steady = 1;
    for (int i = 0; i < kr_g->n_sigq_uid; i++) steady &= before[i] >= 0 && before[i] == now[i];
    if (steady) return;
    for (int i = first; i < kr_g->nev && i < KR_MAXEV; i++)  /* the uid's count moved meanwhile */
        if (kr_g->ev[i].e.kind == OBS_STATUS) kr_g->ev[i].e.st.sigq = -1;
}

/* ---- the world ---- */

static int build_world(void)
{
    for (int p = 0; p < kr_g->f.n_procs; p++) {
        const sc_proc *pp = &kr_g->f.procs[p];
        if (pp->created_by_step >= 0) continue;
        if (pp->parent < 0) {
            if (kr_g->ns_mode) kr_ns_fork_world(p);
            else kr_world_fork(p);
        } else {
            post(kr_g->f.procs[pp->parent].first_thread, KC_FORKWORLD, -1, p);
            if (settle(-1) < 0) return -1;
        }
        if (kr_g->err[0]) return -1;
        if (!kr_g->th[pp->first_thread].registered)
            return kr_set_error("process %s did not start", pp->name);
    }
    for (int p = 0; p < kr_g->f.n_procs; p++) {
        if (kr_g->f.procs[p].created_by_step >= 0) continue;
        post(kr_g->f.procs[p].first_thread, KC_FINISHWORLD, -1, p);
        if (settle(-1) < 0) return -1;
    }
    return settle(-1);
}

/* ---- SigQ baselines ----
 *
 * The first number of /proc/PID/status SigQ is not the process's own count: it is the
 * RLIMIT_SIGPENDING charge of the task's real uid (its ucounts), i.e. every queued sigqueue
 * entry of every process of that uid on the machine. For root there is a steady offset (each
 * POSIX timer of a system daemon pre-charges one sigqueue), which the model, knowing only the
 * scenario's processes, cannot show. So before the world is built, for each real uid the
 * scenario uses (the supervisor's own, and every process's `uid=`), a fresh probe child of
 * that uid with nothing pending reads its SigQ: that is the uid's baseline, and kr_read_status
 * subtracts it from every reading of a task of that uid. After the run (every scenario process
 * killed and reaped, so none of its entries are still charged) the baselines are measured
 * again; if any changed, something outside the run queued or freed entries meanwhile and the
 * readings cannot be trusted: SigQ is then recorded as unknown (-1) for the whole run, which
 * obs_compare skips and obs_eval reports as unobservable. The same probe also brackets each
 * batch of status readings (record_status), for transient changes. */

static long probe_sigq(int uid)
{
    char buf[4096];
    kr_g->sigq_probe = -1;
    pid_t c = fork();
    if (c < 0) return -1;
    if (c == 0) {
        long v = -1;
        if ((uid_t)uid == getuid() || syscall(SYS_setresuid, uid, uid, uid) == 0) {
            const char *q = kr_read_file("/proc/thread-self/status", buf, sizeof buf) > 0
                          ? strstr(buf, "\nSigQ:\t") : NULL;
            if (q && sscanf(q + 7, "%ld", &v) != 1) v = -1;
        }
        __atomic_store_n(&kr_g->sigq_probe, v, __ATOMIC_SEQ_CST);
        _exit(0);
    }
    int st;
    while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
    return __atomic_load_n(&kr_g->sigq_probe, __ATOMIC_SEQ_CST);
}

static void add_uid(int uid)
{
    for (int i = 0; i < kr_g->n_sigq_uid; i++)
        if (kr_g->sigq_uid[i] == uid) return;
    if (kr_g->n_sigq_uid < KR_MAXP + 1) kr_g->sigq_uid[kr_g->n_sigq_uid++] = uid;
}

static void sigq_baselines(void)
{
    if (kr_g->ns_mode) return;  /* counts are the scenario's own (kr_ns.c): baseline 0 */
    add_uid((int)getuid());     /* uid 0 in the file means "the runner's" (kr_finish_world) */
    for (int p = 0; p < kr_g->f.n_procs && p < KR_MAXP; p++)
        if (kr_g->f.procs[p].uid) add_uid(kr_g->f.procs[p].uid);
    for (int i = 0; i < kr_g->n_sigq_uid; i++) kr_g->sigq_base[i] = probe_sigq(kr_g->sigq_uid[i]);
}

/* Every uid's current count into v[] (the baseline plus the scenario's own entries, which do
 * not change while a settled world's status is read). Probed just before and just after each
 * batch of status readings: if the two differ, an entry elsewhere on the machine (a daemon of
 * the same uid with a signal pending for a moment) came or went meanwhile and the batch's
 * readings are unknown. */
static void sigq_counts(long *v)
{
    for (int i = 0; i < kr_g->n_sigq_uid; i++)
        v[i] = kr_g->sigq_base[i] < 0 ? -1 : probe_sigq(kr_g->sigq_uid[i]);
}

/* After reap_all: the baselines again; SigQ is unknown for the run if any moved. */
static void sigq_recheck(void)
{
    int moved = 0;
    for (int i = 0; i < kr_g->n_sigq_uid; i++)
        if (kr_g->sigq_base[i] < 0 || probe_sigq(kr_g->sigq_uid[i]) != kr_g->sigq_base[i]) moved = 1;
    if (!moved) return;
    int n = kr_g->nev < KR_MAXEV ? kr_g->nev : KR_MAXEV;
    for (int i = 0; i < n; i++)
        if (kr_g->ev[i].e.kind == OBS_STATUS) kr_g->ev[i].e.st.sigq = -1;
}

/* ---- the end ---- */

static void end_from_status(obs_event *e, int status)
{
    if (WIFEXITED(status)) { e->value = OBS_END_EXITED; e->code = WEXITSTATUS(status); }
    else if (WIFSIGNALED(status)) {
        e->value = WCOREDUMP(status) ? OBS_END_DUMPED : OBS_END_KILLED;
        e->code = WTERMSIG(status);
    } else if (WIFSTOPPED(status)) { e->value = OBS_END_STOPPED; e->code = WSTOPSIG(status); }
}

/* How process p ended, from /proc while it is still there (zombie, stopped or alive). */
static int proc_end_live(int p, obs_event *e)
{
    int pid = kr_g->pr[p].pid;
    obs_status st;
    unsigned long long code = 0;
    if (kr_read_status(pid, 0, &st, kr_g) < 0) return -1;
    kr_stat_field(pid, 0, 52, &code);
    if (st.state == 'Z' && st.threads <= 1) { end_from_status(e, (int)code); return 0; }
    int stopped = 1, any = 0;
    for (int t = 0; t < kr_g->f.n_threads; t++) {
        const kr_slot *s = &kr_g->th[t];
        if (kr_g->f.threads[t].proc != p || !s->registered || s->gone) continue;
        char c = kr_thread_state(pid, s->tid);
        if (c == 0 || c == 'Z' || c == 'X') continue;
        any = 1;
        if (c != 'T' && c != 't') stopped = 0;
    }
    e->value = any && stopped ? OBS_END_STOPPED : OBS_END_ALIVE;
    e->code = any && stopped ? (long)(code & 0x7f) : 0;
    return 0;
}

/* How process p ended, from its pidfd, once it is gone from /proc (reaped by someone else). */
static int proc_end_reaped(int p, obs_event *e)
{
    struct kr_pidfd_info info;
    memset(&info, 0, sizeof info);
    info.mask = KR_PIDFD_INFO_EXIT;
    if (g_pidfd[p] <= 0 || ioctl(g_pidfd[p] - 1, KR_PIDFD_GET_INFO, &info) != 0
        || !(info.mask & KR_PIDFD_INFO_EXIT))
        return -1;
    end_from_status(e, info.exit_code);
    return 0;
}

static void record_end(int end)
{
    for (int t = 0; t < kr_g->f.n_threads; t++) {
        char st = poll_thread(t);
        if (st == 0) continue;
        obs_event *e = kr_emit(OBS_THREAD_END, end, t);
        if (e) { e->code = st == 'G' ? 'X' : st; kr_emit_done(e); }
    }
    for (int p = 0; p < kr_g->f.n_procs; p++) {
        const kr_pslot *ps = &kr_g->pr[p];
        if (!ps->pid) continue;
        obs_event e1 = { 0 };
        if (ps->reaped && ps->has_status) end_from_status(&e1, ps->wait_status);
        else if (proc_end_live(p, &e1) < 0 && proc_end_reaped(p, &e1) < 0) continue;
        obs_event *e = kr_emit(OBS_PROC_END, end, -1);
        if (!e) return;
        e->other = p;
        e->value = e1.value;
        e->code = e1.code;
        kr_emit_done(e);
    }
}

static int ours(int p)
{
    unsigned long long st = 0;
    const kr_pslot *ps = &kr_g->pr[p];
    return ps->pid > 1 && kr_stat_field(ps->pid, 0, 22, &st) == 0 && st == ps->start;
}

void kr_kill_all(void)
{
    kr_ns_kill();
    for (int p = 0; p < kr_g->f.n_procs; p++)
        if (ours(p)) kill(kr_g->pr[p].pid, SIGKILL);
}

/* The caller died (PR_SET_PDEATHSIG): kill the world, remove the trace instance, go. */
static void on_caller_death(int sig)
{
    (void)sig;
    kr_kill_all();
    kr_trace_remove(kr_g);
    _exit(1);
}

static void reap_all(void)
{
    long long end = kr_now_ns() + 5000000000LL, next_kill = 0;
    for (;;) {
        int st;
        pid_t r = waitpid(-1, &st, __WALL | WNOHANG);
        if (r < 0 && errno == ECHILD) return;
        if (r > 0) continue;
        if (kr_now_ns() > end) return;
        if (kr_now_ns() > next_kill) { kr_kill_all(); next_kill = kr_now_ns() + 100000000LL; }
        kr_sleep_us(1000);
    }
}

static void sup_init(void)
{
    struct rlimit rl;
    struct sched_param sp = { .sched_priority = 99 };
    int tid, tgid, nt[KR_MAXLVL], ng[KR_MAXLVL], n = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_caller_death;
    sigfillset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    if (getppid() != kr_g->caller_pid) on_caller_death(0);
    syscall(SYS_setsid);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if ((kr_g->f.cpus > 0 ? kr_g->f.cpus : 1) < ncpu) {  /* poll from a CPU the scenario leaves free */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)ncpu - 1, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    getrlimit(RLIMIT_SIGPENDING, &rl);
    rl.rlim_cur = 1024;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1024) rl.rlim_max = 1024;
    setrlimit(RLIMIT_SIGPENDING, &rl);
    rl.rlim_cur = rl.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &rl);
    if (kr_self_ids(&tid, &tgid, nt, ng, &n) == 0) kr_g->sup_nslevels = n;
    kr_g->sup_pid = (int)getpid();
    for (int t = 0; t < kr_g->f.n_threads; t++) {
        int fds[2];
        if (pipe(fds) == 0) { kr_g->th[t].pipe_r = fds[0]; kr_g->th[t].pipe_w = fds[1]; }
    }
}

void kr_supervisor(const kr_options *opt)
{
    g_timeout_ms = opt && opt->timeout_ms > 0 ? opt->timeout_ms : 3000;
    g_verbose = opt ? opt->verbose : 0;
    sup_init();
    long long end = kr_now_ns() + 10000000000LL;
    while (!__atomic_load_n(&kr_g->go, __ATOMIC_SEQ_CST) && kr_now_ns() < end) kr_sleep_us(200);
    if (kr_g->ns_mode && kr_ns_start() < 0 && kr_g->err[0]) {
        kr_trace_stop(kr_g);
        reap_all();
        _exit(0);
    }
    sigq_baselines();
    set_step(-1);
    if (build_world() == 0) {
        record_status(0);
        for (int i = 0; i < kr_g->f.n_steps; i++) {
            if (run_step(i) < 0) break;
            record_status(i + 1);
            if (kr_g->snap && kr_g->snap[i] && i + 1 < kr_g->f.n_steps) record_end(i);
        }
    }
    set_step(kr_g->f.n_steps);
    kr_trace_stop(kr_g);
    if (!kr_g->err[0]) record_end(kr_g->f.n_steps);
    kr_kill_all();
    reap_all();
    sigq_recheck();
    _exit(0);
}
