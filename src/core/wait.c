/* wait.c - wait4/waitid and the SIGCHLD notifications (§11). */
#include "procpath.h"

#define WAIT4_OPTS (TGS_WNOHANG | TGS_WUNTRACED | TGS_WCONTINUED | TGS_WNOTHREAD | TGS_WCLONE | TGS_WALL)
#define WAITID_OPTS (TGS_WNOHANG | TGS_WNOWAIT | TGS_WEXITED | TGS_WSTOPPED | TGS_WCONTINUED | \
                     TGS_WNOTHREAD | TGS_WCLONE | TGS_WALL)

/* wake_up_state / try_to_wake_up: t sleeps in one of the states of `mask`. */
bool wake_up_state(struct task *t, unsigned mask)
{
    struct tgs_world *w = t->world;
    if (!(mask & TASK_MASK(t->state))) return false;
    t->state = TASK_RUNNING;
    ev_emit(w, TGS_EV_WAKE, t->pid, t->pid, 0, 0, 0);
    if (w->ops.wake) w->ops.wake(w->ops.ctx, t->pid);
    return true;
}

/* eligible_pid: the wait's pid selector matches child process p. */
static bool eligible_pid(int type, tgs_pid id, const struct task *p)
{
    if (type == PIDTYPE_PID) return p->pid == id;
    if (type == PIDTYPE_PGID) return p->signal->pgrp == id;
    return true;
}

/* __wake_up_parent with child_wait_callback: wakes the parent's group waiters that p satisfies. */
void wake_up_parent(struct task *p, struct task *parent)
{
    if (!parent || !parent->signal) return;
    for_each_thread(parent->signal, t) {
        if (!t->sc.asleep || (t->sc.nr != SYS_WAIT4 && t->sc.nr != SYS_WAITID)) continue;
        if (!eligible_pid(t->sc.idtype, t->sc.id, p)) continue;
        if ((t->sc.options & TGS_WNOTHREAD) && t != p->parent) continue;
        wake_up_state(t, TASK_MASK(TASK_INTERRUPTIBLE));
    }
}

static void notify_event(struct task *tsk, struct task *parent, int sig, int code, int status)
{
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = TGS_EV_NOTIFY_PARENT;
    e.tid = tsk->pid;
    e.target = parent ? parent->pid : 0;
    e.sig = sig;
    e.code = code;
    e.value = status;
    trace_event(tsk->world, &e);
}

/* do_notify_parent: a dead leader (group empty) tells its parent. true = auto-reap. */
bool do_notify_parent(struct task *tsk, int sig)
{
    struct task *parent = tsk->parent;
    bool autoreap = false;
    if (!parent || !parent->sighand) return false;  /* global init / kthreadd: stays a zombie */
    if (sig != SIGCHLD && tsk->parent_exec_id != parent->self_exec_id) sig = SIGCHLD;
    int code = (tsk->signal->flags & SIGNAL_GROUP_EXIT) ? tsk->signal->group_exit_code : tsk->exit_code;
    tgs_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_pid = task_tgid(tsk);
    info.si_uid = tsk->signal->uid;
    info.si_status = code & 0x7f;
    if (code & 0x80) info.si_code = TGS_CLD_DUMPED;
    else if (code & 0x7f) info.si_code = TGS_CLD_KILLED;
    else { info.si_code = TGS_CLD_EXITED; info.si_status = (code >> 8) & 0xff; }
    const struct k_sigaction *ka = &parent->sighand->action[SIGCHLD - 1];
    if (sig == SIGCHLD && (ka->handler == TGS_SIG_IGN || (ka->flags & TGS_SA_NOCLDWAIT))) {
        autoreap = true;
        if (ka->handler == TGS_SIG_IGN) sig = 0;
    }
    notify_event(tsk, parent, sig > 0 ? sig : 0, info.si_code, info.si_status);
    if (sig > 0 && valid_signal(sig))
        send_signal_locked(sig, &info, parent, PIDTYPE_TGID, tsk);
    wake_up_parent(tsk, parent);
    return autoreap;
}

