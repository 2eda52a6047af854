/* sigpath.h - private helpers of the signal path (core-A: props.c pending.c send.c select.c
 * dequeue.c deliver.c run.c actions.c waits.c perm.c proc.c trace.c ledger.c check.c).
 * What the process path needs from us is declared in internal.h instead. */
#ifndef TGS_CORE_SIGPATH_H
#define TGS_CORE_SIGPATH_H

#include "internal.h"
#include "seltree.h"
#include "sigqueue.h"
#include <errno.h>
#include <string.h>

#define TGS_DEFAULT_SP   0x7ffc00000000ULL  /* notional top of a thread's stack when sp == 0 */
#define TGS_FRAME_SIZE   1024u              /* notional rt_sigframe + fpstate */
#define TGS_REDZONE      128u               /* x86-64 red zone skipped below sp */
#define SA_EXPOSE_TAGBITS 0x00000800UL
#define UAPI_SA_FLAGS (TGS_SA_NOCLDSTOP | TGS_SA_NOCLDWAIT | TGS_SA_SIGINFO | SA_EXPOSE_TAGBITS | \
    TGS_SA_RESTORER | TGS_SA_ONSTACK | TGS_SA_RESTART | TGS_SA_NODEFER | TGS_SA_RESETHAND)
#define TASK_BIT(s) (1u << (s))
#define RUN_LOOP_GUARD 4096
#define SC_REISSUE (-(TGS_ERESTARTNOINTR + 1000))   /* after sigreturn: re-execute the syscall */

static inline bool is_si_special(const tgs_siginfo *info) { return info <= SEND_SIG_PRIV; }
/* si_fromuser: SEND_SIG_NOINFO, or real info with si_code <= 0 */
static inline bool si_fromuser(const tgs_siginfo *info)
{
    return info == SEND_SIG_NOINFO || (!is_si_special(info) && info->si_code <= 0);
}
static inline tgs_pid tgid_of(const struct task *t) { return t->group_leader ? t->group_leader->pid : t->pid; }
static inline struct task *thread_after(struct task *t)
{
    return t->thread_next ? t->thread_next : t->signal->thread_head;
}
static inline uint64_t sig_handler(const struct task *t, int sig) { return t->sighand->action[sig - 1].handler; }
/* sig_handler_ignored */
static inline bool sig_handler_ignored(uint64_t handler, int sig)
{
    return handler == TGS_SIG_IGN || (handler == TGS_SIG_DFL && sig_kernel_ignore(sig));
}
static inline bool is_restart_code(long r)
{
    return r == -TGS_ERESTARTSYS || r == -TGS_ERESTARTNOINTR || r == -TGS_ERESTARTNOHAND ||
           r == -TGS_ERESTART_RESTARTBLOCK;
}
static inline void emit_ev(struct tgs_world *w, int type, tgs_pid tid, tgs_pid target, int sig, long value, int flag)
{
    if (!w->ops.trace) return;          /* no event is built (nor its fields read) untraced */
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = type; e.tid = tid; e.target = target; e.sig = sig; e.value = value; e.flag = flag;
    trace_event(w, &e);
}

/* pending.c */
struct tgs_user *user_get(struct tgs_world *w, uint32_t uid, bool create);
struct sigqueue *sigqueue_alloc(struct task *t, struct sigpending *q, int sig, bool override);

/* select.c */
void complete_signal_from(int sig, struct task *p, int type, struct task *sender);
void wake_stopped_for_cont(struct task *t);

/* dequeue.c */
int dequeue_synchronous_signal(struct task *t, tgs_siginfo *info);
static inline bool has_pending_signals(tgs_sigset pending, tgs_sigset blocked) { return (pending & ~blocked) != 0; }
void __set_task_blocked(struct task *t, tgs_sigset newset);

/* send.c */
int force_sig_info_to_task(struct task *t, const tgs_siginfo *info, int sig, bool sigdfl);
int group_send_sig_info(int sig, const tgs_siginfo *info, struct task *p, int type, struct task *sender);

/* deliver.c */
int handle_signal(struct task *t, int sig, const tgs_siginfo *info, const struct k_sigaction *ka);
int sas_ss_flags(const struct task *t, uint64_t sp);
int do_sigaltstack(struct task *t, const tgs_stack *ss, tgs_stack *oss, uint64_t sp);
static inline uint64_t user_sp(const struct task *t) { return t->sp ? t->sp : TGS_DEFAULT_SP; }

/* run.c / waits.c: syscall bookkeeping */
struct task *sys_enter(struct tgs_world *w, tgs_pid self, int *err);
long sys_done(struct task *t, int nr, long ret);
int sys_sleep(struct task *t, int nr, long (*resume)(struct task *), long (*reenter)(struct task *));

#endif
