/* jobctl.c - group stop (§10 J1-J4) and stop/continue notifications to the parent. */
#include "procpath.h"

/* task_clear_jobctl_pending: clearing STOP_PENDING also clears CONSUME and DEQUEUED. */
void task_clear_jobctl_pending(struct task *t, unsigned mask)
{
    mask &= JOBCTL_PENDING_MASK;
    if (mask & JOBCTL_STOP_PENDING) mask |= JOBCTL_STOP_CONSUME | JOBCTL_STOP_DEQUEUED;
    t->jobctl &= ~mask;
}

/* task_set_jobctl_pending: refused for a dying task. */
bool task_set_jobctl_pending(struct task *t, unsigned mask)
{
    if (fatal_signal_pending(t) || (t->flags & PF_EXITING)) return false;
    if (mask & JOBCTL_STOP_SIGMASK) t->jobctl &= ~JOBCTL_STOP_SIGMASK;
    t->jobctl |= mask;
    return true;
}

/* signal_set_stop_flags */
static void signal_set_stop_flags(struct signal_struct *sig, unsigned flags)
{
    sig->flags = (sig->flags & ~(SIGNAL_CLD_MASK | SIGNAL_STOP_STOPPED | SIGNAL_STOP_CONTINUED)) | flags;
}

/* task_participate_group_stop: true when t completes a fresh group stop (caller notifies). */
bool task_participate_group_stop(struct task *t)
{
    struct signal_struct *sig = t->signal;
    bool consume = t->jobctl & JOBCTL_STOP_CONSUME;
    task_clear_jobctl_pending(t, JOBCTL_STOP_PENDING);
    if (!consume) return false;
    if (sig->group_stop_count > 0) sig->group_stop_count--;
    if (!sig->group_stop_count && !(sig->flags & SIGNAL_STOP_STOPPED)) {
        signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
        return true;
    }
    return false;
}

/* task_join_group_stop (4.20+): a new thread joins a stop in progress or a stopped group. */
void task_join_group_stop(struct task *cur, struct task *t)
{
    unsigned mask = cur->jobctl & JOBCTL_STOP_SIGMASK;
    struct signal_struct *sig = cur->signal;
    if (!mask) mask = (unsigned)sig->group_exit_code & JOBCTL_STOP_SIGMASK;
    if (sig->group_stop_count) {
        sig->group_stop_count++;
        mask |= JOBCTL_STOP_CONSUME;
    } else if (!(sig->flags & SIGNAL_STOP_STOPPED))
        return;
    if (task_set_jobctl_pending(t, mask | JOBCTL_STOP_PENDING)) t->sigpending = 1;
}

/* The initiating half of do_signal_stop: mark every thread that still has to stop. */
static bool start_group_stop(struct task *t, int signr)
{
    struct signal_struct *sig = t->signal;
    unsigned gstop = JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME | ((unsigned)signr & JOBCTL_STOP_SIGMASK);
    if (!(t->jobctl & JOBCTL_STOP_DEQUEUED) || (sig->flags & SIGNAL_GROUP_EXIT) || sig->group_exec_task)
        return false;
    if (!(sig->flags & SIGNAL_STOP_STOPPED)) sig->group_exit_code = signr;
    sig->group_stop_count = 0;
    if (task_set_jobctl_pending(t, gstop)) sig->group_stop_count++;
    for (struct task *o = next_thread(t); o != t; o = next_thread(o)) {
        if (o->state == TASK_STOPPED || o->exit_state) continue;
        if (task_set_jobctl_pending(o, gstop)) {
            sig->group_stop_count++;
            signal_wake_up(o, false);
        }
    }
    return true;
}

/* do_signal_stop: start (signr != 0, STOP_DEQUEUED still set) or join a group stop, then stop.
 * false: nothing to do (a SIGCONT or a group exit cancelled it). */
bool do_signal_stop(struct task *t, int signr)
{
    if (!(t->jobctl & JOBCTL_STOP_PENDING) && !start_group_stop(t, signr)) return false;
    bool notify = task_participate_group_stop(t);
    t->jobctl |= JOBCTL_STOPPED;
    t->state = TASK_STOPPED;
    seltree_update(t);
    ev_emit(t->world, TGS_EV_STOP, t->pid, task_tgid(t), t->signal->group_exit_code, 0,
            t->signal->group_stop_count);
    if (notify) do_notify_parent_cldstop(t, TGS_CLD_STOPPED);
    return true;
}

/* The deferred notification at the top of get_signal: SIGNAL_CLD_* set by SIGCONT (J6).
 * Returns 1 if a notification was sent. */
int do_jobctl_cld_notify(struct task *t)
{
    struct signal_struct *sig = t->signal;
    if (!(sig->flags & SIGNAL_CLD_MASK)) return 0;
    int why = (sig->flags & SIGNAL_CLD_CONTINUED) ? TGS_CLD_CONTINUED : TGS_CLD_STOPPED;
    sig->flags &= ~SIGNAL_CLD_MASK;
    do_notify_parent_cldstop(t->group_leader, why);
    return 1;
}
