/* exec.c - execve in a thread group: de_thread (§13) and the signal state after exec. */
#include "procpath.h"

/* unshare_sighand: a handler table shared with another process is copied. */
static int unshare_sighand(struct task *t)
{
    struct sighand_struct *old = t->sighand;
    if (old->count == 1) return 0;
    struct sighand_struct *sh = sighand_alloc(t->world);
    if (!sh) return -ENOMEM;
    memcpy(sh->action, old->action, sizeof sh->action);
    sighand_put(t->world, old);
    t->sighand = sh;
    return 0;
}

/* exchange_tids + transfer_pid: t becomes the group leader under the leader's pid. */
static void take_over_leader(struct task *t, struct task *leader)
{
    struct tgs_world *w = t->world;
    tgs_pid old_tid = t->pid, lpid = leader->pid;
    w->pid_table[lpid] = t;
    w->pid_table[old_tid] = leader;
    t->pid = lpid;
    leader->pid = old_tid;
    child_replace(leader, t);
    pgrp_unlink(w, leader);
    t->group_leader = t;
    leader->group_leader = t;
    pgrp_link(w, t);
    if (t->signal->pid_ns->child_reaper == leader) t->signal->pid_ns->child_reaper = t;
    if (w->init == leader) w->init = t;
    t->real_parent = leader->real_parent;
    t->parent = leader->parent;
    t->parent_exec_id = leader->parent_exec_id;
    t->exit_signal = SIGCHLD;
    leader->exit_signal = -1;
    leader->exit_state = EXIT_DEAD;
    release_task(leader);
}

/* begin_new_exec / setup_new_exec: what exec does to signal state once alone. */
static long exec_finish(struct task *t, tgs_pid old_tid)
{
    int err = unshare_sighand(t);
    if (err) return err;
    complete_vfork_done(t);                          /* exec_mm_release */
    flush_signal_handlers(t, 0);
    t->sas_ss_sp = t->sas_ss_size = 0;
    t->sas_ss_flags = TGS_SS_DISABLE;
    t->exit_signal = SIGCHLD;
    t->self_exec_id++;
    t->depth = 0;
    t->restore_sigmask = 0;
    ev_emit(t->world, TGS_EV_EXEC, old_tid, t->pid, 0, 0, t->pid);
    return 0;
}

/* de_thread's waits: the others released, then (non-leader) the leader a zombie. */
static long exec_resume(struct task *t)
{
    struct signal_struct *sig = t->signal;
    tgs_pid old_tid = (tgs_pid)t->sc.id;
    if (fatal_signal_pending(t)) {                   /* killed: -EAGAIN, the thread dies */
        sig->group_exec_task = NULL;
        sig->notify_count = 0;
        return -EAGAIN;
    }
    if (sig->notify_count > 0) { t->state = TASK_KILLABLE; return TGS_ASLEEP; }
    if (!thread_group_leader(t)) {
        struct task *leader = t->group_leader;
        sig->notify_count = -1;
        if (!leader->exit_state) { t->state = TASK_KILLABLE; return TGS_ASLEEP; }
        take_over_leader(t, leader);
    }
    sig->group_exec_task = NULL;
    sig->notify_count = 0;
    return exec_finish(t, old_tid);
}

/* execve: de_thread kills every other thread and waits killably; may return TGS_ASLEEP. */
int tgs_exec(tgs_world *w, tgs_pid self)
{
    int err;
    struct task *t = syscall_task(w, self, &err);
    if (!t) return err;
    struct signal_struct *sig = t->signal;
    sc_finish(t, SYS_EXEC, 0);
    t->sc.id = t->pid;
    if (thread_group_empty(t)) return (int)(t->sc.ret = exec_finish(t, t->pid));
    if ((sig->flags & SIGNAL_GROUP_EXIT) || sig->group_exec_task)
        return (int)(t->sc.ret = -EAGAIN);
    sig->group_exec_task = t;
    sig->notify_count = zap_other_threads(t);
    if (!thread_group_leader(t)) sig->notify_count--;
    long r = exec_resume(t);
    if (r == TGS_ASLEEP) return sc_sleep(t, TASK_KILLABLE, exec_resume);
    return (int)(t->sc.ret = r);
}
