/* actions.c - scenario actions mapped to libtgsig calls, and their text for the trace. */
#include "sim/sim_int.h"
#include <stddef.h>
#include <string.h>

#define NO_SUCH_PID 0x3ffffff0      /* a pid no task has: the kernel answers ESRCH */
#define SIGCHLD_NR 17

static tgs_pid proc_tgid(const sim *s, int p)
{
    if (p < 0 || p >= s->npr || !s->pr[p].created)
        return NO_SUCH_PID;
    return s->pr[p].tgid;
}

static tgs_pid thread_tid(const sim *s, int t)
{
    if (t < 0 || t >= s->nth || s->th[t].state == TS_NONE)
        return NO_SUCH_PID;
    return s->th[t].tid;
}

tgs_pid sim_target_pid(sim *s, int t, const sc_target *tg)
{
    (void)t;
    switch (tg->kind) {
    case SC_T_PROC: return proc_tgid(s, tg->proc);
    case SC_T_THREAD: return thread_tid(s, tg->thread);
    case SC_T_PGRP: {
        int g = tgs_getpgid(s->w, proc_tgid(s, tg->proc));
        return g > 0 ? -g : -NO_SUCH_PID;
    }
    case SC_T_ZERO: return 0;
    case SC_T_ALL: return -1;
    case SC_T_RAW: return (tgs_pid)tg->raw;
    default: return NO_SUCH_PID;
    }
}

static tgs_pid thread_tgid(const sim *s, int t)
{
    if (t < 0 || t >= s->nth)
        return NO_SUCH_PID;
    return proc_tgid(s, s->th[t].proc);
}

static int htab_index(const sim *s, const sc_action *a)
{
    for (int i = 0; i < s->nhtab; i++)   /* only at sigaction steps; tables are small */
        if (s->htab[i] == a)
            return i;
    return -1;
}

static size_t setsize(const sc_action *a)
{
    return (size_t)a->size;
}

static long do_sigaction(sim *s, int t, const sc_action *a)
{
    struct tgs_sigaction act;
    memset(&act, 0, sizeof(act));
    act.flags = a->sa_flags;
    act.mask = a->sa_mask;
    if (a->disp == SC_DISP_IGNORE) {
        act.handler = TGS_SIG_IGN;
    } else if (a->disp == SC_DISP_HANDLER) {
        int i = htab_index(s, a);
        act.handler = SIM_HANDLER_BASE + 0x40ULL * (uint64_t)(i < 0 ? 0 : i);
        act.flags |= TGS_SA_RESTORER;     /* as libc's sigaction does */
    }
    return tgs_sigaction(s->w, s->th[t].tid, a->sig, &act, NULL, setsize(a));
}

static void fill_info(sim *s, int t, const sc_action *a, tgs_siginfo *info)
{
    memset(info, 0, sizeof(*info));
    info->si_signo = a->sig;
    info->si_code = a->kind == SC_A_SIGQUEUE || !a->has_code ? TGS_SI_QUEUE : a->code;
    info->si_pid = thread_tgid(s, t);
    int p = s->th[t].proc;
    info->si_uid = p >= 0 && p < s->f->n_procs ? (uint32_t)s->f->procs[p].uid : 0;
    info->si_value = a->value;
}

static long do_pidfd(sim *s, int t, const sc_action *a)
{
    static const unsigned scope_flags[] = {
        0, TGS_PIDFD_SIGNAL_THREAD, TGS_PIDFD_SIGNAL_THREAD_GROUP, TGS_PIDFD_SIGNAL_PROCESS_GROUP
    };
    unsigned flags = a->scope >= 0 && a->scope <= SC_SCOPE_PGRP ? scope_flags[a->scope] : 0;
    int thread_fd = a->target.kind == SC_T_THREAD;
    tgs_pid pid = sim_target_pid(s, t, &a->target);
    return tgs_pidfd_send_signal(s->w, s->th[t].tid, pid, thread_fd, a->sig, NULL, flags);
}

