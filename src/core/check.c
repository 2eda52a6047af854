/* check.c - the invariant checker (tgs_check). */
#include "sigpath.h"
#include <stdio.h>

#define FAIL(...) do { snprintf(why, len, __VA_ARGS__); return -1; } while (0)

/* The entry counts of a queue agree with its entries (cnt: entries per signal, walked). */
static int check_counts(const struct sigpending *q, const long *cnt, const char *what, tgs_pid pid,
                        char *why, size_t len)
{
    bool any_rt = false;
    for (int s = 1; s <= K_NSIG; s++) {
        if (((q->queued & sigmask(s)) != 0) != (cnt[s] > 0))
            FAIL("%s of %d: queued bit of %d but %ld entries", what, pid, s, cnt[s]);
        if (s < K_SIGRTMIN || !cnt[s]) continue;
        any_rt = true;
        if (q->rt && q->rt->n[s - K_SIGRTMIN] != (uint32_t)cnt[s])
            FAIL("%s of %d: count of %d is %u but %ld entries", what, pid, s, q->rt->n[s - K_SIGRTMIN], cnt[s]);
    }
    if (any_rt != (q->rt != NULL)) FAIL("%s of %d: RT counts %s", what, pid, any_rt ? "missing" : "left over");
    return 0;
}

/* One queue: bits cover entries, one entry per standard signal, tail, uncounted within bits,
 * the per-signal counts. Adds the queue's ledger instances (counted from the walk) to *inst. */
static int check_queue(const struct sigpending *q, const char *what, tgs_pid pid, long *inst,
                       char *why, size_t len)
{
    long cnt[K_NSIG + 1] = { 0 };
    struct sigqueue *const *pp = &q->head;
    for (; *pp; pp = &(*pp)->next) {
        int s = (*pp)->si_signo;
        if (!valid_signal(s)) FAIL("%s of %d: entry with bad signo %d", what, pid, s);
        if (!(q->signal & sigmask(s))) FAIL("%s of %d: entry for %d without its bit", what, pid, s);
        if (s < K_SIGRTMIN && cnt[s]) FAIL("%s of %d: two entries for standard signal %d", what, pid, s);
        cnt[s]++;
    }
    if (q->tail != pp) FAIL("%s of %d: tail pointer is stale", what, pid);
    if (q->uncounted & ~q->signal) FAIL("%s of %d: uncounted bits %llx outside the set", what, pid,
                                        (unsigned long long)(q->uncounted & ~q->signal));
    if (check_counts(q, cnt, what, pid, why, len)) return -1;
    for (int s = 1; s <= K_NSIG; s++)
        if (q->signal & sigmask(s))
            *inst += (cnt[s] ? cnt[s] : 1) - ((q->uncounted & sigmask(s)) ? 1 : 0);
    return 0;
}

static long count_user(const struct sigpending *q, uint32_t idx)
{
    long n = 0;
    for (const struct sigqueue *e = q->head; e; e = e->next)
        if (e->user == idx + 1) n++;
    return n;
}

/* A task's handler frames: within the array, at most TGS_MAX_FRAMES */
static int check_frames(const struct task *t, char *why, size_t len)
{
    if (t->depth < 0 || t->depth > TGS_MAX_FRAMES) FAIL("task %d: frame depth %d", t->pid, t->depth);
    if (t->depth > t->frames_cap || t->frames_cap > TGS_MAX_FRAMES || (t->frames_cap > 0) != (t->frames != NULL))
        FAIL("task %d: %d frames in an array of %d", t->pid, t->depth, t->frames_cap);
    return 0;
}

