/* send.c - generation: every send entry point, prepare_signal, sig_ignored and
 * __send_signal_locked (queue choice, coalescing, sigqueue allocation, one GENERATE event). */
#include "sigpath.h"
#include <limits.h>

/* sig_task_ignored */
static bool sig_task_ignored(struct task *t, int sig, bool force)
{
    uint64_t handler = sig_handler(t, sig);
    if (is_global_init(t) && sig_kernel_only(sig)) return true;
    if ((t->signal->flags & SIGNAL_UNKILLABLE) && handler == TGS_SIG_DFL && !(force && sig_kernel_only(sig)))
        return true;
    if ((t->flags & PF_KTHREAD) && handler == TGS_SIG_KTHREAD_KERNEL && !force) return true;
    return sig_handler_ignored(handler, sig);
}

/* sig_ignored: blocked (or sigwaited) signals are never dropped at generation */
bool sig_ignored(struct task *t, int sig, bool force)
{
    if ((t->blocked | t->real_blocked) & sigmask(sig)) return false;
    return sig_task_ignored(t, sig, force);
}

/* signal_set_stop_flags */
static void signal_set_stop_flags(struct signal_struct *sig, unsigned flags)
{
    unsigned stop_mask = SIGNAL_CLD_MASK | SIGNAL_STOP_STOPPED | SIGNAL_STOP_CONTINUED;
    sig->flags = (sig->flags & ~stop_mask) | flags;
}

/* prepare_signal, SIGCONT branch: flush stops, cancel the group stop, wake stopped threads */
static void prepare_sigcont(struct task *p)
{
    struct signal_struct *signal = p->signal;
    struct tgs_world *w = p->world;
    flush_sigqueue_mask(w, SIG_KERNEL_STOP_MASK, &signal->shared_pending, LEDGER_FLUSHED);
    for_each_thread(signal, t) {
        flush_sigqueue_mask(w, SIG_KERNEL_STOP_MASK, &t->pending, LEDGER_FLUSHED);
        task_clear_jobctl_pending(t, JOBCTL_STOP_PENDING);
        wake_stopped_for_cont(t);
    }
    unsigned why = 0;
    if (signal->flags & SIGNAL_STOP_STOPPED) why = SIGNAL_CLD_CONTINUED;
    else if (signal->group_stop_count) why = SIGNAL_CLD_STOPPED;
    if (why) {
        signal_set_stop_flags(signal, why | SIGNAL_STOP_CONTINUED);
        signal->group_stop_count = 0;
        signal->group_exit_code = 0;
    }
}

/* prepare_signal: side effects at generation; false = drop the signal */
bool prepare_signal(int sig, struct task *p, bool force)
{
    struct signal_struct *signal = p->signal;
    if (signal->flags & SIGNAL_GROUP_EXIT) {
        return signal->core_state && sig == SIGKILL;
    } else if (sig_kernel_stop(sig)) {
        flush_sigqueue_mask(p->world, sigmask(SIGCONT), &signal->shared_pending, LEDGER_FLUSHED);
        for_each_thread(signal, t)
            flush_sigqueue_mask(p->world, sigmask(SIGCONT), &t->pending, LEDGER_FLUSHED);
    } else if (sig == SIGCONT) {
        prepare_sigcont(p);
    }
    return !sig_ignored(p, sig, force);
}

/* legacy_queue: a standard signal already pending in this queue is dropped */
static bool legacy_queue(const struct sigpending *q, int sig)
{
    return sig < K_SIGRTMIN && (q->signal & sigmask(sig));
}

static bool ns_is_ancestor(const struct pid_namespace *a, const struct pid_namespace *b)
{
    for (; b; b = b->parent)
        if (b == a) return true;
    return false;
}

/* The sender lives in an ancestor pid namespace of the target (it has no pid there). */
static bool from_ancestor_ns(const struct task *sender, const struct task *t)
{
    if (!sender) return false;
    const struct pid_namespace *s = sender->signal->pid_ns, *r = t->signal->pid_ns;
    if (!s || !r || s == r) return false;
    return s->level < r->level && ns_is_ancestor(s, r);
}