static long do_send(sim *s, int t, const sc_action *a)
{
    tgs_world *w = s->w;
    tgs_pid self = s->th[t].tid;
    tgs_siginfo info;
    switch (a->kind) {
    case SC_A_KILL: return tgs_kill(w, self, sim_target_pid(s, t, &a->target), a->sig);
    case SC_A_TKILL: return tgs_tkill(w, self, thread_tid(s, a->target.thread), a->sig);
    case SC_A_TGKILL: {
        tgs_pid tgid = a->tgid_proc >= 0 ? proc_tgid(s, a->tgid_proc)
                                         : thread_tgid(s, a->target.thread);
        return tgs_tgkill(w, self, tgid, thread_tid(s, a->target.thread), a->sig);
    }
    case SC_A_SIGQUEUE: case SC_A_RT_SIGQUEUEINFO:
        fill_info(s, t, a, &info);
        return tgs_rt_sigqueueinfo(w, self, sim_target_pid(s, t, &a->target), a->sig, &info);
    case SC_A_RT_TGSIGQUEUEINFO:
        fill_info(s, t, a, &info);
        return tgs_rt_tgsigqueueinfo(w, self, thread_tgid(s, a->target.thread),
                                     thread_tid(s, a->target.thread), a->sig, &info);
    case SC_A_PIDFD_SEND: return do_pidfd(s, t, a);
    case SC_A_RAISE: return tgs_tgkill(w, self, thread_tgid(s, t), self, a->sig);
    case SC_A_PTHREAD_KILL:
        return tgs_tgkill(w, self, thread_tgid(s, a->target.thread),
                          thread_tid(s, a->target.thread), a->sig);
    default: return -38;
    }
}

static long do_wait(sim *s, int t, const sc_action *a)
{
    sim_thread *th = &s->th[t];
    sim_ext *x = sim_ext_of(s, t);
    if (!x)
        return -12;                                  /* ENOMEM; the run has failed */
    tgs_pid pid = sim_target_pid(s, t, &a->target);
    if (a->kind == SC_A_WAIT) {
        x->wstatus = 0;
        return tgs_wait4(s->w, th->tid, pid, &x->wstatus, a->wait_opts);
    }
    int idtype = TGS_P_PID;
    if (a->target.kind == SC_T_ALL) {
        idtype = TGS_P_ALL;
        pid = 0;
    } else if (a->target.kind == SC_T_PGRP) {
        idtype = TGS_P_PGID;
        pid = -pid;
    }
    memset(&x->info, 0, sizeof(x->info));
    return tgs_waitid(s->w, th->tid, idtype, pid, &x->info, a->wait_opts);
}

static long do_pipe(sim *s, int t, const sc_action *a)
{
    sim_thread *th = &s->th[t];
    if (a->kind == SC_A_READ) {
        if (th->ext && th->ext->pipe_bytes > 0) {
            th->ext->pipe_bytes--;
            return 1;
        }
        return tgs_block(s->w, th->tid, TGS_ERESTARTSYS);
    }
    int u = a->target.thread;
    if (u < 0 || u >= s->nth || s->th[u].state == TS_NONE || s->th[u].state == TS_DEAD)
        return -32;                                  /* EPIPE */
    sim_thread *r = &s->th[u];
    const sc_action *ra = sim_act(s, u);
    if (r->state == TS_SLEEP && ra && ra->kind == SC_A_READ && r->inflight &&
        tgs_complete(s->w, r->tid, 1) == 0)
        return 1;
    sim_ext *x = sim_ext_of(s, u);
    if (!x)
        return -12;
    x->pipe_bytes++;
    return 1;
}

static long do_altstack(sim *s, int t, const sc_action *a)
{
    tgs_stack ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp = 0x7f0000000000ULL + (uint64_t)t * 0x100000ULL;
    ss.ss_size = (uint64_t)a->ss_size;
    if (a->ss_disable)
        ss.ss_flags = TGS_SS_DISABLE;
    else if (a->ss_autodisarm)
        ss.ss_flags = TGS_SS_AUTODISARM;
    return tgs_sigaltstack(s->w, s->th[t].tid, &ss, NULL);
}

static int fault_code(int sig)
{
    switch (sig) {
    case 4:                     /* SIGILL: ILL_ILLOPN */
    case 7: return 2;           /* SIGBUS: BUS_ADRERR */
    default: return 1;          /* SEGV_MAPERR, FPE_INTDIV, TRAP_BRKPT */
    }
}

/* A new task created by a fork/clone step becomes scenario thread nt. */
static void adopt_child(sim *s, int nt, tgs_pid child, int is_proc, int parent_t)
{
    sim_thread *c = &s->th[nt];
    sim_map_tid(s, child, nt);
    c->first_tid = child;
    if (is_proc) {
        sim_proc *p = &s->pr[c->proc];
        p->tgid = child;
        p->created = 1;
        p->leader = nt;
    }
    c->last_cpu = (int8_t)(s->th[parent_t].cpu >= 0 ? s->th[parent_t].cpu : s->th[parent_t].last_cpu);
    out_thread_meta(s, nt);
    c->state = TS_IDLE;
    sim_set_state(s, nt, TS_RUN, W_RUN);     /* ret_from_fork: passes exit-to-user once */
}

