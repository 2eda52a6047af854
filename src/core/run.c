/* run.c - the exit-to-user path: finishing a woken syscall, get_signal, syscall restart and
 * the upcall the host sees (tgs_run). */
#include "sigpath.h"

enum { GS_NONE, GS_HANDLER, GS_STOPPED, GS_DEAD };

/* ---- syscall bookkeeping ------------------------------------------------------------------ */
struct task *sys_enter(struct tgs_world *w, tgs_pid self, int *err)
{
    struct task *t = syscall_task(w, self, err);
    if (t && (t->flags & PF_KTHREAD)) { *err = -EPERM; return NULL; }
    if (t) t->sc.nr = SYS_NONE;
    return t;
}

long sys_done(struct task *t, int nr, long ret)
{
    ZERO(&t->sc);
    t->sc.nr = nr;
    t->sc.ret = ret;
    t->sc.done = 1;
    return ret;
}

int sys_sleep(struct task *t, int nr, long (*resume)(struct task *), long (*reenter)(struct task *))
{
    t->sc.nr = nr;
    t->sc.asleep = 1;
    t->sc.done = 0;
    t->sc.resume = resume;
    t->sc.reenter = reenter;
    t->state = TASK_INTERRUPTIBLE;
    return TGS_ASLEEP;
}

/* Records a (re)started or resumed syscall's outcome; true if it sleeps. */
static bool sc_outcome(struct task *t, long r)
{
    if (r == TGS_ASLEEP) {
        if (t->state == TASK_RUNNING) t->state = TASK_INTERRUPTIBLE;
        t->sc.asleep = 1;
        t->sc.done = 0;
        return true;
    }
    t->state = TASK_RUNNING;
    t->sc.asleep = 0;
    t->sc.ret = r;
    t->sc.done = 1;
    return false;
}

/* ---- get_signal --------------------------------------------------------------------------- */
static void emit_deliver(struct task *t, int sig, const tgs_siginfo *info, const struct k_sigaction *ka)
{
    if (!t->world->ops.trace) return;   /* no event is built when nobody traces */
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_DELIVER;
    e.tid = t->pid;
    e.target = t->pid;
    e.sig = sig;
    e.errnum = info->si_errno;
    e.code = info->si_code;
    e.sa_handler = ka->handler;
    e.sa_flags = ka->flags;
    trace_event(t->world, &e);
}

/* The group is exiting (or exec'ing): take the SIGKILL bit and die with the group's code. */
static int gs_die(struct task *t)
{
    struct sigpending *q = &t->pending;
    long before = sigpending_instances(q, SIGKILL);
    q->signal &= ~sigmask(SIGKILL);
    q->uncounted &= ~sigmask(SIGKILL);
    ledger_note(t->world, LEDGER_DELIVERED, before);
    t->last_dequeued = SIGKILL;
    t->last_sender = t->signal->group_exit_cause_tid;
    tgs_siginfo info;
    memset(&info, 0, sizeof info);
    emit_deliver(t, SIGKILL, &info, &t->sighand->action[SIGKILL - 1]);
    recalc_sigpending(t);
    t->flags |= PF_SIGNALED;
    do_group_exit(t, SIGKILL);
    return GS_DEAD;
}

static void emit_group_exit(struct task *t, int sig)
{
    if (!t->world->ops.trace) return;   /* no event is built when nobody traces */
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_GROUP_EXIT;
    e.tid = t->pid;
    e.target = tgid_of(t);
    e.sig = sig;
    e.value = t->signal->group_exit_code;
    e.flag = 1;
    e.cause_tid = t->last_sender;
    e.cause_sig = sig;
    trace_event(t->world, &e);
}

/* do_coredump's zap_threads: the group exits with sig|0x80 (the dump always succeeds here) */
static void do_coredump(struct task *t, int sig)
{
    struct signal_struct *s = t->signal;
    s->flags = SIGNAL_GROUP_EXIT;
    s->group_exit_code = sig | 0x80;
    s->group_stop_count = 0;
    s->group_exit_cause_tid = t->last_sender;
    s->group_exit_cause_sig = sig;
    emit_group_exit(t, sig);
    zap_other_threads(t);
}

