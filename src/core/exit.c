/* exit.c - thread and process exit, group exit, reparenting, exit notification. */
#include "procpath.h"

static void emit_exit(struct task *t, int code)
{
    struct signal_struct *sig = t->signal;
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_EXIT;
    e.tid = t->pid;
    e.value = code;
    if (sig->flags & SIGNAL_GROUP_EXIT) {
        e.cause_tid = sig->group_exit_cause_tid;
        e.cause_sig = sig->group_exit_cause_sig;
    }
    trace_event(t->world, &e);
}

static void emit_group_exit(struct task *t, int code, tgs_pid cause_tid, int cause_sig)
{
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_GROUP_EXIT;
    e.tid = t->pid;
    e.target = task_tgid(t);
    e.sig = code & 0x7f ? code & 0x7f : 0;
    e.value = code;
    e.cause_tid = cause_tid;
    e.cause_sig = cause_sig;
    trace_event(t->world, &e);
}

/* zap_other_threads: SIGKILL bit and a fatal wake for every other live thread. */
int zap_other_threads(struct task *p)
{
    int count = 0;
    p->signal->group_stop_count = 0;
    for_each_thread(p->signal, t) {
        if (t == p) continue;
        task_clear_jobctl_pending(t, JOBCTL_PENDING_MASK);
        count++;
        if (t->exit_state) continue;
        sigpending_add_kill(t);
        signal_wake_up(t, true);
    }
    return count;
}

/* do_group_exit: the first caller sets GROUP_EXIT with its code and zaps the others. */
void do_group_exit(struct task *t, int exit_code)
{
    struct signal_struct *sig = t->signal;
    if (sig->flags & SIGNAL_GROUP_EXIT)
        exit_code = sig->group_exit_code;
    else if (sig->group_exec_task)
        exit_code = 0;
    else {
        sig->group_exit_code = exit_code;
        sig->flags = SIGNAL_GROUP_EXIT;
        if (!(exit_code & 0x7f)) {                  /* exit_group(): the caller is the cause */
            sig->group_exit_cause_tid = t->pid;
            sig->group_exit_cause_sig = 0;
        }
        emit_group_exit(t, exit_code, sig->group_exit_cause_tid, sig->group_exit_cause_sig);
        zap_other_threads(t);
    }
    do_exit(t, exit_code);
}

/* synchronize_group_exit (6.0+): the last thread to exit sets GROUP_EXIT with its code. */
static void synchronize_group_exit(struct task *t, int code)
{
    struct signal_struct *sig = t->signal;
    sig->quick_threads--;
    if (sig->quick_threads == 0 && !(sig->flags & SIGNAL_GROUP_EXIT)) {
        sig->flags = SIGNAL_GROUP_EXIT;
        sig->group_exit_code = code;
        sig->group_stop_count = 0;
        sig->group_exit_cause_tid = t->pid;
        sig->group_exit_cause_sig = code & 0x7f;
        if (!thread_group_empty(t)) emit_group_exit(t, code, t->pid, code & 0x7f);
    }
}

/* exit_signals: PF_EXITING, hand unblocked shared signals to others, join a pending stop. */
static void exit_signals(struct task *t)
{
    struct signal_struct *sig = t->signal;
    bool notify = false;
    if (thread_group_empty(t) || (sig->flags & SIGNAL_GROUP_EXIT)) {
        t->flags |= PF_EXITING;
        return;
    }
    t->flags |= PF_EXITING;
    if (!t->sigpending) return;
    retarget_shared_pending(t, ~t->blocked);
    if ((t->jobctl & JOBCTL_STOP_PENDING) && task_participate_group_stop(t)) notify = true;
    if (notify) do_notify_parent_cldstop(t, TGS_CLD_STOPPED);
}