static void fork_options(sim *s, int nt)
{
    int p = s->th[nt].proc;
    if (p < 0 || p >= s->f->n_procs)
        return;
    const sc_proc *sp = &s->f->procs[p];
    tgs_pid self = s->th[nt].tid;
    if (sp->new_session)
        tgs_setsid(s->w, self);
    if (sp->pgrp_of >= 0)
        tgs_setpgid(s->w, self, 0, tgs_getpgid(s->w, proc_tgid(s, sp->pgrp_of)));
    if (sp->pdeathsig)
        tgs_prctl_set_pdeathsig(s->w, self, sp->pdeathsig);
    if (sp->subreaper)
        tgs_prctl_set_child_subreaper(s->w, self, 1);
}

static long do_spawn(sim *s, int t, const sc_action *a)
{
    tgs_pid child = 0;
    int is_proc = a->kind == SC_A_FORK;
    long r = is_proc ? tgs_fork(s->w, s->th[t].tid, &child)
                     : tgs_clone(s->w, s->th[t].tid, TGS_CLONE_THREAD, 0, &child);
    int nt = a->new_thread;
    if (r < 0 || child <= 0 || nt < 0 || nt >= s->f->n_threads)
        return r;
    adopt_child(s, nt, child, is_proc, t);
    if (is_proc)
        fork_options(s, nt);
    return r;
}

static long do_proc(sim *s, int t, const sc_action *a)
{
    tgs_world *w = s->w;
    tgs_pid self = s->th[t].tid;
    switch (a->kind) {
    case SC_A_FORK: case SC_A_CLONE: return do_spawn(s, t, a);
    case SC_A_EXEC: return tgs_exec(w, self);
    case SC_A_EXIT: return tgs_exit(w, self, a->code_exit);
    case SC_A_EXIT_GROUP: return tgs_exit_group(w, self, a->code_exit);
    case SC_A_WAIT: case SC_A_WAITID: return do_wait(s, t, a);
    case SC_A_SETSID: return tgs_setsid(w, self);
    case SC_A_SETPGID: {
        tgs_pid pg = a->pgid_proc < 0 ? 0 : tgs_getpgid(w, proc_tgid(s, a->pgid_proc));
        return tgs_setpgid(w, self, 0, pg);
    }
    case SC_A_PRCTL_PDEATHSIG: return tgs_prctl_set_pdeathsig(w, self, a->sig);
    case SC_A_PRCTL_SUBREAPER: return tgs_prctl_set_child_subreaper(w, self, 1);
    default: return -38;
    }
}

static int is_kthread(const sim *s, int t)
{
    int p = s->th[t].proc;
    return p >= 0 && p < s->f->n_procs && s->f->procs[p].kernel;
}

/* A kernel thread has no syscalls: `sigaction SIG handler|ignore` stands for
 * allow_signal/disallow_signal, `sigprocmask` for the in-kernel mask change, and a polling
 * `sigtimedwait SET timeout=0` for kernel_dequeue_signal. */
static long do_kthread(sim *s, int t, const sc_action *a)
{
    tgs_pid self = s->th[t].tid;
    switch (a->kind) {
    case SC_A_SIGACTION:
        if (a->disp == SC_DISP_HANDLER)
            return tgs_allow_signal(s->w, self, a->sig);
        return tgs_disallow_signal(s->w, self, a->sig);
    case SC_A_SIGPROCMASK: case SC_A_BLOCK: case SC_A_UNBLOCK: {
        int how = a->kind == SC_A_BLOCK ? TGS_SIG_BLOCK : a->kind == SC_A_UNBLOCK ? TGS_SIG_UNBLOCK : a->how;
        return tgs_kernel_sigprocmask(s->w, self, how, a->set);
    }
    default: {
        sim_ext *x = sim_ext_of(s, t);
        if (!x)
            return -12;
        int sig = tgs_kernel_dequeue_signal(s->w, self, &x->info);
        return sig > 0 ? sig : sig == 0 ? -11 : sig;      /* nothing: EAGAIN */
    }
    }
}

