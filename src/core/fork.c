/* fork.c - copy_process: new threads and processes, and the global init. */
#include "procpath.h"

#define CLONE_KNOWN (TGS_CLONE_THREAD | TGS_CLONE_SIGHAND | TGS_CLONE_NEWPID | TGS_CLONE_PARENT | \
                     TGS_CLONE_CLEAR_SIGHAND | TGS_CLONE_VFORK)

/* The flag rules of copy_process (F3), in the kernel's order. THREAD implies SIGHAND and VM,
 * SIGHAND implies VM in this API, so the THREAD-without-SIGHAND and SIGHAND-without-VM rules
 * cannot be expressed. */
static int clone_check_flags(struct task *cur, unsigned flags, int exit_signal)
{
    if (flags & ~CLONE_KNOWN) return -EINVAL;
    if ((flags & TGS_CLONE_CLEAR_SIGHAND) && (flags & (TGS_CLONE_SIGHAND | TGS_CLONE_THREAD)))
        return -EINVAL;
    if ((flags & TGS_CLONE_PARENT) && (cur->signal->flags & SIGNAL_UNKILLABLE)) return -EINVAL;
    /* kernel threads make no clone syscalls (kthreadd forks them: tgs_kthread_create) */
    if (cur->flags & PF_KTHREAD) return -EINVAL;
    /* kthreadd's parent is the idle task, which the model does not have */
    if ((flags & TGS_CLONE_PARENT) && !(flags & TGS_CLONE_THREAD) && !cur->group_leader->real_parent) return -EINVAL;
    if ((flags & TGS_CLONE_THREAD) && (flags & TGS_CLONE_NEWPID)) return -EINVAL;
    if (!(flags & TGS_CLONE_THREAD) && (exit_signal < 0 || exit_signal > K_NSIG)) return -EINVAL;
    return 0;
}

/* copy_sighand */
static int copy_sighand(struct task *cur, struct task *p, unsigned flags)
{
    if (flags & (TGS_CLONE_SIGHAND | TGS_CLONE_THREAD)) {
        cur->sighand->count++;
        p->sighand = cur->sighand;
        return 0;
    }
    p->sighand = sighand_alloc(cur->world);
    if (!p->sighand) return -ENOMEM;
    memcpy(p->sighand->action, cur->sighand->action, sizeof p->sighand->action);
    return 0;
}

/* copy_signal: a new signal_struct for a new process. */
static int copy_signal(struct task *cur, struct task *p, unsigned flags)
{
    struct tgs_world *w = cur->world;
    struct signal_struct *sig = signal_alloc(w), *old = cur->signal;
    if (!sig) return -ENOMEM;
    if (flags & TGS_CLONE_NEWPID) {
        struct pid_namespace *ns = kalloc(w, sizeof *ns);
        if (!ns) { kfree(w, sig, sizeof *sig); return -ENOMEM; }
        ns->level = old->pid_ns->level + 1;
        ns->parent = old->pid_ns;
        ns->child_reaper = p;
        ns->refs = 1;
        old->pid_ns->refs++;
        sig->pid_ns = ns;
        sig->flags |= SIGNAL_UNKILLABLE;
    } else {
        sig->pid_ns = old->pid_ns;
        sig->pid_ns->refs++;
    }
    sig->rlim_sigpending = old->rlim_sigpending;
    sig->pgrp = old->pgrp;
    sig->session = old->session;
    sig->uid = old->uid; sig->euid = old->euid; sig->suid = old->suid;
    sig->cap_kill = old->cap_kill;
    sig->has_child_subreaper = old->has_child_subreaper || old->is_child_subreaper;
    sig->curr_target = p;
    sig->live = 1;
    sig->quick_threads = 1;
    p->signal = sig;
    return 0;
}