/* Per-task rules: KILL/STOP never blocked or caught (kthreads aside). */
static int check_task(const struct task *t, long *inst, char *why, size_t len)
{
    if (check_queue(&t->pending, "private queue", t->pid, inst, why, len)) return -1;
    if (check_frames(t, why, len)) return -1;
    if (!t->sighand || !t->signal) return 0;
    bool kt = (t->flags & PF_KTHREAD) != 0;
    if (!kt && (t->blocked & SIG_KERNEL_ONLY_MASK)) FAIL("task %d blocks SIGKILL/SIGSTOP", t->pid);
    for (int s = SIGKILL; !kt && s <= SIGSTOP; s += SIGSTOP - SIGKILL)
        if (t->sighand->action[s - 1].handler != TGS_SIG_DFL) FAIL("task %d: signal %d not SIG_DFL", t->pid, s);
    return 0;
}

/* Per-group rules, checked at the head of the thread list. */
static int check_group(const struct signal_struct *s, long *inst, char *why, size_t len)
{
    const struct task *head = s->thread_head;
    if (check_queue(&s->shared_pending, "shared queue", head->pid, inst, why, len)) return -1;
    int live = 0, sfd = 0;
    bool target_ok = s->curr_target == NULL;
    for (const struct task *t = head; t; t = t->thread_next) {
        if (t->signal != s) FAIL("thread %d of group %d has another signal_struct", t->pid, head->pid);
        sfd += t->signalfd_open != 0;
        if (t == s->curr_target) target_ok = true;
        if (!(t->flags & PF_EXITING) && !t->exit_state) live++;
        if ((s->flags & SIGNAL_GROUP_EXIT) && !t->exit_state && !(t->flags & PF_EXITING) &&
            !(t->pending.signal & sigmask(SIGKILL)))
            FAIL("group %d exiting but thread %d has no SIGKILL pending", head->pid, t->pid);
    }
    if (!target_ok) FAIL("curr_target of group %d is not one of its threads", head->pid);
    if (seltree_check(s, why, len)) return -1;   /* complete_signal's index agrees with the threads */
    if (sfd != s->nr_signalfd) FAIL("group %d: nr_signalfd %d but %d threads with a signalfd", head->pid, s->nr_signalfd, sfd);
    if (s->group_stop_count > live)
        FAIL("group %d: group_stop_count %d > %d live threads", head->pid, s->group_stop_count, live);
    return 0;
}

static int check_users(const struct tgs_world *w, char *why, size_t len)
{
    uint32_t nu = 0;
    for (const struct tgs_user *u = w->users; u; u = u->next, nu++) {
        if (u->idx >= w->nr_users || w->user_tab[u->idx] != u) FAIL("uid %u: not in the user table", u->uid);
        long n = 0;
        for (tgs_pid p = 1; p <= w->pid_max; p++) {
            const struct task *t = w->pid_table[p];
            if (!t) continue;
            n += count_user(&t->pending, u->idx);
            if (t->signal && t->signal->thread_head == t) n += count_user(&t->signal->shared_pending, u->idx);
        }
        if (n != u->sigpending) FAIL("uid %u: sigpending count %ld but %ld queued entries", u->uid, u->sigpending, n);
    }
    if (nu != w->nr_users) FAIL("user table holds %u users, the list %u", w->nr_users, nu);
    return 0;
}

int tgs_check(const tgs_world *w, char *why, size_t len)
{
    if (why && len) why[0] = 0;
    if (!w) return -1;
    char dummy[8];
    if (!why || !len) { why = dummy; len = sizeof dummy; }
    long inst = 0;
    for (tgs_pid p = 1; w->pid_table && p <= w->pid_max; p++) {
        const struct task *t = w->pid_table[p];
        if (!t) continue;
        if (t->pid != p) FAIL("pid table slot %d holds task %d", p, t->pid);
        if (check_task(t, &inst, why, len)) return -1;
        if (t->signal && t->signal->thread_head == t && check_group(t->signal, &inst, why, len)) return -1;
    }
    if (check_users(w, why, len)) return -1;
    if (check_process_path(w, why, len)) return -1;   /* thread/child/pgrp lists, counters */
    if (w->ledger.pending != (uint64_t)inst)
        FAIL("the signal ledger counts %llu pending, the queues hold %ld", (unsigned long long)w->ledger.pending, inst);
    if (!tgs_ledger_balanced(w)) FAIL("the signal ledger does not balance");
    return 0;
}