static long do_mask(sim *s, int t, const sc_action *a)
{
    tgs_sigset set = a->set;
    tgs_pid self = s->th[t].tid;
    if (is_kthread(s, t))
        return do_kthread(s, t, a);
    switch (a->kind) {
    case SC_A_SIGPROCMASK: return tgs_sigprocmask(s->w, self, a->how, &set, NULL, setsize(a));
    case SC_A_BLOCK: return tgs_sigprocmask(s->w, self, TGS_SIG_BLOCK, &set, NULL, 8);
    case SC_A_UNBLOCK: return tgs_sigprocmask(s->w, self, TGS_SIG_UNBLOCK, &set, NULL, 8);
    default: return do_sigaction(s, t, a);
    }
}

static long do_wait_sig(sim *s, int t, const sc_action *a)
{
    sim_thread *th = &s->th[t];
    tgs_world *w = s->w;
    if (is_kthread(s, t) && (a->kind == SC_A_SIGTIMEDWAIT || a->kind == SC_A_SIGWAITINFO))
        return do_kthread(s, t, a);
    tgs_siginfo *info = NULL;
    if (a->kind == SC_A_SIGWAITINFO || a->kind == SC_A_SIGTIMEDWAIT || a->kind == SC_A_SIGNALFD_READ) {
        sim_ext *x = sim_ext_of(s, t);
        if (!x)
            return -12;
        info = &x->info;
    }
    switch (a->kind) {
    case SC_A_PAUSE: return tgs_pause(w, th->tid);
    case SC_A_SIGSUSPEND: return tgs_sigsuspend(w, th->tid, a->set, setsize(a));
    case SC_A_SIGWAITINFO:
        return tgs_sigtimedwait(w, th->tid, a->set, info, -1, setsize(a));
    case SC_A_SIGTIMEDWAIT:
        return tgs_sigtimedwait(w, th->tid, a->set, info,
                                a->timeout_ms < 0 ? -1 : a->timeout_ms * 1000000LL, setsize(a));
    case SC_A_SIGNALFD: return tgs_signalfd(w, th->tid, a->set, a->nonblock);
    case SC_A_SIGNALFD_READ: return tgs_signalfd_read(w, th->tid, info, 128);
    case SC_A_NANOSLEEP:
        return tgs_nanosleep(w, th->tid, (uint64_t)(a->timeout_ms < 0 ? 0 : a->timeout_ms) * 1000000ULL);
    default: return -38;
    }
}

/* Make the syscall of action a as thread t. Returns the core's result. */
long sim_do_call(sim *s, int t, const sc_action *a)
{
    switch (a->kind) {
    case SC_A_SIGPROCMASK: case SC_A_SIGACTION: case SC_A_BLOCK: case SC_A_UNBLOCK:
        return do_mask(s, t, a);
    case SC_A_KILL: case SC_A_TKILL: case SC_A_TGKILL: case SC_A_SIGQUEUE:
    case SC_A_RT_SIGQUEUEINFO: case SC_A_RT_TGSIGQUEUEINFO: case SC_A_PIDFD_SEND:
    case SC_A_RAISE: case SC_A_PTHREAD_KILL:
        return do_send(s, t, a);
    case SC_A_PAUSE: case SC_A_SIGSUSPEND: case SC_A_SIGWAITINFO: case SC_A_SIGTIMEDWAIT:
    case SC_A_SIGNALFD: case SC_A_SIGNALFD_READ: case SC_A_NANOSLEEP:
        return do_wait_sig(s, t, a);
    case SC_A_READ: case SC_A_WRITE: return do_pipe(s, t, a);
    case SC_A_FAULT: return tgs_force_fault(s->w, s->th[t].tid, a->sig, fault_code(a->sig), 0);
    case SC_A_SIGALTSTACK: return do_altstack(s, t, a);
    case SC_A_SPIN: case SC_A_SETTLE: case SC_A_SAVEDMASK_ADD: case SC_A_SAVEDMASK_DEL:
        return 0;
    default:
        return do_proc(s, t, a);
    }
}

int sim_action_blocks(const sc_action *a)
{
    switch (a->kind) {
    case SC_A_PAUSE: case SC_A_SIGSUSPEND: case SC_A_SIGWAITINFO: case SC_A_SIGTIMEDWAIT:
    case SC_A_SIGNALFD_READ: case SC_A_READ: case SC_A_NANOSLEEP: case SC_A_WAIT:
    case SC_A_WAITID: case SC_A_EXEC:
        return 1;
    default:
        return 0;
    }
}