/* The reaper of the nearest enclosing namespace still alive (a dead namespace's orphans). */
static struct task *outer_reaper(struct tgs_world *w, struct pid_namespace *ns)
{
    for (struct pid_namespace *n = ns->parent; n; n = n->parent)
        if (n->child_reaper) return n->child_reaper;
    return w->init;
}

/* zap_pid_ns_processes: SIGKILL to every process of the namespace (and of those nested in it);
 * no more forks there. A rare, whole-namespace event: it scans the pid table. */
static void zap_pid_ns_processes(struct task *father, struct pid_namespace *ns)
{
    struct tgs_world *w = father->world;
    ns->child_reaper = NULL;
    for (tgs_pid pid = 1; pid <= w->pid_max; pid++) {
        struct task *p = w->pid_table[pid];
        if (!p || !thread_group_leader(p) || same_thread_group(p, father)) continue;
        for (struct pid_namespace *n = p->signal->pid_ns; n; n = n->parent)
            if (n == ns) { do_send_sig_info(SIGKILL, SEND_SIG_PRIV, p, PIDTYPE_MAX, NULL); break; }
    }
}

/* find_child_reaper: the namespace's reaper; an exiting reaper hands over to a live thread;
 * a dead namespace init kills its namespace; its orphans go to the enclosing reaper. */
struct task *find_child_reaper(struct task *father)
{
    struct pid_namespace *ns = father->signal->pid_ns;
    struct task *reaper = ns->child_reaper;
    if (!reaper) return outer_reaper(father->world, ns);
    if (reaper != father) return reaper;
    if ((reaper = find_alive_thread(father))) {
        ns->child_reaper = reaper;
        return reaper;
    }
    if (!ns->parent) return father;              /* the global init: the kernel panics */
    zap_pid_ns_processes(father, ns);
    return outer_reaper(father->world, ns);
}

/* find_new_reaper: a live thread of the group, else the nearest subreaper, else init. */
static struct task *find_new_reaper(struct task *father, struct task *child_reaper)
{
    struct task *thread = find_alive_thread(father);
    if (thread) return thread;
    if (father->signal->has_child_subreaper) {
        int level = father->signal->pid_ns->level;
        for (struct task *r = father->real_parent; r && r->signal &&
             r->signal->pid_ns->level == level; r = r->real_parent) {
            if (!r->signal->is_child_subreaper) continue;
            if ((thread = find_alive_thread(r))) return thread;
        }
    }
    return child_reaper;
}

/* reparent_leader: a child process moved to another process. */
static void reparent_leader(struct task *father, struct task *p, struct task **dead)
{
    if (p->exit_state == EXIT_DEAD) return;
    p->exit_signal = SIGCHLD;
    if (p->exit_state == EXIT_ZOMBIE && thread_group_empty(p)) {
        if (do_notify_parent(p, p->exit_signal)) {
            p->exit_state = EXIT_DEAD;
            p->free_next = *dead;
            *dead = p;
        }
    }
    kill_orphaned_pgrp(p, father);
}

/* pdeath_signal of every thread of a moved child (even on a thread-to-thread move). The child
 * (a group leader) normally heads its thread list (no thread_prev): the walk then starts at p
 * without reading p->signal, one cache miss less per child. */
static void reparent_threads(struct task *father, struct task *p, struct task *reaper)
{
    struct task *first = p->thread_prev ? p->signal->thread_head : p;
    for (struct task *t = first; t; t = t->thread_next) {
        t->real_parent = reaper;
        t->parent = reaper;
        if (t->pdeath_signal &&
            check_kill_permission(t->pdeath_signal, SEND_SIG_NOINFO, t, father) == 0)
            do_send_sig_info(t->pdeath_signal, SEND_SIG_NOINFO, t, PIDTYPE_TGID, father);
    }
}

