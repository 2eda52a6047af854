/* deliver.c - handler frames: stack choice, the mask while the handler runs, syscall restart
 * decisions for the interrupted syscall, sigaltstack, and rt_sigreturn. */
#include "sigpath.h"

/* __on_sig_stack */
static bool in_altstack(const struct task *t, uint64_t sp)
{
    return sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* on_sig_stack: never "on" it with SS_AUTODISARM */
static bool on_sig_stack(const struct task *t, uint64_t sp)
{
    if (t->sas_ss_flags & TGS_SS_AUTODISARM) return false;
    return in_altstack(t, sp);
}

/* sas_ss_flags */
int sas_ss_flags(const struct task *t, uint64_t sp)
{
    if (!t->sas_ss_size) return TGS_SS_DISABLE;
    return on_sig_stack(t, sp) ? TGS_SS_ONSTACK : 0;
}

/* do_sigaltstack */
int do_sigaltstack(struct task *t, const tgs_stack *ss, tgs_stack *oss, uint64_t sp)
{
    if (oss) {
        oss->ss_sp = t->sas_ss_sp;
        oss->ss_size = t->sas_ss_size;
        oss->ss_flags = (unsigned)sas_ss_flags(t, sp) | (t->sas_ss_flags & TGS_SS_AUTODISARM);
    }
    if (!ss) return 0;
    if (on_sig_stack(t, sp)) return -EPERM;
    unsigned mode = ss->ss_flags & ~TGS_SS_AUTODISARM;
    if (mode != TGS_SS_DISABLE && mode != TGS_SS_ONSTACK && mode != 0) return -EINVAL;
    if (t->sas_ss_sp == ss->ss_sp && t->sas_ss_size == ss->ss_size && t->sas_ss_flags == ss->ss_flags)
        return 0;
    uint64_t ss_sp = ss->ss_sp, ss_size = ss->ss_size;
    if (mode == TGS_SS_DISABLE) {
        ss_sp = 0;
        ss_size = 0;
    } else if (ss_size < TGS_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->sas_ss_sp = ss_sp;
    t->sas_ss_size = ss_size;
    t->sas_ss_flags = ss->ss_flags;
    return 0;
}

int tgs_sigaltstack(tgs_world *w, tgs_pid self, const tgs_stack *ss, tgs_stack *old)
{
    int err;
    struct task *t = sys_enter(w, self, &err);
    if (!t) return err;
    tgs_stack o;
    int r = do_sigaltstack(t, ss, &o, user_sp(t));
    if (!r && old) *old = o;
    return (int)sys_done(t, SYS_GENERIC, r);
}

/* A frame nested below a handler that runs on an altstack disarmed by SS_AUTODISARM still
 * sits in that altstack's memory (the region is in the outer frame's saved uc_stack). */
static bool inside_disarmed_altstack(const struct task *t, uint64_t sp)
{
    if (t->depth == 0) return false;
    const struct sigframe *f = &t->frames[t->depth - 1];
    return f->on_altstack && sp > f->ss_sp && sp - f->ss_sp <= f->ss_size;
}

/* get_sigframe: returns the frame address, 0 when it cannot be placed (altstack overflow) */
static uint64_t get_sigframe(struct task *t, const struct k_sigaction *ka, int *on_alt)
{
    uint64_t sp = user_sp(t);
    bool nested = on_sig_stack(t, sp), entering = false;
    sp -= TGS_REDZONE;
    if ((ka->flags & TGS_SA_ONSTACK) && sas_ss_flags(t, sp) == 0) {
        sp = t->sas_ss_sp + t->sas_ss_size;
        entering = true;
    }
    sp = ((sp - TGS_FRAME_SIZE) & ~15ULL) - 8;
    if ((nested || entering) && !in_altstack(t, sp)) return 0;
    *on_alt = nested || entering || inside_disarmed_altstack(t, sp);
    return sp;
}

/* The syscall-restart rules when a handler runs (x86 handle_signal). *restart = re-execute. */
static long restart_with_handler(struct task *t, const struct k_sigaction *ka, int *restart)
{
    long r = t->sc.ret;
    *restart = 0;
    if (t->sc.nr == SYS_NONE || !t->sc.done) return r;
    if (r == SC_REISSUE) { *restart = 1; return r; }
    if (r == -TGS_ERESTART_RESTARTBLOCK || r == -TGS_ERESTARTNOHAND) return -EINTR;
    if (r == -TGS_ERESTARTSYS && !(ka->flags & TGS_SA_RESTART)) return -EINTR;
    if (r == -TGS_ERESTARTSYS || r == -TGS_ERESTARTNOINTR) {
        *restart = 1;
        emit_ev(t->world, TGS_EV_SYSCALL_RESTART, t->pid, t->pid, 0, -r, 0);
    }
    return r;
}

/* force_sigsegv: a frame could not be built */
static void force_sigsegv(struct task *t, int sig)
{
    tgs_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGSEGV;
    info.si_code = TGS_SI_KERNEL;
    force_sig_info_to_task(t, &info, SIGSEGV, sig == SIGSEGV);
}

/* The frame array holds one more frame (grown by doubling up to TGS_MAX_FRAMES). false when
 * the allocation fails: like a frame that cannot be written to the user stack. */
static bool frame_reserve(struct task *t)
{
    if (t->depth < t->frames_cap) return true;
    struct tgs_world *w = t->world;
    int cap = t->frames_cap ? 2 * t->frames_cap : 1;
    if (cap > TGS_MAX_FRAMES) cap = TGS_MAX_FRAMES;
    struct sigframe *f = kalloc(w, (size_t)cap * sizeof *f);
    if (!f) return false;
    if (t->depth) memcpy(f, t->frames, (size_t)t->depth * sizeof *f);
    kfree(w, t->frames, (size_t)t->frames_cap * sizeof *f);
    t->frames = f;
    t->frames_cap = cap;
    return true;
}

/* needed by core-B: free_task's share (the frame array) */
void free_sigframes(struct task *t)
{
    if (!t->frames) return;
    kfree(t->world, t->frames, (size_t)t->frames_cap * sizeof *t->frames);
    t->frames = NULL;
    t->frames_cap = 0;
    t->depth = 0;
}

/* needed by core-B: dup_task_struct's copy of the frames (fork keeps the memory image).
 * -ENOMEM when the array cannot be allocated. */
int copy_sigframes(struct task *p, const struct task *cur)
{
    if (!cur->depth) return 0;
    struct sigframe *f = kalloc(p->world, (size_t)cur->depth * sizeof *f);
    if (!f) return -ENOMEM;
    memcpy(f, cur->frames, (size_t)cur->depth * sizeof *f);
    p->frames = f;
    p->frames_cap = p->depth = cur->depth;
    return 0;
}

/* setup_rt_frame: push the frame (saved mask, uc_stack, the interrupted syscall) */
static void push_frame(struct task *t, int sig, const tgs_siginfo *info, const struct k_sigaction *ka,
                       uint64_t fsp, int on_alt, int restart)
{
    struct sigframe *f = &t->frames[t->depth];
    f->saved_mask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
    f->saved_sp = t->sp;
    f->ss_sp = t->sas_ss_sp;
    f->ss_size = t->sas_ss_size;
    f->ss_flags = t->sas_ss_flags;
    f->sig = sig;
    f->syscall_ret = t->sc.ret;
    f->restart_after = restart;
    f->on_altstack = on_alt;
    f->handler = ka->handler;
    f->sa_flags = ka->flags;
    f->info = *info;
    f->frame_sp = fsp;
    f->announced = 0;
    f->sc = t->sc;
    ZERO(&t->sc);
    t->depth++;
    t->sp = fsp;
}

/* handle_signal + signal_setup_done + signal_delivered. 0 = frame pushed, -1 = SIGSEGV forced */
int handle_signal(struct task *t, int sig, const tgs_siginfo *info, const struct k_sigaction *ka)
{
    int restart, on_alt = 0;
    long r = restart_with_handler(t, ka, &restart);
    if (t->sc.nr != SYS_NONE) t->sc.ret = restart ? SC_REISSUE : r;
    uint64_t fsp = get_sigframe(t, ka, &on_alt);
    if (!fsp || !(ka->flags & TGS_SA_RESTORER) || t->depth >= TGS_MAX_FRAMES || !frame_reserve(t)) {
        force_sigsegv(t, sig);
        return -1;
    }
    if (t->sc.nr != SYS_NONE) t->sc.ret = r;
    push_frame(t, sig, info, ka, fsp, on_alt, restart);
    t->restore_sigmask = 0;
    tgs_sigset blocked = t->blocked | ka->mask;
    if (!(ka->flags & TGS_SA_NODEFER)) blocked |= sigmask(sig);
    set_current_blocked(t, blocked);
    if (t->sas_ss_flags & TGS_SS_AUTODISARM) {
        t->sas_ss_sp = 0;
        t->sas_ss_size = 0;
        t->sas_ss_flags = TGS_SS_DISABLE;
    }
    return 0;
}

/* rt_sigreturn: restore the mask (minus KILL/STOP, retargeting), the altstack, the syscall */
int tgs_sigreturn(tgs_world *w, tgs_pid self, tgs_sigset saved_mask_or, tgs_sigset saved_mask_andnot)
{
    struct task *t = find_task_by_pid(w, self);
    if (!t || t->exit_state || (t->flags & PF_EXITING)) return -ESRCH;
    if (t->depth <= 0 || t->sc.asleep) return -EINVAL;
    struct sigframe *f = &t->frames[t->depth - 1];
    int depth = t->depth--;
    set_current_blocked(t, (f->saved_mask | saved_mask_or) & ~saved_mask_andnot);
    tgs_stack ss = { .ss_sp = f->ss_sp, .ss_flags = f->ss_flags, .ss_size = f->ss_size };
    (void)do_sigaltstack(t, &ss, NULL, f->frame_sp);
    t->sp = f->saved_sp;
    emit_ev(w, TGS_EV_HANDLER_RETURN, t->pid, t->pid, f->sig, depth, 0);
    t->sc = f->sc;
    if (f->restart_after) {
        t->sc.ret = SC_REISSUE;
        t->sc.done = 1;
        t->sc.asleep = 0;
    }
    return 0;
}