/* do_notify_parent_cldstop: the leader's real parent learns of a stop or a continue. */
void do_notify_parent_cldstop(struct task *tsk, int why)
{
    tsk = tsk->group_leader;
    struct task *parent = tsk->real_parent;
    if (!parent || !parent->sighand) return;
    tgs_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGCHLD;
    info.si_code = why;
    info.si_pid = task_tgid(tsk);
    info.si_uid = tsk->signal->uid;
    info.si_status = why == TGS_CLD_CONTINUED ? SIGCONT : (tsk->signal->group_exit_code & 0x7f);
    const struct k_sigaction *ka = &parent->sighand->action[SIGCHLD - 1];
    bool send = ka->handler != TGS_SIG_IGN && !(ka->flags & TGS_SA_NOCLDSTOP);
    notify_event(tsk, parent, send ? SIGCHLD : 0, why, info.si_status);
    if (send) send_signal_locked(SIGCHLD, &info, parent, PIDTYPE_TGID, tsk);
    wake_up_parent(tsk, parent);
}

/* What a wait found. */
struct wait_res { tgs_pid pid; int stat; int cause, status; uint32_t uid; };

static void res_exit(struct wait_res *r, struct task *p, int status)
{
    r->pid = p->pid;
    r->uid = p->signal->uid;
    r->stat = status;
    if ((status & 0x7f) == 0) { r->cause = TGS_CLD_EXITED; r->status = (status >> 8) & 0xff; }
    else { r->cause = (status & 0x80) ? TGS_CLD_DUMPED : TGS_CLD_KILLED; r->status = status & 0x7f; }
}

/* wait_task_zombie */
static int wait_task_zombie(int flags, struct task *p, struct wait_res *r)
{
    if (!(flags & TGS_WEXITED)) return 0;
    struct signal_struct *sig = p->signal;
    int status = (sig->flags & SIGNAL_GROUP_EXIT) ? sig->group_exit_code : p->exit_code;
    res_exit(r, p, status);
    if (!(flags & TGS_WNOWAIT)) {
        p->exit_state = EXIT_DEAD;
        release_task(p);
    }
    return 1;
}

/* wait_task_stopped: reported once (the consuming wait zeroes group_exit_code). */
static int wait_task_stopped(int flags, struct task *p, struct wait_res *r)
{
    struct signal_struct *sig = p->signal;
    if (!(flags & TGS_WUNTRACED) || !(sig->flags & SIGNAL_STOP_STOPPED)) return 0;
    int code = sig->group_exit_code;
    if (!code) return 0;
    if (!(flags & TGS_WNOWAIT)) sig->group_exit_code = 0;
    r->pid = p->pid;
    r->uid = sig->uid;
    r->cause = TGS_CLD_STOPPED;
    r->status = code;
    r->stat = (code << 8) | 0x7f;
    return 1;
}

/* wait_task_continued: reported once (clears SIGNAL_STOP_CONTINUED). */
static int wait_task_continued(int flags, struct task *p, struct wait_res *r)
{
    struct signal_struct *sig = p->signal;
    if (!(flags & TGS_WCONTINUED) || !(sig->flags & SIGNAL_STOP_CONTINUED)) return 0;
    if (!(flags & TGS_WNOWAIT)) sig->flags &= ~SIGNAL_STOP_CONTINUED;
    r->pid = p->pid;
    r->uid = sig->uid;
    r->cause = TGS_CLD_CONTINUED;
    r->status = SIGCONT;
    r->stat = 0xffff;
    return 1;
}

/* wait_consider_task (no ptrace): *notask becomes 0 when p counts as a waitable child. */
static int wait_consider_task(struct task *w_, struct task *p, int *notask, struct wait_res *r)
{
    int flags = w_->sc.options;
    if (p->exit_state == EXIT_DEAD) return 0;
    if (!eligible_pid(w_->sc.idtype, w_->sc.id, p)) return 0;
    if (!(flags & TGS_WALL) && ((p->exit_signal != SIGCHLD) ^ !!(flags & TGS_WCLONE))) return 0;
    if (p->exit_state == EXIT_ZOMBIE && thread_group_empty(p))
        return wait_task_zombie(flags, p, r);
    *notask = 0;
    if (wait_task_stopped(flags, p, r)) return 1;
    return wait_task_continued(flags, p, r);
}

/* do_wait's scan: the caller's children, then every other thread's (unless __WNOTHREAD).
 * Returns 1 found, 0 nothing ready, -ECHILD. */
static int wait_scan(struct task *cur, struct wait_res *r)
{
    int notask = -ECHILD, type = cur->sc.idtype;
    tgs_pid id = cur->sc.id;
    struct tgs_world *w = cur->world;
    if (type == PIDTYPE_PID && !find_task_by_pid(w, id)) return -ECHILD;
    if (type == PIDTYPE_PGID && (id <= 0 || id > w->pid_max || !w->pgrp_head[id])) return -ECHILD;
    struct task *t = cur;
    do {
        for (struct task *p = t->children; p; p = p->sibling_next)
            if (wait_consider_task(cur, p, &notask, r)) return 1;
        if (cur->sc.options & TGS_WNOTHREAD) break;
        t = next_thread(t);
    } while (t != cur);
    return notask;
}

