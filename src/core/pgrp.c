/* pgrp.c - sessions, process groups, orphaned process groups (§10 J5), prctl. */
#include "procpath.h"

/* will_become_orphaned_pgrp: no member (but `ignored`) has a parent in another pgrp of the
 * same session. */
bool will_become_orphaned_pgrp(struct tgs_world *w, tgs_pid pgrp, struct task *ignored)
{
    for_each_pgrp_member(w, pgrp, p) {
        struct task *rp = p->real_parent;
        if ((ignored && p == ignored) || (p->exit_state && thread_group_empty(p)) || !rp || !rp->signal ||
            is_global_init(rp))
            continue;
        if (rp->signal->pgrp != pgrp && rp->signal->session == p->signal->session) return false;
    }
    return true;
}

/* is_current_pgrp_orphaned */
bool is_current_pgrp_orphaned(struct task *t)
{
    return will_become_orphaned_pgrp(t->world, t->signal->pgrp, NULL);
}

/* has_stopped_jobs */
bool has_stopped_jobs(struct tgs_world *w, tgs_pid pgrp)
{
    for_each_pgrp_member(w, pgrp, p)
        if (p->signal->flags & SIGNAL_STOP_STOPPED) return true;
    return false;
}

/* __kill_pgrp_info with SEND_SIG_PRIV */
static void kill_pgrp_priv(struct tgs_world *w, tgs_pid pgrp, int sig)
{
    for_each_pgrp_member(w, pgrp, p)
        do_send_sig_info(sig, SEND_SIG_PRIV, p, PIDTYPE_PGID, NULL);
}

/* kill_orphaned_pgrp: exit (parent NULL) or reparent of tsk made its pgrp orphaned while a
 * member is stopped: SIGHUP then SIGCONT to the whole pgrp. */
void kill_orphaned_pgrp(struct task *tsk, struct task *parent)
{
    struct tgs_world *w = tsk->world;
    struct task *ignored = tsk;
    tgs_pid pgrp = tsk->signal->pgrp;
    if (!parent) parent = tsk->real_parent;
    else ignored = NULL;
    if (!parent || !parent->signal) return;
    if (parent->signal->pgrp != pgrp && parent->signal->session == tsk->signal->session &&
        will_become_orphaned_pgrp(w, pgrp, ignored) && has_stopped_jobs(w, pgrp)) {
        kill_pgrp_priv(w, pgrp, SIGHUP);
        kill_pgrp_priv(w, pgrp, SIGCONT);
    }
}

/* change_pid(p, PIDTYPE_PGID, pgrp) */
static void change_pgrp(struct task *p, tgs_pid pgrp)
{
    struct tgs_world *w = p->world;
    if (p->signal->pgrp == pgrp) return;
    pgrp_unlink(w, p);
    p->signal->pgrp = pgrp;
    pgrp_link(w, p);
}

/* ksys_setsid */
int tgs_setsid(tgs_world *w, tgs_pid self)
{
    int err;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    struct task *leader = cur->group_leader;
    tgs_pid sid = leader->pid;
    if (leader->signal->session == sid || w->pgrp_head[sid])
        return (int)sc_finish(cur, SYS_GENERIC, -EPERM);
    leader->signal->session = sid;
    change_pgrp(leader, sid);
    return (int)sc_finish(cur, SYS_GENERIC, sid);
}

/* The setpgid target checks: EINVAL, EPERM, EACCES, ESRCH in the kernel's order. */
static int setpgid_target_ok(struct task *leader, struct task *p)
{
    if (!thread_group_leader(p)) return -EINVAL;
    if (p->real_parent && same_thread_group(p->real_parent, leader)) {
        if (p->signal->session != leader->signal->session) return -EPERM;
        if (p->self_exec_id != p->parent_exec_id) return -EACCES;   /* !PF_FORKNOEXEC */
    } else if (p != leader)
        return -ESRCH;
    if (p->signal->session == p->pid) return -EPERM;               /* session leader */
    return 0;
}

/* sys_setpgid */
int tgs_setpgid(tgs_world *w, tgs_pid self, tgs_pid pid, tgs_pid pgid)
{
    int err;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    struct task *leader = cur->group_leader;
    if (!pid) pid = leader->pid;
    if (!pgid) pgid = pid;
    if (pgid < 0) return (int)sc_finish(cur, SYS_GENERIC, -EINVAL);
    struct task *p = find_task_by_pid(w, pid);
    if (!p) return (int)sc_finish(cur, SYS_GENERIC, -ESRCH);
    if ((err = setpgid_target_ok(leader, p)) < 0) return (int)sc_finish(cur, SYS_GENERIC, err);
    if (pgid != pid) {
        struct task *g = pgid <= w->pid_max ? w->pgrp_head[pgid] : NULL;
        if (!g || g->signal->session != leader->signal->session)
            return (int)sc_finish(cur, SYS_GENERIC, -EPERM);
    }
    change_pgrp(p, pgid);
    return (int)sc_finish(cur, SYS_GENERIC, 0);
}

/* sys_getpgid (not a syscall of a thread here: no self; 0 is not a valid pid) */
int tgs_getpgid(tgs_world *w, tgs_pid pid)
{
    struct task *p = find_task_by_pid(w, pid);
    return p && p->signal ? p->signal->pgrp : -ESRCH;
}

/* prctl(PR_SET_PDEATHSIG): per thread. */
int tgs_prctl_set_pdeathsig(tgs_world *w, tgs_pid self, int sig)
{
    int err;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    if (sig < 0 || sig > K_NSIG) return (int)sc_finish(cur, SYS_GENERIC, -EINVAL);
    cur->pdeath_signal = sig;
    return (int)sc_finish(cur, SYS_GENERIC, 0);
}

/* propagate_has_child_subreaper over walk_process_tree */
static void propagate_subreaper(struct task *p)
{
    for_each_thread(p->signal, t)
        for (struct task *c = t->children; c; c = c->sibling_next) {
            struct signal_struct *s = c->signal;
            if (s->has_child_subreaper || (s->pid_ns->child_reaper == c)) continue;
            s->has_child_subreaper = 1;
            propagate_subreaper(c);
        }
}

/* prctl(PR_SET_CHILD_SUBREAPER) */
int tgs_prctl_set_child_subreaper(tgs_world *w, tgs_pid self, int on)
{
    int err;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    cur->signal->is_child_subreaper = !!on;
    if (on) propagate_subreaper(cur->group_leader);
    return (int)sc_finish(cur, SYS_GENERIC, 0);
}
