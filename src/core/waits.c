/* waits.c - sleeping syscalls: pause, sigsuspend, sigtimedwait, signalfd reads, host-completed
 * blocking calls, nanosleep, and timer expiry. A call whose result is not final at once
 * returns TGS_ASLEEP; the result (or a restart) comes through tgs_run. */
#include "sigpath.h"

static uint64_t now_ns(struct tgs_world *w) { return w->ops.now ? w->ops.now(w->ops.ctx) : 0; }
static void arm(struct task *t, uint64_t deadline)
{
    struct tgs_world *w = t->world;
    if (w->ops.arm_timer) w->ops.arm_timer(w->ops.ctx, t->pid, deadline);
}

/* Starts a blocking syscall: clean state with its number and hooks. */
static void sc_begin(struct task *t, int nr, long (*resume)(struct task *), long (*reenter)(struct task *))
{
    ZERO(&t->sc);
    t->sc.nr = nr;
    t->sc.resume = resume;
    t->sc.reenter = reenter;
}

/* First evaluation: sleep, or a result (final or a restart code, reported through tgs_run). */
static int sc_first(struct task *t, long r)
{
    if (r == TGS_ASLEEP) return sys_sleep(t, t->sc.nr, t->sc.resume, t->sc.reenter);
    t->sc.ret = r;
    t->sc.done = 1;
    return (r < 0 && (is_restart_code(r))) ? TGS_ASLEEP : (int)r;
}

/* ---- pause / sigsuspend ------------------------------------------------------------------- */
/* sys_pause / sigsuspend's wait: until a signal is pending, then ERESTARTNOHAND */
static long pause_resume(struct task *t) { return t->sigpending ? -TGS_ERESTARTNOHAND : TGS_ASLEEP; }

int tgs_pause(tgs_world *w, tgs_pid self)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    sc_begin(t, SYS_PAUSE, pause_resume, NULL);
    return sc_first(t, pause_resume(t));
}

/* sigsuspend: save blocked, install the mask, wait */
static long sigsuspend_enter(struct task *t)
{
    t->saved_sigmask = t->blocked;
    set_current_blocked(t, t->sc.set);
    t->restore_sigmask = 1;
    return pause_resume(t);
}

int tgs_sigsuspend(tgs_world *w, tgs_pid self, tgs_sigset mask, size_t sigsetsize)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (sigsetsize != sizeof(tgs_sigset)) return (int)sys_done(t, SYS_SIGSUSPEND, -EINVAL);
    sc_begin(t, SYS_SIGSUSPEND, pause_resume, sigsuspend_enter);
    t->sc.set = mask;
    return sc_first(t, sigsuspend_enter(t));
}

/* ---- sigtimedwait ------------------------------------------------------------------------- */
/* do_sigtimedwait after the sleep: restore the mask, dequeue again */
static long sigtimedwait_resume(struct task *t)
{
    __set_task_blocked(t, t->real_blocked);
    t->real_blocked = 0;
    if (!t->sc.timed_out && t->sc.deadline_ns) arm(t, 0);
    tgs_siginfo info;
    int sig = dequeue_signal(t, ~t->sc.set, &info);
    if (sig) {
        if (t->sc.info) *t->sc.info = info;
        return sig;
    }
    return t->sc.timed_out ? -EAGAIN : -EINTR;
}

int tgs_sigtimedwait(tgs_world *w, tgs_pid self, tgs_sigset set, tgs_siginfo *info,
                     int64_t timeout_ns, size_t sigsetsize)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (sigsetsize != sizeof(tgs_sigset)) return (int)sys_done(t, SYS_SIGTIMEDWAIT, -EINVAL);
    tgs_sigset which = set & ~SIG_KERNEL_ONLY_MASK;
    tgs_siginfo i;
    int sig = dequeue_signal(t, ~which, &i);
    if (sig) {
        if (info) *info = i;
        return (int)sys_done(t, SYS_SIGTIMEDWAIT, sig);
    }
    if (timeout_ns == 0) return (int)sys_done(t, SYS_SIGTIMEDWAIT, -EAGAIN);
    sc_begin(t, SYS_SIGTIMEDWAIT, sigtimedwait_resume, NULL);
    t->sc.set = which;
    t->sc.info = info;
    t->sc.timeout_ns = timeout_ns;
    t->real_blocked = t->blocked;
    t->blocked &= ~which;
    seltree_update(t);
    recalc_sigpending(t);
    if (t->sigpending) return sc_first(t, sigtimedwait_resume(t));
    if (timeout_ns > 0) {
        t->sc.deadline_ns = now_ns(w) + (uint64_t)timeout_ns;
        arm(t, t->sc.deadline_ns);
    }
    return sys_sleep(t, SYS_SIGTIMEDWAIT, sigtimedwait_resume, NULL);
}