/* The info stored with a queued instance (SEND_SIG_NOINFO / PRIV / real info). */
static void fill_info(tgs_siginfo *dst, int sig, const tgs_siginfo *info, struct task *sender, bool anc)
{
    memset(dst, 0, sizeof *dst);
    if (info == SEND_SIG_NOINFO) {
        dst->si_signo = sig;
        dst->si_code = TGS_SI_USER;
        dst->si_pid = (sender && !anc) ? tgid_of(sender) : 0;
        dst->si_uid = sender ? sender->signal->uid : 0;
    } else if (info == SEND_SIG_PRIV) {
        dst->si_signo = sig;
        dst->si_code = TGS_SI_KERNEL;
    } else {
        *dst = *info;
        if (anc) dst->si_pid = 0;
    }
}

static void emit_generate(struct task *t, int sig, const tgs_siginfo *info, int type,
                          struct task *sender, int res)
{
    if (!t->world->ops.trace) return;   /* no event is built when nobody traces */
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_GENERATE;
    e.tid = sender ? sender->pid : 0;
    e.target = t->pid;
    e.sig = sig;
    e.code = info == SEND_SIG_NOINFO ? TGS_SI_USER : info == SEND_SIG_PRIV ? TGS_SI_KERNEL : info->si_code;
    e.errnum = is_si_special(info) ? 0 : info->si_errno;
    e.group = type != PIDTYPE_PID;
    e.res = res;
    trace_event(t->world, &e);
}

/* signalfd_notify: wake the signalfd readers of this sighand that could read sig */
static void signalfd_notify(struct task *t, int sig, int type)
{
    if (!t->signal->nr_signalfd) return;        /* no thread of the group has a signalfd */
    for_each_thread(t->signal, r) {
        if (r->sighand != t->sighand || r->sc.nr != SYS_SIGNALFD_READ || !r->sc.asleep) continue;
        if (!(r->signalfd_mask & sigmask(sig)) || (type == PIDTYPE_PID && r != t)) continue;
        wake_up_state(r, TASK_BIT(TASK_INTERRUPTIBLE));
    }
}

/* Queue one instance in q (entry or bit only); returns the res code. */
static int enqueue(struct task *t, struct sigpending *q, int sig, const tgs_siginfo *info,
                   struct task *sender, bool force_anc, int *ret)
{
    if (sig == SIGKILL || (t->flags & PF_KTHREAD)) return TGS_RES_DELIVERED;
    bool override = sig < K_SIGRTMIN && (is_si_special(info) || info->si_code >= 0);
    struct sigqueue *e = sigqueue_alloc(t, q, sig, override);
    if (e) {
        tgs_siginfo i;
        fill_info(&i, sig, info, sender, force_anc);
        siginfo_to_entry(e, &i);
        e->sender = sender ? sender->pid : 0;
        sigqueue_append(q, e);
        return TGS_RES_DELIVERED;
    }
    if (!is_si_special(info) && sig >= K_SIGRTMIN && info->si_code != TGS_SI_USER) {
        *ret = -EAGAIN;
        return TGS_RES_OVERFLOW_FAIL;
    }
    return TGS_RES_LOSE_INFO;
}

/* __send_signal_locked's "multiprocess signals appear after on-going forks": a process-group,
 * session or kill(-1) signal is remembered for every fork in progress in the group (a stop
 * signal cancels a remembered SIGCONT and the other way round, as prepare_signal would). */
static void delay_for_forks(struct signal_struct *signal, int sig)
{
    for (struct task *f = signal->multiprocess; f; f = f->multiprocess_next) {
        if (sig == SIGCONT) f->fork_delayed &= ~SIG_KERNEL_STOP_MASK;
        else if (sig_kernel_stop(sig)) f->fork_delayed &= ~sigmask(SIGCONT);
        f->fork_delayed |= sigmask(sig);
    }
}

