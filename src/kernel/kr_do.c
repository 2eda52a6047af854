/* kr_do.c - the action dispatcher of a scenario thread: blocking calls (with the phase marks
 * the supervisor's settle logic reads), waits, process life (fork, clone, exec, exit). */
#include "kr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int kr_test_unmarked_spin;
__thread int kr_tls_other = -1;         /* proc/thread index a pid-valued result maps to */

static void set_phase(int idx, int ph, int step)
{
    kr_slot *s = &kr_g->th[idx];
    s->sysc_step = step;
    __atomic_store_n(&s->phase, ph, __ATOMIC_SEQ_CST);
}

/* Run a blocking syscall with the thread marked as inside it (unless in a handler). */
#define BLOCKING(idx, uc, ph, step, expr) ({ \
        if (!(uc)) set_phase((idx), (ph), (step)); \
        long _r = kr_rs(expr); \
        if (!(uc)) set_phase((idx), KP_RUN, (step)); \
        _r; })

static long do_spin(int idx, int step, void *uc)
{
    kr_slot *s = &kr_g->th[idx];
    unsigned h0 = __atomic_load_n(&s->hcount, __ATOMIC_SEQ_CST);
    int old = s->hspin;
    if (uc) __atomic_store_n(&s->hspin, kr_tls_depth(), __ATOMIC_SEQ_CST);
    else set_phase(idx, kr_test_unmarked_spin ? KP_RUN : KP_SPIN, step);
    for (unsigned long n = 0;; n++) {
        if (__atomic_load_n(&s->hcount, __ATOMIC_SEQ_CST) != h0) break;
        if (!uc && __atomic_load_n(&s->cmd_seq, __ATOMIC_SEQ_CST)
                   != __atomic_load_n(&s->ack_seq, __ATOMIC_SEQ_CST))
            break;              /* a new step ends a spin outside handlers */
        if ((n & 1023) == 0 && kr_now_ns() > kr_g->deadline_ns) break;
    }
    if (uc) __atomic_store_n(&s->hspin, old, __ATOMIC_SEQ_CST);
    else set_phase(idx, KP_RUN, step);
    return 0;
}

static long wait_target(const sc_target *t, int idx, int *idtype)
{
    sc_target tt = *t;
    if (t->kind == SC_T_ALL) { *idtype = P_ALL; return -1; }
    if (t->kind == SC_T_ZERO) { *idtype = P_PGID; return 0; }
    *idtype = t->kind == SC_T_PGRP ? P_PGID : P_PID;
    if (t->kind == SC_T_RAW) return t->raw;
    long pid = 0;
    if (t->kind == SC_T_PGRP) { tt.kind = SC_T_PROC; }
    pid = kr_target_num(&tt, kr_g->th[idx].level);   /* the send path's rules */
    if (t->kind == SC_T_PGRP) {
        long pg = syscall(SYS_getpgid, pid);
        return pg > 0 ? pg : KR_BOGUS_PID;
    }
    return pid;
}

static void note_wait(int idx, int step, int pid, int status, int code, int reaped)
{
    int p = kr_proc_of_pid(kr_g, kr_g->th[idx].level, pid);
    kr_tls_other = p;
    if (p >= 0 && reaped) {
        /* waitid reports (si_code, si_status), the end state wants a wait4 status word
         * (random find rnd-009: exit 172 read as "dumped SIGRTMIN+12") */
        int ws = code == CLD_EXITED ? (status & 0xff) << 8 : code == CLD_KILLED ? (status & 0x7f)
               : code == CLD_DUMPED ? (status & 0x7f) | 0x80 : status;
        kr_g->pr[p].wait_status = ws;
        kr_g->pr[p].has_status = 1;
        __atomic_store_n(&kr_g->pr[p].reaped, 1, __ATOMIC_SEQ_CST);
    }
    obs_event *e = kr_emit(OBS_WAIT, step, idx);
    if (!e) return;
    e->other = p;
    e->value = status;
    e->code = code;
    kr_emit_done(e);
}

static long do_wait4(const sc_action *a, int idx, int step, void *uc)
{
    int idtype, status = 0;
    long pid = wait_target(&a->target, idx, &idtype);
    if (idtype == P_PGID) pid = -pid;
    long r = BLOCKING(idx, uc, KP_SYSCALL, step,
                      syscall(SYS_wait4, pid, &status, a->wait_opts, NULL));
    if (r <= 0) return r;
    note_wait(idx, step, (int)r, status, 0, WIFEXITED(status) || WIFSIGNALED(status));
    return kr_tls_other;
}