/* dup_task_struct's signal-related copies. */
static void copy_task_fields(struct task *cur, struct task *p, unsigned flags)
{
    p->blocked = cur->blocked;
    p->flags = cur->flags & PF_KTHREAD;
    p->self_exec_id = cur->self_exec_id;
    p->sas_ss_sp = cur->sas_ss_sp;
    p->sas_ss_size = cur->sas_ss_size;
    p->sas_ss_flags = cur->sas_ss_flags;
    if ((flags & (TGS_CLONE_SIGHAND | TGS_CLONE_THREAD)) && !(flags & TGS_CLONE_VFORK)) {
        p->sas_ss_sp = p->sas_ss_size = 0;      /* sas_ss_reset: CLONE_VM without CLONE_VFORK */
        p->sas_ss_flags = TGS_SS_DISABLE;
    }
    if (!(flags & (TGS_CLONE_THREAD | TGS_CLONE_SIGHAND))) {
        p->sp = cur->sp;                         /* same memory image: same stack and frames */
        p->saved_sigmask = cur->saved_sigmask;
    }
}

/* The new task joins the tree: thread list, children list, pgrp, counters. */
static void link_new_task(struct task *cur, struct task *p, unsigned flags, int exit_signal)
{
    struct tgs_world *w = cur->world;
    if (flags & (TGS_CLONE_PARENT | TGS_CLONE_THREAD)) {
        p->real_parent = cur->real_parent;
        p->parent_exec_id = cur->parent_exec_id;
        p->exit_signal = (flags & TGS_CLONE_THREAD) ? -1 : cur->group_leader->exit_signal;
    } else {
        p->real_parent = cur;
        p->parent_exec_id = cur->self_exec_id;
        p->exit_signal = exit_signal;
    }
    p->parent = p->real_parent;
    if (flags & TGS_CLONE_THREAD) {
        struct signal_struct *sig = cur->signal;
        p->group_leader = cur->group_leader;
        sig->nr_threads++;
        sig->quick_threads++;
        sig->live++;
        task_join_group_stop(cur, p);
        thread_link(sig, p);
        return;
    }
    p->group_leader = p;
    p->signal->nr_threads = 1;
    thread_link(p->signal, p);
    if (p->real_parent) child_link(p->real_parent, p);
    pgrp_link(w, p);
}

/* copy_process (the part that matters for signals). */
struct task *copy_process(struct task *cur, unsigned flags, int exit_signal, int *err)
{
    struct tgs_world *w = cur->world;
    if (cur->signal->pid_ns->child_reaper == NULL) { *err = -ENOMEM; return NULL; }
    struct task *p = task_alloc(w);
    if (!p) { *err = w->nr_tasks >= w->pid_max ? -EAGAIN : -ENOMEM; return NULL; }
    if (!(flags & (TGS_CLONE_THREAD | TGS_CLONE_SIGHAND)) && (*err = copy_sigframes(p, cur)) < 0)
        goto bad_sighand;                        /* the frames of the copied memory image */
    if ((*err = copy_sighand(cur, p, flags)) < 0) goto bad_sighand;
    if (flags & TGS_CLONE_CLEAR_SIGHAND) flush_signal_handlers(p, 0);
    if ((flags & TGS_CLONE_THREAD) && (*err = seltree_reserve(cur->signal)) < 0) goto bad_signal;
    if (flags & TGS_CLONE_THREAD) p->signal = cur->signal;
    else if ((*err = copy_signal(cur, p, flags)) < 0) goto bad_signal;
    copy_task_fields(cur, p, flags);
    link_new_task(cur, p, flags, exit_signal);
    return p;
bad_signal:
    sighand_put(w, p->sighand);
bad_sighand:
    pid_free(w, p->pid);
    w->nr_tasks--;
    task_free(w, p);
    return NULL;
}

/* wake_up_new_task */
static void wake_up_new_task(struct task *p)
{
    struct tgs_world *w = p->world;
    p->state = TASK_RUNNING;
    if (w->ops.wake) w->ops.wake(w->ops.ctx, p->pid);
}