/* get_signal's default actions (steps 9-12) for a dequeued SIG_DFL signal */
static int gs_default(struct task *t, int sig, bool *again)
{
    struct signal_struct *s = t->signal;
    *again = true;
    if (sig_kernel_ignore(sig)) return GS_NONE;
    if ((s->flags & SIGNAL_UNKILLABLE) && !sig_kernel_only(sig)) return GS_NONE;
    if (sig_kernel_stop(sig)) {
        if (sig != SIGSTOP && is_current_pgrp_orphaned(t)) return GS_NONE;
        if (do_signal_stop(t, sig) && t->state == TASK_STOPPED) {
            t->resume_get_signal = 1;
            return GS_STOPPED;
        }
        return GS_NONE;
    }
    *again = false;
    t->flags |= PF_SIGNALED;
    if (sig_kernel_coredump(sig)) {
        do_coredump(t, sig);
    } else if (!(s->flags & SIGNAL_GROUP_EXIT)) {
        s->group_exit_cause_tid = t->last_sender;
        s->group_exit_cause_sig = sig;
    }
    do_group_exit(t, sig);
    return GS_DEAD;
}

/* get_signal: one signal for a handler, or a stop, or death, or none */
static int get_signal(struct task *t, int *sigp, tgs_siginfo *info, struct k_sigaction *ka_out)
{
    struct signal_struct *s = t->signal;
    do_jobctl_cld_notify(t);
    for (int guard = 0; guard < RUN_LOOP_GUARD; guard++) {
        if ((s->flags & SIGNAL_GROUP_EXIT) || s->group_exec_task) return gs_die(t);
        if ((t->jobctl & JOBCTL_STOP_PENDING) && do_signal_stop(t, 0) && t->state == TASK_STOPPED) {
            t->resume_get_signal = 1;
            return GS_STOPPED;
        }
        int sig = dequeue_synchronous_signal(t, info);
        if (!sig) sig = dequeue_signal(t, t->blocked, info);
        if (!sig) return GS_NONE;
        struct k_sigaction *ka = &t->sighand->action[sig - 1];
        emit_deliver(t, sig, info, ka);
        if (ka->handler == TGS_SIG_IGN) continue;
        if (ka->handler != TGS_SIG_DFL) {
            *ka_out = *ka;
            if (ka->flags & TGS_SA_RESETHAND) ka->handler = TGS_SIG_DFL;
            *sigp = sig;
            return GS_HANDLER;
        }
        bool again;
        int r = gs_default(t, sig, &again);
        if (!again) return r;
        if (r == GS_STOPPED) return r;
    }
    return GS_NONE;
}

/* ---- restart without a handler (arch_do_signal_or_restart's tail) ------------------------- */
static void restore_saved_sigmask(struct task *t)
{
    if (!t->restore_sigmask) return;
    t->restore_sigmask = 0;
    __set_task_blocked(t, t->saved_sigmask);
}

/* Restart the interrupted syscall (no handler ran). Returns true if it sleeps again. */
static bool restart_no_handler(struct task *t)
{
    if (t->sc.nr == SYS_NONE || !t->sc.done || !(is_restart_code(t->sc.ret) || t->sc.ret == SC_REISSUE)) {
        restore_saved_sigmask(t);
        return false;
    }
    if (t->sc.ret != SC_REISSUE)
        emit_ev(t->world, TGS_EV_SYSCALL_RESTART, t->pid, t->pid, 0, -t->sc.ret, 0);
    /* x86 arch_do_signal_or_restart: the syscall is set to re-execute in user space, then the
     * saved mask (sigsuspend's) is put back; a signal that mask held back is now deliverable and
     * exit-to-user runs get_signal again before the syscall re-executes (rnd-008). */
    bool had_saved = t->restore_sigmask;
    restore_saved_sigmask(t);
    if (had_saved && t->sigpending) {
        t->sc.ret = SC_REISSUE;
        return false;
    }
    t->sc.done = 0;
    long (*fn)(struct task *) = t->sc.reenter ? t->sc.reenter : t->sc.resume;
    return sc_outcome(t, fn ? fn(t) : -EINTR);
}