/* ---- signalfd ----------------------------------------------------------------------------- */
int tgs_signalfd(tgs_world *w, tgs_pid self, tgs_sigset mask, int nonblock)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (!t->signalfd_open) t->signal->nr_signalfd++;
    t->signalfd_open = 1;
    t->signalfd_mask = mask & ~SIG_KERNEL_ONLY_MASK;
    t->signalfd_nonblock = nonblock != 0;
    return (int)sys_done(t, SYS_GENERIC, 0);
}

/* signalfd_dequeue's loop: a signal of the mask (own private, then shared), else ERESTARTSYS
 * when another signal is pending, else sleep */
static long signalfd_resume(struct task *t)
{
    tgs_siginfo info;
    int sig = dequeue_signal(t, ~t->signalfd_mask, &info);
    if (sig) {
        if (t->sc.info) *t->sc.info = info;
        return 128;
    }
    return t->sigpending ? -TGS_ERESTARTSYS : TGS_ASLEEP;
}

int tgs_signalfd_read(tgs_world *w, tgs_pid self, tgs_siginfo *info, size_t count)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (!t->signalfd_open) return (int)sys_done(t, SYS_SIGNALFD_READ, -EBADF);
    if (count < 128) return (int)sys_done(t, SYS_SIGNALFD_READ, -EINVAL);
    sc_begin(t, SYS_SIGNALFD_READ, signalfd_resume, NULL);
    t->sc.info = info;
    tgs_siginfo i;
    int sig = dequeue_signal(t, ~t->signalfd_mask, &i);
    if (sig) {
        if (info) *info = i;
        return (int)sys_done(t, SYS_SIGNALFD_READ, 128);
    }
    if (t->signalfd_nonblock) return (int)sys_done(t, SYS_SIGNALFD_READ, -EAGAIN);
    return sc_first(t, signalfd_resume(t));
}

/* ---- host-completed blocking calls -------------------------------------------------------- */
static long block_resume(struct task *t)
{
    if (t->sc.completed) return t->sc.completion;
    return t->sigpending ? -(long)t->sc.restart : TGS_ASLEEP;
}

int tgs_block(tgs_world *w, tgs_pid self, int restart)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    if (restart <= 0) return (int)sys_done(t, SYS_BLOCK, -EINVAL);
    sc_begin(t, SYS_BLOCK, block_resume, block_resume);
    t->sc.restart = restart;
    return sc_first(t, block_resume(t));
}

int tgs_complete(tgs_world *w, tgs_pid tid, long ret)
{
    struct task *t = find_task_by_pid(w, tid);
    if (!t || t->exit_state) return -ESRCH;
    if (t->sc.nr != SYS_BLOCK || t->sc.done || t->sc.completed) return -EINVAL;
    t->sc.completed = 1;
    t->sc.completion = ret;
    wake_up_state(t, TASK_BIT(TASK_INTERRUPTIBLE));
    return 0;
}

/* ---- nanosleep ---------------------------------------------------------------------------- */
/* hrtimer_nanosleep's wait: 0 at the deadline, ERESTART_RESTARTBLOCK on a signal */
static long nanosleep_resume(struct task *t)
{
    if (t->sc.timed_out || now_ns(t->world) >= t->sc.deadline_ns) return 0;
    if (t->sigpending) {
        arm(t, 0);
        return -TGS_ERESTART_RESTARTBLOCK;
    }
    return TGS_ASLEEP;
}

/* restart_syscall -> hrtimer_nanosleep_restart: sleep until the same deadline */
static long nanosleep_restart(struct task *t)
{
    long r = nanosleep_resume(t);
    if (r == TGS_ASLEEP) arm(t, t->sc.deadline_ns);
    return r;
}

int tgs_nanosleep(tgs_world *w, tgs_pid self, uint64_t ns)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    sc_begin(t, SYS_NANOSLEEP, nanosleep_resume, nanosleep_restart);
    t->sc.deadline_ns = now_ns(w) + ns;
    t->sc.timeout_ns = (int64_t)ns;
    return sc_first(t, nanosleep_restart(t));
}

/* hrtimer expiry for a sleeping sigtimedwait / nanosleep */
void tgs_timer_fire(tgs_world *w, tgs_pid tid)
{
    struct task *t = find_task_by_pid(w, tid);
    if (!t || t->exit_state || !t->sc.asleep) return;
    if (t->sc.nr != SYS_SIGTIMEDWAIT && t->sc.nr != SYS_NANOSLEEP) return;
    t->sc.timed_out = 1;
    wake_up_state(t, TASK_BIT(TASK_INTERRUPTIBLE));
}