/* complete_vfork_done: the vfork child execs or exits; its parent goes on. */
void complete_vfork_done(struct task *child)
{
    struct task *parent = child->vfork_parent;
    if (!parent) return;
    child->vfork_parent = NULL;
    parent->sc.completed = 1;
    wake_up_state(parent, TASK_MASK(TASK_KILLABLE));
}

/* wait_for_vfork_done: killable; a fatal signal detaches the child. Returns the child's pid. */
static long vfork_resume(struct task *cur)
{
    if (cur->sc.completed) return cur->sc.id;
    if (!fatal_signal_pending(cur)) { cur->state = TASK_KILLABLE; return TGS_ASLEEP; }
    vfork_detach(cur);
    return cur->sc.id;
}

/* wait_for_vfork_done's killed path: the child no longer completes anything */
void vfork_detach(struct task *cur)
{
    struct task *child = find_task_by_pid(cur->world, cur->sc.id);
    if (child && child->vfork_parent == cur) child->vfork_parent = NULL;
    cur->sc.completed = 1;
}

/* copy_process's first signal check: a pending signal restarts the fork (ERESTARTNOINTR);
 * otherwise a process fork registers on signal->multiprocess (the fork window opens). */
static long fork_window_open(struct task *cur, unsigned flags)
{
    recalc_sigpending(cur);
    if (cur->sigpending) return -TGS_ERESTARTNOINTR;
    cur->fork_delayed = 0;
    if (flags & TGS_CLONE_THREAD) { cur->in_fork = 2; return 0; }
    cur->in_fork = 1;
    cur->multiprocess_next = cur->signal->multiprocess;
    cur->signal->multiprocess = cur;
    return 0;
}

/* hlist_del_init(&delayed.node): the window closes; returns the signals it collected */
static tgs_sigset fork_window_close(struct task *cur)
{
    if (cur->in_fork == 1) {
        struct task **pp = &cur->signal->multiprocess;
        while (*pp && *pp != cur) pp = &(*pp)->multiprocess_next;
        if (*pp) *pp = cur->multiprocess_next;
    }
    cur->in_fork = 0;
    cur->multiprocess_next = NULL;
    tgs_sigset d = cur->fork_delayed;
    cur->fork_delayed = 0;
    return d;
}

/* The child of a process fork starts with the signals delayed during the window, bits only
 * (no siginfo, like the kernel's shared_pending.signal = delayed.signal): not ledger instances. */
static void fork_deliver_delayed(struct task *p, tgs_sigset delayed)
{
    if (!delayed) return;
    p->signal->shared_pending.signal |= delayed;
    p->signal->shared_pending.uncounted |= delayed;
    recalc_sigpending(p);
}

/* The rest of copy_process after the window: a fatal signal aborts (-EINTR), else the child
 * is created, woken, and a vfork parent goes to sleep. */
static long fork_window_finish(struct task *cur)
{
    unsigned flags = (unsigned)cur->sc.options;
    int err, exit_signal = cur->sc.idtype;
    tgs_pid *child = (tgs_pid *)cur->sc.status;
    tgs_sigset delayed = fork_window_close(cur);
    struct task *p;
    if (fatal_signal_pending(cur)) return -EINTR;
    if (!(p = copy_process(cur, flags, exit_signal, &err))) return err;
    if (!(flags & TGS_CLONE_THREAD)) fork_deliver_delayed(p, delayed);
    if (child) *child = p->pid;
    ev_emit(cur->world, TGS_EV_FORK, cur->pid, p->pid, 0, 0, (flags & TGS_CLONE_THREAD) ? 1 : 0);
    wake_up_new_task(p);
    if (!(flags & TGS_CLONE_VFORK)) return p->pid;
    p->vfork_parent = cur;
    cur->sc.id = p->pid;
    cur->sc.completed = 0;
    cur->sc.resume = vfork_resume;
    cur->sc.asleep = 1;
    cur->state = TASK_KILLABLE;
    return TGS_ASLEEP;
}

