/* actions.c - sigaction, sigprocmask, sigpending, kernel-thread dispositions and masks. */
#include "sigpath.h"

/* do_sigaction */
static int do_sigaction(struct task *t, int sig, const struct tgs_sigaction *act, struct tgs_sigaction *oact)
{
    if (!valid_signal(sig) || (act && sig_kernel_only(sig))) return -EINVAL;
    struct k_sigaction *k = &t->sighand->action[sig - 1];
    if (oact) {
        oact->handler = k->handler;
        oact->flags = k->flags & UAPI_SA_FLAGS;
        oact->mask = k->mask;
    }
    if (!act) return 0;
    k->handler = act->handler;
    k->flags = act->flags & UAPI_SA_FLAGS;
    k->mask = act->mask & ~SIG_KERNEL_ONLY_MASK;
    if (sig_handler_ignored(k->handler, sig)) {
        struct tgs_world *w = t->world;
        flush_sigqueue_mask(w, sigmask(sig), &t->signal->shared_pending, LEDGER_FLUSHED);
        for_each_thread(t->signal, o)
            flush_sigqueue_mask(w, sigmask(sig), &o->pending, LEDGER_FLUSHED);
    }
    return 0;
}

int tgs_sigaction(tgs_world *w, tgs_pid self, int sig, const struct tgs_sigaction *act,
                  struct tgs_sigaction *old, size_t sigsetsize)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (sigsetsize != sizeof(tgs_sigset)) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    struct tgs_sigaction o;
    int r = do_sigaction(t, sig, act, &o);
    if (!r && old) *old = o;
    return (int)sys_done(t, SYS_GENERIC, r);
}

/* sigprocmask (kernel helper): how on the current mask; no KILL/STOP stripping here */
static int sigprocmask_how(struct task *t, int how, tgs_sigset set)
{
    tgs_sigset n;
    switch (how) {
    case TGS_SIG_BLOCK: n = t->blocked | set; break;
    case TGS_SIG_UNBLOCK: n = t->blocked & ~set; break;
    case TGS_SIG_SETMASK: n = set; break;
    default: return -EINVAL;
    }
    __set_task_blocked(t, n);
    return 0;
}

/* rt_sigprocmask */
int tgs_sigprocmask(tgs_world *w, tgs_pid self, int how, const tgs_sigset *set, tgs_sigset *old,
                    size_t sigsetsize)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (sigsetsize != sizeof(tgs_sigset)) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    tgs_sigset o = t->blocked;
    if (set) {
        int r = sigprocmask_how(t, how, *set & ~SIG_KERNEL_ONLY_MASK);
        if (r) return (int)sys_done(t, SYS_GENERIC, r);
    }
    if (old) *old = o;
    return (int)sys_done(t, SYS_GENERIC, 0);
}

/* rt_sigpending: (private | shared) & blocked */
int tgs_sigpending(tgs_world *w, tgs_pid self, tgs_sigset *set, size_t size)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (size > sizeof(tgs_sigset)) return (int)sys_done(t, SYS_GENERIC, -EINVAL);
    if (!set) return (int)sys_done(t, SYS_GENERIC, -EFAULT);
    tgs_sigset p = (t->pending.signal | t->signal->shared_pending.signal) & t->blocked;
    if (size < sizeof(tgs_sigset)) memcpy(set, &p, size);   /* partial copy (low bytes) */
    else *set = p;
    return (int)sys_done(t, SYS_GENERIC, 0);
}

/* kernel sigprocmask(): used by kernel threads, no SIGKILL/SIGSTOP stripping */
int tgs_kernel_sigprocmask(tgs_world *w, tgs_pid tid, int how, tgs_sigset set)
{
    struct task *t = find_task_by_pid(w, tid);
    if (!t || t->exit_state || !t->signal) return -ESRCH;
    if (!(t->flags & PF_KTHREAD)) return -EPERM;     /* user tasks go through rt_sigprocmask */
    return sigprocmask_how(t, how, set);
}

static struct task *kthread_of(struct tgs_world *w, tgs_pid tid, int sig, int *err)
{
    struct task *t = find_task_by_pid(w, tid);
    *err = 0;
    if (!t || t->exit_state || !t->signal) *err = -ESRCH;
    else if (!(t->flags & PF_KTHREAD)) *err = -EPERM;
    else if (!valid_signal(sig)) *err = -EINVAL;
    return *err ? NULL : t;
}

/* kernel_sigaction: a kthread's pseudo-handler; SIG_IGN flushes */
static int kernel_sigaction(struct tgs_world *w, tgs_pid tid, int sig, uint64_t handler)
{
    int err;
    struct task *t = kthread_of(w, tid, sig, &err);
    if (!t) return err;
    t->sighand->action[sig - 1].handler = handler;
    if (handler == TGS_SIG_IGN) {
        flush_sigqueue_mask(w, sigmask(sig), &t->signal->shared_pending, LEDGER_FLUSHED);
        flush_sigqueue_mask(w, sigmask(sig), &t->pending, LEDGER_FLUSHED);
        recalc_sigpending(t);
    }
    return 0;
}

int tgs_allow_signal(tgs_world *w, tgs_pid ktid, int sig)
{
    return kernel_sigaction(w, ktid, sig, TGS_SIG_KTHREAD);
}
int tgs_allow_kernel_signal(tgs_world *w, tgs_pid ktid, int sig)
{
    return kernel_sigaction(w, ktid, sig, TGS_SIG_KTHREAD_KERNEL);
}
int tgs_disallow_signal(tgs_world *w, tgs_pid ktid, int sig)
{
    return kernel_sigaction(w, ktid, sig, TGS_SIG_IGN);
}

/* kernel_dequeue_signal */
int tgs_kernel_dequeue_signal(tgs_world *w, tgs_pid ktid, tgs_siginfo *info)
{
    int err;
    struct task *t = kthread_of(w, ktid, 1, &err);
    if (!t) return err;
    tgs_siginfo i;
    int sig = dequeue_signal(t, t->blocked, &i);
    if (sig && info) *info = i;
    return sig;
}

/* flush_signal_handlers: exec resets caught handlers (flags and mask cleared) */
void flush_signal_handlers(struct task *t, int force_default)
{
    for (int i = 0; i < K_NSIG; i++) {
        struct k_sigaction *ka = &t->sighand->action[i];
        if (force_default || ka->handler != TGS_SIG_IGN) ka->handler = TGS_SIG_DFL;
        ka->flags = 0;
        ka->mask = 0;
    }
}