static long do_waitid(const sc_action *a, int idx, int step, void *uc)
{
    int idtype;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    long id = wait_target(&a->target, idx, &idtype);
    if (idtype == P_ALL) id = 0;
    long r = BLOCKING(idx, uc, KP_SYSCALL, step,
                      syscall(SYS_waitid, idtype, id, &si, a->wait_opts, NULL));
    if (r < 0 || si.si_pid == 0) return r;
    int reaped = !(a->wait_opts & WNOWAIT)
                 && (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED);
    note_wait(idx, step, si.si_pid, si.si_status, si.si_code, reaped);
    return r;
}

static long do_sigwait(const sc_action *a, int idx, int step, void *uc, int timed)
{
    uint64_t set = a->set;
    siginfo_t si;
    struct timespec ts = { a->timeout_ms / 1000, (a->timeout_ms % 1000) * 1000000L };
    int ph = timed && a->timeout_ms > 0 ? KP_TIMED : KP_SYSCALL;
    return BLOCKING(idx, uc, ph, step, syscall(SYS_rt_sigtimedwait, &set, &si,
                    timed && a->timeout_ms >= 0 ? &ts : NULL, a->size));
}

static long do_signalfd(const sc_action *a, int idx, int step, void *uc)
{
    kr_slot *s = &kr_g->th[idx];
    if (a->kind == SC_A_SIGNALFD) {
        uint64_t set = a->set;
        long fd = kr_rs(syscall(SYS_signalfd4, -1, &set, 8, a->nonblock ? SFD_NONBLOCK : 0));
        if (fd < 0) return fd;
        if (s->sfd > 0) close(s->sfd);
        s->sfd = (int)fd;
        return 0;
    }
    struct signalfd_siginfo ssi;
    if (s->sfd <= 0) return -EBADF;
    if (a->nonblock) fcntl(s->sfd, F_SETFL, fcntl(s->sfd, F_GETFL) | O_NONBLOCK);
    long r = BLOCKING(idx, uc, KP_SYSCALL, step, read(s->sfd, &ssi, sizeof ssi));
    return r == (long)sizeof ssi ? (long)ssi.ssi_signo : r;
}

static long do_exec(int idx, int step)
{
    kr_slot *s = &kr_g->th[idx];
    char a1[16], a2[32], a3[16], a4[24];
    snprintf(a1, sizeof a1, "%d", kr_g->fd);
    snprintf(a2, sizeof a2, "%p", kr_g->self);
    snprintf(a3, sizeof a3, "%d", idx);
    snprintf(a4, sizeof a4, "%llx", (unsigned long long)kr_ignored_set());
    char *argv[] = { KR_EXEC_ARGV0, a1, a2, a3, a4, NULL };
    s->exec_old_tid = s->tid;
    s->exec_step = step;
    set_phase(idx, KP_EXEC, step);
    /* thread-self: /proc/self/exe names the leader's mm, gone when the leader is a zombie */
    long r = kr_rs(syscall(SYS_execve, "/proc/thread-self/exe", argv, environ));
    s->exec_step = -1;
    set_phase(idx, KP_RUN, step);
    return r;
}

static long do_fork(const sc_action *a, int idx, int step)
{
    int np = a->new_proc;
    if (np < 0 || np >= kr_g->f.n_procs) return -EINVAL;
    set_phase(idx, KP_RUN, step);
    pid_t r = fork();
    if (r == 0) kr_child_start(np, 0);
    if (r < 0) return -errno;
    int t = kr_g->f.procs[np].first_thread;
    long long end = kr_now_ns() + 2000000000LL;
    while (!__atomic_load_n(&kr_g->th[t].registered, __ATOMIC_SEQ_CST) && kr_now_ns() < end)
        kr_sleep_us(200);
    kr_tls_other = np;
    return np;
}