/* forget_original_parent: O(1) work per child, no scan of other tasks. */
static void forget_original_parent(struct task *father, struct task **dead)
{
    struct task *reaper = find_child_reaper(father);
    if (!father->children) return;
    reaper = find_new_reaper(father, reaper);
    struct tgs_world *w = father->world;
    struct task *p = father->children, *next;
    father->children = NULL;
    for (; p; p = next) {
        next = p->sibling_next;
        if (next) {                                  /* its links are read next round */
            __builtin_prefetch(next);
            __builtin_prefetch(&next->real_parent, 1);
        }
        w->reparent_steps++;
        reparent_threads(father, p, reaper);
        child_link(reaper, p);
        if (w->ops.trace)                            /* no event to build for nobody */
            ev_emit(w, TGS_EV_REPARENT, father->pid, p->pid, 0, 0, reaper->pid);
        if (!same_thread_group(reaper, father)) reparent_leader(father, p, dead);
    }
}

/* exit_notify: reparent, orphaned-pgrp check, zombie or auto-reap. */
static void exit_notify(struct task *t, bool group_dead)
{
    struct task *dead = NULL;
    bool autoreap;
    forget_original_parent(t, &dead);
    if (group_dead) kill_orphaned_pgrp(t->group_leader, NULL);
    t->exit_state = EXIT_ZOMBIE;
    if (thread_group_leader(t))
        autoreap = thread_group_empty(t) && do_notify_parent(t, t->exit_signal);
    else
        autoreap = true;
    if (autoreap) t->exit_state = EXIT_DEAD;
    if (t->signal->notify_count < 0 && t->signal->group_exec_task)
        wake_up_state(t->signal->group_exec_task, TASK_MASK(TASK_KILLABLE));
    while (dead) {
        struct task *p = dead;
        dead = p->free_next;
        p->free_next = NULL;
        release_task(p);
    }
    if (autoreap) release_task(t);
}

/* do_exit: the task stops running for good; afterwards t may be released (do not use it). */
void do_exit(struct task *t, int code)
{
    struct tgs_world *w = t->world;
    if (t->exit_state || (t->flags & PF_EXITING)) return;
    synchronize_group_exit(t, code);
    if (t->sc.nr == SYS_CLONE && t->sc.asleep) vfork_detach(t);
    complete_vfork_done(t);                          /* exit_mm -> mm_release */
    exit_signals(t);
    seltree_update(t);                               /* PF_EXITING */
    /* Measured on 6.18 (tests/conformance/random/rnd-002): the private queue is gone once the
     * thread exits, a zombie leader's too (SigPnd 0, its SigQ charge released). */
    flush_sigqueue(w, &t->pending, LEDGER_DISCARDED);
    bool group_dead = --t->signal->live == 0;
    t->exit_code = code;
    if (t->sc.deadline_ns && w->ops.arm_timer) w->ops.arm_timer(w->ops.ctx, t->pid, 0);
    t->sc.asleep = 0;
    t->sc.done = 0;
    t->sc.nr = SYS_EXIT;
    t->state = TASK_DEAD;
    t->jobctl &= ~JOBCTL_STOPPED;
    emit_exit(t, code);
    exit_notify(t, group_dead);
}

/* sys_exit: this thread only */
int tgs_exit(tgs_world *w, tgs_pid self, int code)
{
    int err;
    struct task *t = syscall_task(w, self, &err);
    if (!t) return err;
    if (is_global_init(t) && t->signal->live == 1) return -EPERM;  /* the kernel panics */
    do_exit(t, (code & 0xff) << 8);
    return 0;
}

/* sys_exit_group */
int tgs_exit_group(tgs_world *w, tgs_pid self, int code)
{
    int err;
    struct task *t = syscall_task(w, self, &err);
    if (!t) return err;
    if (is_global_init(t)) return -EPERM;       /* the kernel panics ("Attempted to kill init!") */
    if (t->flags & PF_KTHREAD) return -EINVAL;  /* no user mode: kernel threads use tgs_exit */
    do_group_exit(t, (code & 0xff) << 8);
    return 0;
}