/* __send_signal_locked (with the force computation of send_signal_locked) */
int send_signal_locked(int sig, const tgs_siginfo *info, struct task *t, int type, struct task *sender)
{
    struct tgs_world *w = t->world;
    bool anc = from_ancestor_ns(sender, t);
    bool force = info == SEND_SIG_PRIV || (info == SEND_SIG_NOINFO && anc) ||
                 (!is_si_special(info) && (info->si_code == TGS_SI_KERNEL || anc));
    int ret = 0, res;
    w->ledger.generated++;
    /* Checked on Linux 6.18: a thread-directed signal to an exited (zombie) task is dropped
     * (res=1), even a blocked one; the spec's §25 row 6 says it stays in SigPnd. */
    if ((type == PIDTYPE_PID && t->exit_state) || !prepare_signal(sig, t, force)) {
        ledger_note(w, LEDGER_IGNORED, 1);
        emit_generate(t, sig, info, type, sender, TGS_RES_IGNORED);
        return 0;
    }
    struct sigpending *q = type == PIDTYPE_PID ? &t->pending : &t->signal->shared_pending;
    if (legacy_queue(q, sig)) {
        ledger_note(w, LEDGER_COALESCED, 1);
        emit_generate(t, sig, info, type, sender, TGS_RES_ALREADY_PENDING);
        return 0;
    }
    long before = sigpending_instances(q, sig);
    res = enqueue(t, q, sig, info, sender, anc, &ret);
    if (res == TGS_RES_OVERFLOW_FAIL) {
        ledger_note(w, LEDGER_OVERFLOWED, 1);
        emit_generate(t, sig, info, type, sender, res);
        return ret;
    }
    signalfd_notify(t, sig, type);
    q->signal |= sigmask(sig);
    if (type > PIDTYPE_TGID) delay_for_forks(t->signal, sig);
    ledger_note(w, sigpending_instances(q, sig) == before ? LEDGER_COALESCED : LEDGER_QUEUED, 1);
    complete_signal_from(sig, t, type, sender);
    emit_generate(t, sig, info, type, sender, res);
    return ret;
}

/* do_send_sig_info */
int do_send_sig_info(int sig, const tgs_siginfo *info, struct task *p, int type, struct task *sender)
{
    if (!p || !p->sighand || !p->signal) return -ESRCH;
    return send_signal_locked(sig, info, p, type, sender);
}

/* group_send_sig_info: permission, then send (signal 0 only probes) */
int group_send_sig_info(int sig, const tgs_siginfo *info, struct task *p, int type, struct task *sender)
{
    int ret = check_kill_permission(sig, info, p, sender);
    if (!ret && sig) ret = do_send_sig_info(sig, info, p, type, sender);
    return ret;
}

/* A task found by a pid lookup: not yet released (zombies are found). */
static struct task *lookup(struct tgs_world *w, tgs_pid pid)
{
    struct task *p = find_task_by_pid(w, pid);
    return (p && p->signal && p->exit_state != EXIT_DEAD) ? p : NULL;
}

/* __kill_pgrp_info */
static int kill_pgrp_info(struct tgs_world *w, int sig, const tgs_siginfo *info, tgs_pid pgrp,
                          struct task *sender)
{
    if (pgrp <= 0) return -ESRCH;
    int retval = -ESRCH;
    bool success = false;
    for_each_pgrp_member(w, pgrp, p) {
        if (!p->signal || p->exit_state == EXIT_DEAD) continue;
        int err = group_send_sig_info(sig, info, p, PIDTYPE_PGID, sender);
        success |= !err;
        retval = err;
    }
    return success ? 0 : retval;
}

/* kill_something_info: -1 = every process but init and ourselves; <0 / 0 = a pgrp */
static int kill_something_info(struct tgs_world *w, int sig, const tgs_siginfo *info, tgs_pid pid,
                               struct task *sender)
{
    if (pid > 0) {
        struct task *p = lookup(w, pid);
        return p ? group_send_sig_info(sig, info, p, PIDTYPE_TGID, sender) : -ESRCH;
    }
    if (pid != -1)
        return kill_pgrp_info(w, sig, info, pid ? -pid : sender->signal->pgrp, sender);
    int retval = 0, count = 0;
    for (tgs_pid i = 2; i <= w->pid_max; i++) {
        struct task *p = w->pid_table[i];
        if (!p || p->group_leader != p || !p->signal || p->exit_state == EXIT_DEAD) continue;
        if (p->signal == sender->signal) continue;
        /* task_pid_vnr(p) > 1: visible in the sender's namespace, and not that namespace's init */
        if (sender->signal->pid_ns && !ns_is_ancestor(sender->signal->pid_ns, p->signal->pid_ns))
            continue;
        if (p->signal->pid_ns && p->signal->pid_ns->child_reaper == p && p->signal->pid_ns == sender->signal->pid_ns)
            continue;
        int err = group_send_sig_info(sig, info, p, PIDTYPE_MAX, sender);
        count++;
        if (err != -EPERM) retval = err;
    }
    return count ? retval : -ESRCH;
}

