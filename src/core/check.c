/* check.c - the invariant checker (tgs_check). */
#include "sigpath.h"
#include <stdio.h>

#define FAIL(...) do { snprintf(why, len, __VA_ARGS__); return -1; } while (0)

/* One queue: bits cover entries, one entry per standard signal, tail, uncounted within bits. */
static int check_queue(const struct sigpending *q, const char *what, tgs_pid pid, char *why, size_t len)
{
    tgs_sigset seen = 0;
    struct sigqueue *const *pp = &q->head;
    for (; *pp; pp = &(*pp)->next) {
        int s = (*pp)->info.si_signo;
        if (!valid_signal(s)) FAIL("%s of %d: entry with bad signo %d", what, pid, s);
        if (!(q->signal & sigmask(s))) FAIL("%s of %d: entry for %d without its bit", what, pid, s);
        if (s < K_SIGRTMIN && (seen & sigmask(s))) FAIL("%s of %d: two entries for standard signal %d", what, pid, s);
        seen |= sigmask(s);
    }
    if (q->tail != pp) FAIL("%s of %d: tail pointer is stale", what, pid);
    if (q->uncounted & ~q->signal) FAIL("%s of %d: uncounted bits %llx outside the set", what, pid,
                                        (unsigned long long)(q->uncounted & ~q->signal));
    return 0;
}

static long count_user(const struct sigpending *q, const struct tgs_user *u)
{
    long n = 0;
    for (const struct sigqueue *e = q->head; e; e = e->next)
        if (e->user == u) n++;
    return n;
}

/* Per-task rules: KILL/STOP never blocked or caught (kthreads aside). */
static int check_task(const struct task *t, char *why, size_t len)
{
    if (check_queue(&t->pending, "private queue", t->pid, why, len)) return -1;
    if (!t->sighand || !t->signal) return 0;
    bool kt = (t->flags & PF_KTHREAD) != 0;
    if (!kt && (t->blocked & SIG_KERNEL_ONLY_MASK)) FAIL("task %d blocks SIGKILL/SIGSTOP", t->pid);
    for (int s = SIGKILL; !kt && s <= SIGSTOP; s += SIGSTOP - SIGKILL)
        if (t->sighand->action[s - 1].handler != TGS_SIG_DFL) FAIL("task %d: signal %d not SIG_DFL", t->pid, s);
    if (t->depth < 0 || t->depth > TGS_MAX_FRAMES) FAIL("task %d: frame depth %d", t->pid, t->depth);
    return 0;
}

/* Per-group rules, checked at the head of the thread list. */
static int check_group(const struct signal_struct *s, char *why, size_t len)
{
    const struct task *head = s->thread_head;
    if (check_queue(&s->shared_pending, "shared queue", head->pid, why, len)) return -1;
    int live = 0;
    bool target_ok = s->curr_target == NULL;
    for (const struct task *t = head; t; t = t->thread_next) {
        if (t->signal != s) FAIL("thread %d of group %d has another signal_struct", t->pid, head->pid);
        if (t == s->curr_target) target_ok = true;
        if (!(t->flags & PF_EXITING) && !t->exit_state) live++;
        if ((s->flags & SIGNAL_GROUP_EXIT) && !t->exit_state && !(t->flags & PF_EXITING) &&
            !(t->pending.signal & sigmask(SIGKILL)))
            FAIL("group %d exiting but thread %d has no SIGKILL pending", head->pid, t->pid);
    }
    if (!target_ok) FAIL("curr_target of group %d is not one of its threads", head->pid);
    if (seltree_check(s, why, len)) return -1;   /* complete_signal's index agrees with the threads */
    if (s->group_stop_count > live)
        FAIL("group %d: group_stop_count %d > %d live threads", head->pid, s->group_stop_count, live);
    return 0;
}

static int check_users(const struct tgs_world *w, char *why, size_t len)
{
    for (const struct tgs_user *u = w->users; u; u = u->next) {
        long n = 0;
        for (tgs_pid p = 1; p <= w->pid_max; p++) {
            const struct task *t = w->pid_table[p];
            if (!t) continue;
            n += count_user(&t->pending, u);
            if (t->signal && t->signal->thread_head == t) n += count_user(&t->signal->shared_pending, u);
        }
        if (n != u->sigpending) FAIL("uid %u: sigpending count %ld but %ld queued entries", u->uid, u->sigpending, n);
    }
    return 0;
}

int tgs_check(const tgs_world *w, char *why, size_t len)
{
    if (why && len) why[0] = 0;
    if (!w) return -1;
    char dummy[8];
    if (!why || !len) { why = dummy; len = sizeof dummy; }
    for (tgs_pid p = 1; w->pid_table && p <= w->pid_max; p++) {
        const struct task *t = w->pid_table[p];
        if (!t) continue;
        if (t->pid != p) FAIL("pid table slot %d holds task %d", p, t->pid);
        if (check_task(t, why, len)) return -1;
        if (t->signal && t->signal->thread_head == t && check_group(t->signal, why, len)) return -1;
    }
    if (check_users(w, why, len)) return -1;
    if (check_process_path(w, why, len)) return -1;   /* thread/child/pgrp lists, counters */
    if (!tgs_ledger_balanced(w)) FAIL("the signal ledger does not balance");
    return 0;
}