/* ---- text of an action --------------------------------------------------------------------- */
static int fmt_target(const sim *s, const sc_target *tg, char *b, size_t n)
{
    const sc_file *f = s->f;
    switch (tg->kind) {
    case SC_T_PROC: return snprintf(b, n, "%s", tg->proc >= 0 && tg->proc < f->n_procs ? f->procs[tg->proc].name : "?");
    case SC_T_THREAD: return snprintf(b, n, "%s", tg->thread >= 0 && tg->thread < s->nth ? sim_name(s, tg->thread) : "?");
    case SC_T_PGRP: return snprintf(b, n, "pgrp:%s", tg->proc >= 0 && tg->proc < f->n_procs ? f->procs[tg->proc].name : "?");
    case SC_T_ZERO: return snprintf(b, n, "0");
    case SC_T_ALL: return snprintf(b, n, "-1");
    case SC_T_RAW: return snprintf(b, n, "pid=%ld", tg->raw);
    default: return snprintf(b, n, "%s", "");
    }
}

static int fmt_set(uint64_t set, char *b, size_t n)
{
    size_t len = 0;
    if (!set)
        return snprintf(b, n, "none");
    if (set == ~0ULL)
        return snprintf(b, n, "all");
    for (int sig = 1; sig <= 64; sig++) {
        if (!(set & (1ULL << (sig - 1))))
            continue;
        int k = snprintf(b + len, len < n ? n - len : 0, "%s%s", len ? "," : "", sim_signame(sig));
        len += k > 0 ? (size_t)k : 0;
    }
    return (int)len;
}

static int fmt_args(const sim *s, const sc_action *a, char *b, size_t n)
{
    char x[600];
    static const char *const how[] = { "block", "unblock", "setmask" };
    static const char *const disp[] = { "default", "ignore", "handler" };
    switch (a->kind) {
    case SC_A_SIGPROCMASK:
        fmt_set(a->set, x, sizeof(x));
        if (a->how_raw || a->how < 0 || a->how > 2)
            return snprintf(b, n, " how=%d %s", a->how, x);
        return snprintf(b, n, " %s %s", how[a->how], x);
    case SC_A_SIGACTION:
        return snprintf(b, n, " %s %s", sim_signame(a->sig), disp[a->disp >= 0 && a->disp <= 2 ? a->disp : 0]);
    case SC_A_KILL: case SC_A_TKILL: case SC_A_TGKILL: case SC_A_SIGQUEUE:
    case SC_A_RT_SIGQUEUEINFO: case SC_A_RT_TGSIGQUEUEINFO: case SC_A_PIDFD_SEND:
    case SC_A_PTHREAD_KILL:
        fmt_target(s, &a->target, x, sizeof(x));
        return snprintf(b, n, " %s %s", x, sim_signame(a->sig));
    case SC_A_RAISE: case SC_A_FAULT: case SC_A_PRCTL_PDEATHSIG:
        return snprintf(b, n, " %s", sim_signame(a->sig));
    case SC_A_SIGSUSPEND: case SC_A_SIGWAITINFO: case SC_A_SIGNALFD:
    case SC_A_BLOCK: case SC_A_UNBLOCK: case SC_A_SAVEDMASK_ADD: case SC_A_SAVEDMASK_DEL:
        fmt_set(a->set, x, sizeof(x));
        return snprintf(b, n, " %s", x);
    case SC_A_SIGTIMEDWAIT:
        fmt_set(a->set, x, sizeof(x));
        return snprintf(b, n, " %s timeout=%ld", x, a->timeout_ms);
    case SC_A_NANOSLEEP: return snprintf(b, n, " %ld", a->timeout_ms);
    case SC_A_WRITE: case SC_A_WAIT: case SC_A_WAITID:
        fmt_target(s, &a->target, x, sizeof(x));
        return snprintf(b, n, " %s", x);
    case SC_A_EXIT: case SC_A_EXIT_GROUP: return snprintf(b, n, " %d", a->code_exit);
    case SC_A_SIGALTSTACK:
        return a->ss_disable ? snprintf(b, n, " disable") : snprintf(b, n, " %ld", a->ss_size);
    case SC_A_FORK: case SC_A_CLONE:
        return snprintf(b, n, " %s", a->new_thread >= 0 && a->new_thread < s->nth ? sim_name(s, a->new_thread) : "?");
    default: return snprintf(b, n, "%s", "");
    }
}

int sim_fmt_action(const sim *s, const sc_action *a, char *buf, size_t len)
{
    int k = snprintf(buf, len, "%s", sc_action_name(a->kind));
    if (k < 0 || (size_t)k >= len)
        return k;
    return k + fmt_args(s, a, buf + k, len - (size_t)k);
}