static long do_life(const sc_action *a, int idx, int step, void *uc)
{
    switch (a->kind) {
    case SC_A_EXIT:
        set_phase(idx, KP_SYSCALL, step);
        syscall(SYS_exit, a->code_exit);
        return -EIO;
    case SC_A_EXIT_GROUP:
        set_phase(idx, KP_SYSCALL, step);
        syscall(SYS_exit_group, a->code_exit);
        return -EIO;
    case SC_A_EXEC: return uc ? -EINVAL : do_exec(idx, step);
    case SC_A_FORK: return uc ? -EINVAL : do_fork(a, idx, step);
    case SC_A_CLONE:
        if (uc) return -EINVAL;
        kr_tls_other = a->new_thread;
        return kr_start_thread(a->new_thread) < 0 ? -EAGAIN : a->new_thread;
    case SC_A_SETSID: { long r = kr_rs(syscall(SYS_setsid)); return r > 0 ? 0 : r; }
    case SC_A_SETPGID: {
        sc_target t = { .kind = SC_T_PROC, .proc = a->pgid_proc };
        long pg = a->pgid_proc >= 0 ? kr_target_num(&t, kr_g->th[idx].level) : 0;
        return kr_rs(syscall(SYS_setpgid, 0, pg));
    }
    case SC_A_PRCTL_PDEATHSIG: return kr_rs(prctl(PR_SET_PDEATHSIG, a->sig, 0, 0, 0));
    case SC_A_PRCTL_SUBREAPER: return kr_rs(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    default: return -ENOSYS;
    }
}

static long do_wait_like(const sc_action *a, int idx, int step, void *uc)
{
    uint64_t set = a->set;
    char c = 'x';
    struct timespec ts = { a->timeout_ms / 1000, (a->timeout_ms % 1000) * 1000000L };
    switch (a->kind) {
    case SC_A_PAUSE: return BLOCKING(idx, uc, KP_SYSCALL, step, syscall(SYS_pause));
    case SC_A_SIGSUSPEND:
        return BLOCKING(idx, uc, KP_SYSCALL, step, syscall(SYS_rt_sigsuspend, &set, a->size));
    case SC_A_SIGWAITINFO: return do_sigwait(a, idx, step, uc, 0);
    case SC_A_SIGTIMEDWAIT: return do_sigwait(a, idx, step, uc, 1);
    case SC_A_SIGNALFD: case SC_A_SIGNALFD_READ: return do_signalfd(a, idx, step, uc);
    case SC_A_READ:
        return BLOCKING(idx, uc, KP_SYSCALL, step, read(kr_g->th[idx].pipe_r, &c, 1));
    case SC_A_WRITE:
        if (a->target.thread < 0 || a->target.thread >= kr_g->f.n_threads) return -EINVAL;
        return kr_rs(write(kr_g->th[a->target.thread].pipe_w, &c, 1));
    case SC_A_NANOSLEEP:
        return BLOCKING(idx, uc, KP_TIMED, step, syscall(SYS_nanosleep, &ts, NULL));
    case SC_A_SPIN: return do_spin(idx, step, uc);
    case SC_A_WAIT: return do_wait4(a, idx, step, uc);
    case SC_A_WAITID: return do_waitid(a, idx, step, uc);
    default: return do_life(a, idx, step, uc);
    }
}

/* Execute one action for scenario thread idx (uc != NULL: inside a handler). */
long kr_do_action(const sc_action *a, int step, int idx, void *uc)
{
    kr_tls_other = -1;
    switch (a->kind) {
    case SC_A_SIGPROCMASK: case SC_A_BLOCK: case SC_A_UNBLOCK:
    case SC_A_SAVEDMASK_ADD: case SC_A_SAVEDMASK_DEL:
        return kr_mask_action(a, uc);
    case SC_A_SIGACTION: return kr_install_handler(a);
    case SC_A_KILL: case SC_A_TKILL: case SC_A_TGKILL: case SC_A_SIGQUEUE:
    case SC_A_RT_SIGQUEUEINFO: case SC_A_RT_TGSIGQUEUEINFO: case SC_A_PIDFD_SEND:
    case SC_A_RAISE: case SC_A_PTHREAD_KILL:
        return kr_send(a, idx);
    case SC_A_FAULT: return kr_fault(a->sig);
    case SC_A_SIGALTSTACK: return kr_altstack(a);
    case SC_A_SETTLE: case SC_A_NONE: return 0;
    default: return do_wait_like(a, idx, step, uc);
    }
}