int tgs_kill(tgs_world *w, tgs_pid self, tgs_pid pid, int sig)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (pid == INT_MIN) return (int)sys_done(t, SYS_GENERIC, -ESRCH);
    return (int)sys_done(t, SYS_GENERIC, kill_something_info(w, sig, SEND_SIG_NOINFO, pid, t));
}

/* do_send_specific: the thread tid (of tgid if tgid > 0) */
static int do_send_specific(struct tgs_world *w, tgs_pid tgid, tgs_pid pid, int sig,
                            const tgs_siginfo *info, struct task *sender)
{
    struct task *p = lookup(w, pid);
    if (!p || (tgid > 0 && tgid_of(p) != tgid)) return -ESRCH;
    int err = check_kill_permission(sig, info, p, sender);
    if (!err && sig) {
        err = do_send_sig_info(sig, info, p, PIDTYPE_PID, sender);
        if (err == -ESRCH) err = 0;
    }
    return err;
}

static void tkill_info(tgs_siginfo *info, int sig, struct task *sender)
{
    memset(info, 0, sizeof *info);
    info->si_signo = sig;
    info->si_code = TGS_SI_TKILL;
    info->si_pid = tgid_of(sender);
    info->si_uid = sender->signal->uid;
}

/* do_tkill */
static int do_tkill(struct tgs_world *w, struct task *t, tgs_pid tgid, tgs_pid pid, int sig)
{
    tgs_siginfo info;
    tkill_info(&info, sig, t);
    return do_send_specific(w, tgid, pid, sig, &info, t);
}

int tgs_tkill(tgs_world *w, tgs_pid self, tgs_pid tid, int sig)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (tid <= 0) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    return (int)sys_done(t, SYS_GENERIC, do_tkill(w, t, 0, tid, sig));
}

int tgs_tgkill(tgs_world *w, tgs_pid self, tgs_pid tgid, tgs_pid tid, int sig)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (tid <= 0 || tgid <= 0) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    return (int)sys_done(t, SYS_GENERIC, do_tkill(w, t, tgid, tid, sig));
}

/* The si_code spoofing rule of rt_(tg)sigqueueinfo and pidfd_send_signal */
static bool spoofed(const tgs_siginfo *info) { return info->si_code >= 0 || info->si_code == TGS_SI_TKILL; }

int tgs_rt_sigqueueinfo(tgs_world *w, tgs_pid self, tgs_pid pid, int sig, const tgs_siginfo *uinfo)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (!uinfo) return (int)sys_done(t, SYS_GENERIC, -EFAULT);
    tgs_siginfo info = *uinfo;
    info.si_signo = sig;
    if (spoofed(&info) && t->pid != pid) return (int)sys_done(t, SYS_GENERIC, -EPERM);
    struct task *p = pid > 0 ? lookup(w, pid) : NULL;
    long r = p ? group_send_sig_info(sig, &info, p, PIDTYPE_TGID, t) : -ESRCH;
    return (int)sys_done(t, SYS_GENERIC, r);
}

int tgs_rt_tgsigqueueinfo(tgs_world *w, tgs_pid self, tgs_pid tgid, tgs_pid tid, int sig,
                          const tgs_siginfo *uinfo)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (tid <= 0 || tgid <= 0) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    if (!uinfo) return (int)sys_done(t, SYS_GENERIC, -EFAULT);
    tgs_siginfo info = *uinfo;
    info.si_signo = sig;
    if (spoofed(&info) && t->pid != tid) return (int)sys_done(t, SYS_GENERIC, -EPERM);
    return (int)sys_done(t, SYS_GENERIC, do_send_specific(w, tgid, tid, sig, &info, t));
}

static int pidfd_type(int thread_fd, unsigned flags)
{
    switch (flags) {
    case TGS_PIDFD_SIGNAL_THREAD: return PIDTYPE_PID;
    case TGS_PIDFD_SIGNAL_THREAD_GROUP: return PIDTYPE_TGID;
    case TGS_PIDFD_SIGNAL_PROCESS_GROUP: return PIDTYPE_PGID;
    default: return thread_fd ? PIDTYPE_PID : PIDTYPE_TGID;
    }
}

