/* dequeue.c - taking signals off the queues: synchronous faults first (FIFO), then the
 * private queue, then the shared one, lowest number first with the synchronous-bit rule. */
#include "sigpath.h"

/* recalc_sigpending_tsk + recalc_sigpending (sets and clears TIF_SIGPENDING) */
void recalc_sigpending(struct task *t)
{
    t->sigpending = (t->jobctl & JOBCTL_PENDING_MASK) ||
                    has_pending_signals(t->pending.signal, t->blocked) ||
                    (t->signal && has_pending_signals(t->signal->shared_pending.signal, t->blocked));
}

/* next_signal: lowest pending unmasked number, synchronous ones first */
static int next_signal(const struct sigpending *q, tgs_sigset mask)
{
    tgs_sigset x = q->signal & ~mask;
    if (!x) return 0;
    if (x & SYNCHRONOUS_MASK) x &= SYNCHRONOUS_MASK;
    return __builtin_ctzll(x) + 1;
}

/* collect_signal: the first entry of sig (FIFO); the bit stays while more entries remain; a
 * bit-only instance gets zeroed info. Notes the ledger. Returns the sender tid. The entry count
 * says whether another entry remains, so only the walk to the first entry is left (it is at the
 * head unless other signals were queued before it). */
static tgs_pid collect_signal(struct tgs_world *w, int sig, struct sigpending *q, tgs_siginfo *info)
{
    long before = sigpending_instances(q, sig);
    long n = sigpending_count(q, sig);
    tgs_pid sender = 0;
    if (n <= 1) { q->signal &= ~sigmask(sig); q->uncounted &= ~sigmask(sig); }
    if (n) {
        struct sigqueue **pp = &q->head;
        while ((*pp)->si_signo != sig) pp = &(*pp)->next;
        struct sigqueue *e = sigqueue_unlink(w, q, pp);
        entry_to_siginfo(info, e);
        sender = e->sender;
        sigqueue_free(w, e);
    } else {
        memset(info, 0, sizeof *info);
        info->si_signo = sig;
        info->si_code = TGS_SI_USER;
    }
    ledger_note(w, LEDGER_DELIVERED, before - sigpending_instances(q, sig));
    return sender;
}

/* __dequeue_signal */
static int dequeue_from(struct task *t, struct sigpending *q, tgs_sigset mask, tgs_siginfo *info)
{
    int sig = next_signal(q, mask);
    if (sig) t->last_sender = collect_signal(t->world, sig, q, info);
    return sig;
}

/* dequeue_signal: mask = signals NOT to take (blocked, or ~wanted) */
int dequeue_signal(struct task *t, tgs_sigset mask, tgs_siginfo *info)
{
#ifndef TGS_BREAK_DEQUEUE_ORDER
    int sig = dequeue_from(t, &t->pending, mask, info);
    if (!sig) sig = dequeue_from(t, &t->signal->shared_pending, mask, info);
#else   /* a deliberately wrong rule (shared before private), for tests/cli/broken_rule.sh only */
    int sig = dequeue_from(t, &t->signal->shared_pending, mask, info);
    if (!sig) sig = dequeue_from(t, &t->pending, mask, info);
#endif
    recalc_sigpending(t);
    if (!sig) return 0;
    t->last_dequeued = sig;
    if (sig_kernel_stop(sig)) t->jobctl |= JOBCTL_STOP_DEQUEUED;
    return sig;
}

/* dequeue_synchronous_signal: the first kernel-generated SYNCHRONOUS_MASK entry of the private
 * queue, in queue order (only looked for when an unblocked synchronous bit is pending) */
int dequeue_synchronous_signal(struct task *t, tgs_siginfo *info)
{
    struct sigpending *q = &t->pending;
    if (!((q->signal & ~t->blocked) & SYNCHRONOUS_MASK) || !(q->queued & SYNCHRONOUS_MASK)) return 0;
    struct sigqueue **pp = &q->head;
    for (; *pp; pp = &(*pp)->next) {
        int s = (*pp)->si_signo;
        if ((*pp)->si_code > TGS_SI_USER && s >= 1 && s < K_SIGRTMIN && (sigmask(s) & SYNCHRONOUS_MASK))
            break;
    }
    if (!*pp) return 0;
    int sig = (*pp)->si_signo;
    struct tgs_world *w = t->world;
    long before = sigpending_instances(q, sig);
    struct sigqueue *e = sigqueue_unlink(w, q, pp);
    if (!sigpending_count(q, sig)) { q->signal &= ~sigmask(sig); q->uncounted &= ~sigmask(sig); }
    entry_to_siginfo(info, e);
    t->last_sender = e->sender;
    sigqueue_free(w, e);
    ledger_note(w, LEDGER_DELIVERED, before - sigpending_instances(q, sig));
    recalc_sigpending(t);
    t->last_dequeued = sig;
    return sig;
}

/* __set_task_blocked: retarget newly blocked shared signals, then recalc */
void __set_task_blocked(struct task *t, tgs_sigset newset)
{
    if (t->sigpending && !thread_group_empty(t))
        retarget_shared_pending(t, newset & ~t->blocked);
    t->blocked = newset;
    seltree_update(t);
    recalc_sigpending(t);
}

/* set_current_blocked: SIGKILL and SIGSTOP can never be blocked from user space */
void set_current_blocked(struct task *t, tgs_sigset newset)
{
    __set_task_blocked(t, newset & ~SIG_KERNEL_ONLY_MASK);
}

/* retarget_shared_pending: wake (once) other threads that can take the shared signals t blocks */
void retarget_shared_pending(struct task *t, tgs_sigset which)
{
    tgs_sigset retarget = t->signal->shared_pending.signal & which;
    if (!retarget) return;
    for (struct task *o = thread_after(t); o != t; o = thread_after(o)) {
        if (o->flags & PF_EXITING) continue;
        if (!has_pending_signals(retarget, o->blocked)) continue;
        retarget &= o->blocked;
        if (!o->sigpending) signal_wake_up(o, false);
        if (!retarget) break;
    }
}