/* kernel_clone after the flag checks, with nothing happening inside the window (also the
 * re-entry after an ERESTARTNOINTR restart). */
static long do_clone(struct task *cur)
{
    long r = fork_window_open(cur, (unsigned)cur->sc.options);
    return r < 0 ? r : fork_window_finish(cur);
}

/* kernel_clone's flag checks (EINVAL) and the syscall bookkeeping shared by the entry points */
static struct task *clone_enter(tgs_world *w, tgs_pid self, unsigned *flags, int exit_signal, int *err)
{
    struct task *cur = syscall_task(w, self, err);
    if (!cur) return NULL;
    if (*flags & TGS_CLONE_THREAD) *flags |= TGS_CLONE_SIGHAND;
    if ((*err = clone_check_flags(cur, *flags, exit_signal)) < 0) {
        sc_finish(cur, SYS_CLONE, *err);
        return NULL;
    }
    sc_finish(cur, SYS_CLONE, 0);
    cur->sc.options = (int)*flags;
    cur->sc.idtype = exit_signal;
    cur->sc.reenter = do_clone;
    return cur;
}

static int clone_result(struct task *cur, long r)
{
    cur->sc.ret = r;
    if (r == TGS_ASLEEP) cur->sc.done = 0;
    return (int)r;
}

/* kernel_clone: flag checks (EINVAL), then do_clone; a restart re-enters do_clone. */
int tgs_clone(tgs_world *w, tgs_pid self, unsigned flags, int exit_signal, tgs_pid *child)
{
    int err;
    struct task *cur = clone_enter(w, self, &flags, exit_signal, &err);
    if (!cur) return err;
    cur->sc.status = (int *)child;
    return clone_result(cur, do_clone(cur));
}

/* The fork window split in two, so a host can send signals while copy_process runs. */
int tgs_clone_begin(tgs_world *w, tgs_pid self, unsigned flags, int exit_signal)
{
    int err;
    struct task *cur = clone_enter(w, self, &flags, exit_signal, &err);
    if (!cur) return err;
    cur->sc.status = NULL;
    long r = fork_window_open(cur, flags);
    if (r < 0) return clone_result(cur, r);
    cur->sc.done = 0;
    return 0;
}

int tgs_clone_finish(tgs_world *w, tgs_pid self, tgs_pid *child)
{
    struct task *cur = find_task_by_pid(w, self);
    if (!cur || !cur->in_fork) return -EINVAL;
    cur->sc.status = (int *)child;
    cur->sc.done = 1;
    return clone_result(cur, fork_window_finish(cur));
}

/* sys_fork */
int tgs_fork(tgs_world *w, tgs_pid self, tgs_pid *child)
{
    return tgs_clone(w, self, 0, SIGCHLD, child);
}

/* The global init (pid 1): root namespace reaper, SIGNAL_UNKILLABLE, SIG_DFL everywhere. */
struct task *create_init(struct tgs_world *w)
{
    struct task *p = task_alloc(w);
    if (!p) return NULL;
    p->sighand = sighand_alloc(w);
    p->signal = signal_alloc(w);
    if (!p->sighand || !p->signal) return NULL;   /* tgs_world_free cleans up */
    struct signal_struct *sig = p->signal;
    sig->flags = SIGNAL_UNKILLABLE;
    sig->pid_ns = &w->root_ns;
    w->root_ns.refs++;
    w->root_ns.child_reaper = p;
    sig->rlim_sigpending = w->cfg.rlimit_sigpending;
    sig->pgrp = sig->session = p->pid;
    sig->curr_target = p;
    sig->nr_threads = sig->live = sig->quick_threads = 1;
    p->group_leader = p;
    p->exit_signal = SIGCHLD;
    p->sas_ss_flags = TGS_SS_DISABLE;
    thread_link(sig, p);
    pgrp_link(w, p);
    w->init = p;
    return p;
}