/* do_pidfd_send_signal (6.9+) */
static long pidfd_send(struct tgs_world *w, struct task *t, tgs_pid pid, int thread_fd, int sig,
                       const tgs_siginfo *uinfo, unsigned flags)
{
    unsigned all = TGS_PIDFD_SIGNAL_THREAD | TGS_PIDFD_SIGNAL_THREAD_GROUP | TGS_PIDFD_SIGNAL_PROCESS_GROUP;
    if ((flags & ~all) || __builtin_popcount(flags) > 1) return -EINVAL;
    struct task *p = lookup(w, pid);
    if (!p) return -ESRCH;
    int type = pidfd_type(thread_fd, flags);
    tgs_siginfo info;
    if (uinfo) {
        info = *uinfo;
        if (info.si_signo != sig) return -EINVAL;
        if ((t->pid != pid || type > PIDTYPE_TGID) && spoofed(&info)) return -EPERM;
    } else if (type == PIDTYPE_PID) {
        tkill_info(&info, sig, t);
    } else {
        memset(&info, 0, sizeof info);
        info.si_signo = sig;
        info.si_code = TGS_SI_USER;
        info.si_pid = tgid_of(t);
        info.si_uid = t->signal->uid;
    }
    if (type == PIDTYPE_PGID) return kill_pgrp_info(w, sig, &info, pid, t);
    return group_send_sig_info(sig, &info, p, type, t);
}

int tgs_pidfd_send_signal(tgs_world *w, tgs_pid self, tgs_pid pid, int thread_fd, int sig,
                          const tgs_siginfo *info, unsigned flags)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    return (int)sys_done(t, SYS_GENERIC, pidfd_send(w, t, pid, thread_fd, sig, info, flags));
}

/* send_sig_info / group_send_sig_info / kill_pgrp with SEND_SIG_PRIV (kernel-originated) */
int tgs_send_kernel(tgs_world *w, tgs_pid target, int sig, int type)
{
    if (!valid_signal(sig) || type < TGS_KSEND_PID || type > TGS_KSEND_PGID) return -EINVAL;
    if (type == TGS_KSEND_PGID) return kill_pgrp_info(w, sig, SEND_SIG_PRIV, target, NULL);
    struct task *p = lookup(w, target);
    if (!p) return -ESRCH;
    return do_send_sig_info(sig, SEND_SIG_PRIV, p, type == TGS_KSEND_PID ? PIDTYPE_PID : PIDTYPE_TGID, NULL);
}

/* Would force_sig_info_to_task leave sig with its default, fatal action? */
static bool fault_kills(const struct task *t, int sig)
{
    uint64_t h = t->sighand->action[sig - 1].handler;
    bool dfl = h == TGS_SIG_DFL || h == TGS_SIG_IGN || (t->blocked & sigmask(sig));
    return dfl && !sig_kernel_ignore(sig) && !sig_kernel_stop(sig);
}

/* force_sig_info_to_task: unblock and un-ignore, drop init protection, send to t alone */
int force_sig_info_to_task(struct task *t, const tgs_siginfo *info, int sig, bool sigdfl)
{
    struct k_sigaction *ka = &t->sighand->action[sig - 1];
    bool blocked = (t->blocked & sigmask(sig)) != 0;
    if (blocked || ka->handler == TGS_SIG_IGN || sigdfl) {
        ka->handler = TGS_SIG_DFL;
        if (blocked) t->blocked &= ~sigmask(sig);
        recalc_sigpending(t);
        seltree_update(t);
    }
    /* The global init keeps its protection: where the kernel drops it, init can later die and
     * the kernel panics; the model refuses init's death instead (tgs_force_fault's -EPERM). */
    if (ka->handler == TGS_SIG_DFL && !is_global_init(t)) t->signal->flags &= ~SIGNAL_UNKILLABLE;
    return send_signal_locked(sig, info, t, PIDTYPE_PID, t);
}

int tgs_force_fault(tgs_world *w, tgs_pid self, int sig, int code, uint64_t addr)
{
    struct task *t = find_task_by_pid(w, self);
    if (!t || t->exit_state || (t->flags & PF_EXITING)) return -ESRCH;
    if (!valid_signal(sig) || (t->flags & PF_KTHREAD)) return -EINVAL;  /* no user mode to fault in */
    tgs_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = code;
    info.si_addr = addr;
    if (is_global_init(t) && fault_kills(t, sig)) return -EPERM;  /* the kernel panics */
    return force_sig_info_to_task(t, &info, sig, false);
}
