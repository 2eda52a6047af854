/* proc.c - /proc/<pid>/task/<tid>/status signal lines, task info, task iteration. */
#include "sigpath.h"
#include <stdio.h>

/* get_task_state: the letter and word of TASK_REPORT */
static const char *state_str(const struct task *t)
{
    if (t->exit_state == EXIT_DEAD) return "X (dead)";
    if (t->exit_state) return "Z (zombie)";
    switch (t->state) {
    case TASK_INTERRUPTIBLE: return "S (sleeping)";
    case TASK_KILLABLE: return "D (disk sleep)";
    case TASK_STOPPED: return "T (stopped)";
    case TASK_DEAD: return "X (dead)";
    default: return (t->jobctl & JOBCTL_STOPPED) ? "T (stopped)" : "R (running)";
    }
}

static int info_state(const struct task *t)
{
    if (t->exit_state == EXIT_ZOMBIE) return TGS_TASK_ZOMBIE;
    if (t->exit_state || t->state == TASK_DEAD) return TGS_TASK_DEAD;
    if (t->state == TASK_STOPPED) return TGS_TASK_STOPPED;
    if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_KILLABLE) return TGS_TASK_SLEEPING;
    return TGS_TASK_RUNNING;
}

/* collect_sigign_sigcatch */
static void ign_cgt(const struct task *t, tgs_sigset *ign, tgs_sigset *cgt)
{
    *ign = *cgt = 0;
    if (!t->sighand) return;
    for (int s = 1; s <= K_NSIG; s++) {
        uint64_t h = t->sighand->action[s - 1].handler;
        if (h == TGS_SIG_IGN) *ign |= sigmask(s);
        else if (h != TGS_SIG_DFL) *cgt |= sigmask(s);
    }
}

static long sigq_count(const struct task *t)
{
    for (const struct tgs_user *u = t->world->users; u; u = u->next)
        if (u->uid == t->signal->uid) return u->sigpending;
    return 0;
}

static tgs_pid ppid_of(const struct task *t)
{
    return t->real_parent ? tgid_of(t->real_parent) : 0;
}

/* proc_pid_status: State, Tgid, Pid, PPid, then task_sig's lines */
int tgs_proc_status(const tgs_world *cw, tgs_pid tid, char *buf, size_t len)
{
    struct tgs_world *w = (struct tgs_world *)cw;
    const struct task *t = find_task_by_pid(w, tid);
    if (!t) return -ESRCH;
    if (!buf && len) return -EFAULT;
    tgs_sigset pnd = 0, shd = 0, blk = 0, ign = 0, cgt = 0;
    long q = 0, lim = 0;
    int threads = 0;
    if (t->signal && t->sighand) {
        pnd = t->pending.signal;
        shd = t->signal->shared_pending.signal;
        blk = t->blocked;
        ign_cgt(t, &ign, &cgt);
        q = sigq_count(t);
        lim = t->signal->rlim_sigpending;
        threads = t->signal->nr_threads;
    }
    return snprintf(buf, len,
                    "State:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nThreads:\t%d\nSigQ:\t%ld/%ld\n"
                    "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
                    state_str(t), tgid_of(t), t->pid, ppid_of(t), threads, q, lim,
                    (unsigned long long)pnd, (unsigned long long)shd, (unsigned long long)blk,
                    (unsigned long long)ign, (unsigned long long)cgt);
}

int tgs_task_info_get(const tgs_world *cw, tgs_pid tid, tgs_task_info *o)
{
    struct tgs_world *w = (struct tgs_world *)cw;
    const struct task *t = find_task_by_pid(w, tid);
    if (!t) return -ESRCH;
    if (!o) return -EFAULT;
    memset(o, 0, sizeof *o);
    o->tid = t->pid;
    o->tgid = tgid_of(t);
    o->ppid = ppid_of(t);
    o->state = info_state(t);
    o->state_letter = state_str(t)[0];
    o->is_leader = t->group_leader == t;
    o->is_kthread = (t->flags & PF_KTHREAD) != 0;
    o->pending = t->pending.signal;
    o->blocked = t->blocked;
    o->exit_code = t->exit_code;
    o->jobctl = t->jobctl;
    o->last_dequeued = t->last_dequeued;
    o->last_sender = t->last_sender;
    o->depth = t->depth;
    if (t->signal) {
        const struct signal_struct *s = t->signal;
        o->pgid = s->pgrp;
        o->sid = s->session;
        o->nr_threads = s->nr_threads;
        o->shared_pending = s->shared_pending.signal;
        o->sigq = sigq_count(t);
        o->sigq_limit = s->rlim_sigpending;
        o->group_exit = (s->flags & SIGNAL_GROUP_EXIT) != 0;
        o->group_exit_code = s->group_exit_code;
        o->group_stop_count = s->group_stop_count;
        o->signal_flags = s->flags;
    }
    ign_cgt(t, &o->ignored, &o->caught);
    return 0;
}

tgs_pid tgs_next_task(const tgs_world *cw, tgs_pid after)
{
    struct tgs_world *w = (struct tgs_world *)cw;
    if (!w) return 0;
    for (tgs_pid p = after < 0 ? 1 : after + 1; p <= w->pid_max; p++)
        if (find_task_by_pid(w, p)) return p;
    return 0;
}