/* Copies a result out to the caller (wait4: status; waitid: siginfo) and gives the return. */
static long wait_report(struct task *cur, int found, const struct wait_res *r)
{
    if (cur->sc.nr == SYS_WAIT4) {
        if (found && cur->sc.status) *cur->sc.status = r->stat;
        return found ? r->pid : 0;
    }
    if (cur->sc.info) {
        memset(cur->sc.info, 0, sizeof *cur->sc.info);
        if (found) {
            cur->sc.info->si_signo = SIGCHLD;
            cur->sc.info->si_code = r->cause;
            cur->sc.info->si_pid = r->pid;
            cur->sc.info->si_uid = r->uid;
            cur->sc.info->si_status = r->status;
        }
    }
    return 0;
}

/* do_wait: one pass; TGS_ASLEEP when the caller must sleep. */
static long do_wait_once(struct task *cur)
{
    struct wait_res r;
    memset(&r, 0, sizeof r);
    int found = wait_scan(cur, &r);
    if (found < 0) return found;
    if (found || (cur->sc.options & TGS_WNOHANG)) return wait_report(cur, found, &r);
    if (cur->sigpending) return -TGS_ERESTARTSYS;
    return TGS_ASLEEP;
}

/* The sleeping wait re-checks after a wake (or restarts after a handler). */
static long wait_resume(struct task *t)
{
    long r = do_wait_once(t);
    if (r == TGS_ASLEEP) t->state = TASK_INTERRUPTIBLE;
    return r;
}

static int wait_start(struct task *cur, int nr, int type, tgs_pid id, int flags, int *status,
                      tgs_siginfo *info)
{
    memset(&cur->sc, 0, sizeof cur->sc);
    cur->sc.nr = nr;
    cur->sc.idtype = type;
    cur->sc.id = id;
    cur->sc.options = flags;
    cur->sc.status = status;
    cur->sc.info = info;
    long r = do_wait_once(cur);
    if (r == TGS_ASLEEP) return sc_sleep(cur, TASK_INTERRUPTIBLE, wait_resume);
    cur->sc.resume = wait_resume;
    cur->sc.ret = r;
    cur->sc.done = 1;
    return (int)r;
}

/* kernel_wait4 */
int tgs_wait4(tgs_world *w, tgs_pid self, tgs_pid pid, int *status, int options)
{
    int err, type;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    if ((unsigned)options & ~(unsigned)WAIT4_OPTS) return (int)sc_finish(cur, SYS_WAIT4, -EINVAL);
    if (pid == INT32_MIN) return (int)sc_finish(cur, SYS_WAIT4, -ESRCH);
    if (pid == -1) type = PIDTYPE_MAX;
    else if (pid < 0) { type = PIDTYPE_PGID; pid = -pid; }
    else if (pid == 0) { type = PIDTYPE_PGID; pid = cur->signal->pgrp; }
    else type = PIDTYPE_PID;
    return wait_start(cur, SYS_WAIT4, type, pid, options | TGS_WEXITED, status, NULL);
}

/* kernel_waitid_prepare + do_wait */
int tgs_waitid(tgs_world *w, tgs_pid self, int idtype, tgs_pid id, tgs_siginfo *info, int options)
{
    int err, type;
    struct task *cur = syscall_task(w, self, &err);
    if (!cur) return err;
    if ((unsigned)options & ~(unsigned)WAITID_OPTS) return (int)sc_finish(cur, SYS_WAITID, -EINVAL);
    if (!(options & (TGS_WEXITED | TGS_WSTOPPED | TGS_WCONTINUED)))
        return (int)sc_finish(cur, SYS_WAITID, -EINVAL);
    switch (idtype) {
    case TGS_P_ALL: type = PIDTYPE_MAX; break;
    case TGS_P_PID:
        if (id <= 0) return (int)sc_finish(cur, SYS_WAITID, -EINVAL);
        type = PIDTYPE_PID; break;
    case TGS_P_PGID:
        if (id < 0) return (int)sc_finish(cur, SYS_WAITID, -EINVAL);
        type = PIDTYPE_PGID;
        if (!id) id = cur->signal->pgrp;
        break;
    default: return (int)sc_finish(cur, SYS_WAITID, -EINVAL);
    }
    return wait_start(cur, SYS_WAITID, type, id, options, NULL, info);
}
