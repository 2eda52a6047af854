/* select.c - which thread takes a signal (complete_signal, wants_signal), the fatal fast path,
 * and waking (signal_wake_up). */
#include "sigpath.h"

static bool task_curr(struct task *t)
{
    struct tgs_world *w = t->world;
    return w->ops.on_cpu && w->ops.on_cpu(w->ops.ctx, t->pid);
}

/* wants_signal */
bool wants_signal(int sig, struct task *p)
{
    if (p->blocked & sigmask(sig)) return false;
    if ((p->flags & PF_EXITING) || p->exit_state) return false;
    if (sig == SIGKILL) return true;
    if (p->state == TASK_STOPPED || (p->jobctl & JOBCTL_STOPPED)) return false;
    return task_curr(p) || !p->sigpending;
}

/* signal_wake_up_state: set TIF_SIGPENDING, wake from interruptible (and, when fatal, killable
 * and stopped) sleep; a thread running in user space is kicked (ops->wake, no WAKE event). */
void signal_wake_up(struct task *t, bool fatal)
{
    unsigned mask = TASK_BIT(TASK_INTERRUPTIBLE);
    t->sigpending = 1;
    if (t->exit_state) return;
    if (fatal) {
        t->jobctl &= ~JOBCTL_STOPPED;
        mask |= TASK_BIT(TASK_KILLABLE) | TASK_BIT(TASK_STOPPED);
    }
    bool woken = wake_up_state(t, mask);
    if (fatal) seltree_update(t);                /* no longer stopped */
    if (woken) return;
    struct tgs_world *w = t->world;
    if (t->state == TASK_RUNNING && !t->sc.asleep && w->ops.wake) w->ops.wake(w->ops.ctx, t->pid);
}

/* SIGCONT: a stopped thread leaves TASK_STOPPED (wake_up_state(t, __TASK_STOPPED)) */
void wake_stopped_for_cont(struct task *t)
{
    bool was = (t->jobctl & JOBCTL_STOPPED) || t->state == TASK_STOPPED;
    t->jobctl &= ~JOBCTL_STOPPED;
    if (was && t->state == TASK_STOPPED) {
        emit_ev(t->world, TGS_EV_CONTINUE, t->pid, t->pid, SIGCONT, 0, 0);
        wake_up_state(t, TASK_BIT(TASK_STOPPED));
    }
    seltree_update(t);                           /* no longer stopped */
}

/* The fatal fast path of complete_signal: SIGKILL in every thread, group_exit_code = sig. */
static void fatal_fast_path(int sig, struct task *p, int type, struct task *sender)
{
    struct signal_struct *signal = p->signal;
    struct tgs_world *w = p->world;
    struct sigpending *q = type == PIDTYPE_PID ? &p->pending : &signal->shared_pending;
    long before = sigpending_instances(q, sig);
    q->uncounted |= sigmask(sig);
    ledger_note(w, LEDGER_DELIVERED, before - sigpending_instances(q, sig));
    signal->flags = SIGNAL_GROUP_EXIT;
    signal->group_exit_code = sig;
    signal->group_stop_count = 0;
    signal->group_exit_cause_tid = sender ? sender->pid : 0;
    signal->group_exit_cause_sig = sig;
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_GROUP_EXIT;
    e.tid = sender ? sender->pid : 0;
    e.target = tgid_of(p);
    e.sig = sig;
    e.cause_tid = e.tid;
    e.cause_sig = sig;
    trace_event(w, &e);
    for_each_thread(signal, t) {
        task_clear_jobctl_pending(t, JOBCTL_PENDING_MASK);
        sigpending_add_kill(t);
        signal_wake_up(t, true);
    }
}

/* The kernel's scan in complete_signal: from curr_target (the head if none), in thread-list
 * order, wrapping, the first thread for which wants_signal holds; NULL if none. O(threads): the
 * reference for seltree_select (src/core/tests/test_seltree.c), and its fallback. */
struct task *select_thread_linear(int sig, struct task *p)
{
    struct signal_struct *signal = p->signal;
    struct task *t = signal->curr_target ? signal->curr_target : signal->thread_head;
    struct task *start = t;
    while (!wants_signal(sig, t)) {
        t = thread_after(t);
        if (t == start) return NULL;
    }
    return t;
}

/* complete_signal: the addressed task first, then a sticky scan from curr_target (the same
 * choice as the kernel's linear scan, found through the group's seltree) */
void complete_signal_from(int sig, struct task *p, int type, struct task *sender)
{
    struct signal_struct *signal = p->signal;
    struct task *t;
    if (wants_signal(sig, p)) {
        t = p;
    } else if (type == PIDTYPE_PID || thread_group_empty(p)) {
        return;
    } else {
        t = seltree_select(sig, p);
        if (!t) return;
        signal->curr_target = t;
    }
    /* An init (SIGNAL_UNKILLABLE) survives a default-fatal signal that a thread left unblocked
     * takes from the shared queue: measured, not in the source we read (tests/conformance/init) */
    if (sig_fatal(p, sig) && (signal->core_state || !(signal->flags & SIGNAL_GROUP_EXIT)) &&
        (!(signal->flags & SIGNAL_UNKILLABLE) || sig_kernel_only(sig)) &&
        !(t->real_blocked & sigmask(sig)) && !sig_kernel_coredump(sig)) {
        fatal_fast_path(sig, p, type, sender);
        return;
    }
    signal_wake_up(t, sig == SIGKILL);
}

void complete_signal(int sig, struct task *p, int type)
{
    complete_signal_from(sig, p, type, NULL);
}