static bool has_work(const struct task *t)
{
    return t->sigpending || t->resume_get_signal ||
           (t->sc.nr != SYS_NONE && t->sc.done && (is_restart_code(t->sc.ret) || t->sc.ret == SC_REISSUE));
}

/* The upcall: a frame not yet shown to the host, else the syscall's result. */
static int report(struct task *t, tgs_upcall *up)
{
    up->tid = t->pid;
    if (t->depth > 0 && !t->frames[t->depth - 1].announced) {
        struct sigframe *f = &t->frames[t->depth - 1];
        f->announced = 1;
        up->sig = f->sig;
        up->info = f->info;
        up->handler = f->handler;
        up->sa_flags = f->sa_flags;
        up->depth = t->depth;
        up->mask = t->blocked;
        up->on_altstack = f->on_altstack;
        up->frame_sp = f->frame_sp;
        emit_ev(t->world, TGS_EV_HANDLER_ENTER, t->pid, t->pid, f->sig, t->depth, f->on_altstack);
        return TGS_RUN_HANDLER;
    }
    if (t->sc.nr != SYS_NONE && t->sc.done) {
        up->ret = t->sc.ret;
        up->syscall_done = 1;
        ZERO(&t->sc);
    }
    return TGS_RUN_USER;
}

/* exit_to_user_mode_loop + arch_do_signal_or_restart, when there is work (a signal, a stop to
 * resume, a restart). Kept out of line so the common path of tgs_run stays small. */
static __attribute__((noinline)) int exit_to_user_work(struct task *t, tgs_upcall *up)
{
    for (int guard = 0; guard < RUN_LOOP_GUARD && has_work(t); guard++) {
        t->resume_get_signal = 0;
        int sig = 0;
        tgs_siginfo info;
        struct k_sigaction ka;
        int r = get_signal(t, &sig, &info, &ka);
        if (r == GS_DEAD) return TGS_RUN_DEAD;
        if (r == GS_STOPPED) return TGS_RUN_STOPPED;
        if (r == GS_HANDLER) {
            handle_signal(t, sig, &info, &ka);
            continue;
        }
        if (restart_no_handler(t)) return TGS_RUN_SLEEP;
    }
    return report(t, up);
}

static int run_kthread(struct task *t, tgs_upcall *up)
{
    if (t->sc.asleep) {
        if (t->state != TASK_RUNNING) return TGS_RUN_SLEEP;
        if (sc_outcome(t, t->sc.resume ? t->sc.resume(t) : t->sc.ret)) return TGS_RUN_SLEEP;
    }
    if (t->state != TASK_RUNNING) return TGS_RUN_SLEEP;
    return report(t, up);
}

/* A kernel thread, a stopped thread, or one asleep in (or woken inside) a syscall. */
static __attribute__((noinline)) int run_special(struct task *t, tgs_upcall *up)
{
    if (t->flags & PF_KTHREAD) return run_kthread(t, up);
    if (t->state == TASK_STOPPED) return TGS_RUN_STOPPED;
    if (t->sc.asleep) {
        if (t->state != TASK_RUNNING) return TGS_RUN_SLEEP;
        if (sc_outcome(t, t->sc.resume ? t->sc.resume(t) : t->sc.ret)) return TGS_RUN_SLEEP;
    }
    return has_work(t) ? exit_to_user_work(t, up) : report(t, up);
}

int tgs_run(tgs_world *w, tgs_pid tid, tgs_upcall *up)
{
    tgs_upcall dummy;
    if (!up) up = &dummy;
    ZERO(up);
    up->tid = tid;
    struct task *t = find_task_by_pid(w, tid);
    if (!t || t->exit_state || !t->signal) return TGS_RUN_DEAD;
    if (t->in_fork) return -EBUSY;               /* inside tgs_clone_begin..finish */
    if ((t->flags & PF_KTHREAD) || t->state == TASK_STOPPED || t->sc.asleep) return run_special(t, up);
    return has_work(t) ? exit_to_user_work(t, up) : report(t, up);
}
