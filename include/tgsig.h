/* tgsig.h - libtgsig: the Linux thread-group signal subsystem as an embeddable C library.
 *
 * One world (tgs_world) holds tasks (threads), thread groups (processes), shared handler tables,
 * pending queues, the process tree, process groups and sessions. The library owns no clock,
 * thread, global or random source and does no I/O: everything that is a scheduling decision or
 * an effect outside the subsystem goes through tgs_host_ops, supplied by the embedding host (our
 * simulator is one host; tests use a minimal one).
 *
 * Conventions
 *  - Tasks are named by their tid (tgs_pid). A process is named by its tgid (= leader's tid).
 *  - Every call returns 0 (or a non-negative value) on success and -errno on failure, with the
 *    errno the kernel's syscall would give, in the kernel's order of checks.
 *  - Signals use kernel numbering 1..64 on x86-64 (SIGRTMIN = 32). A signal set is a uint64_t
 *    with bit (n-1) for signal n.
 *  - "self" is the calling thread: the task in whose context the syscall runs. Calls made for a
 *    task that is dead, stopped or asleep in another syscall return -ESRCH / -EBUSY.
 *  - The host must not call back into the library from inside a host callback.
 *
 * The life of a thread, seen from the host
 *  1. The host makes a syscall for a thread: tgs_kill(w, self, ...), tgs_pause(w, self), ...
 *     The call returns the syscall's immediate result, or TGS_ASLEEP when the thread went to
 *     sleep inside the syscall (interruptible, waiting for a signal, a child, a timer or the
 *     host's own completion).
 *  2. After EVERY syscall, and whenever ops->wake() was called for a thread, the host gives the
 *     thread kernel time with tgs_run(). This is the kernel's exit-to-user path: it finishes or
 *     re-sleeps a woken syscall, applies restart rules, runs get_signal() and sets up handler
 *     frames. It reports what the thread does next (enum tgs_run_result).
 *  3. A TGS_RUN_HANDLER result means the thread now runs a signal handler in user space. The
 *     host runs the handler body (it may make non-blocking syscalls for the thread: sends, masks)
 *     and then calls tgs_sigreturn(), followed again by tgs_run().
 *  4. A TGS_RUN_USER result means the thread is back in user space with the syscall's final
 *     result in tgs_upcall.ret; the host moves on to the thread's next action.
 */
#ifndef TGSIG_H
#define TGSIG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TGS_VERSION_MAJOR 0
#define TGS_VERSION_MINOR 1
const char *tgs_version(void);          /* "0.1.0 (linux 6.x model)" */

typedef int32_t tgs_pid;
typedef uint64_t tgs_sigset;
typedef struct tgs_world tgs_world;     /* opaque */

#define TGS_NSIG 64
#define TGS_SIGRTMIN 32
/* Linux (x86, arm, riscv) signal numbers, for hosts whose own numbering differs. The model always
 * uses these. Note: glibc's <signal.h> defines si_pid, si_uid, si_value, si_addr, si_status and
 * sa_handler as macros, which clash with the field names below: do not include <signal.h> in
 * the translation units that use this header's structs (use these constants instead). */
enum tgs_signo {
    TGS_SIGHUP = 1, TGS_SIGINT, TGS_SIGQUIT, TGS_SIGILL, TGS_SIGTRAP, TGS_SIGABRT, TGS_SIGBUS,
    TGS_SIGFPE, TGS_SIGKILL, TGS_SIGUSR1, TGS_SIGSEGV, TGS_SIGUSR2, TGS_SIGPIPE, TGS_SIGALRM,
    TGS_SIGTERM, TGS_SIGSTKFLT, TGS_SIGCHLD, TGS_SIGCONT, TGS_SIGSTOP, TGS_SIGTSTP, TGS_SIGTTIN,
    TGS_SIGTTOU, TGS_SIGURG, TGS_SIGXCPU, TGS_SIGXFSZ, TGS_SIGVTALRM, TGS_SIGPROF, TGS_SIGWINCH,
    TGS_SIGIO, TGS_SIGPWR, TGS_SIGSYS
};
#define TGS_SIGMASK(sig) (1ULL << ((sig) - 1))

/* Returned by blocking syscalls when the thread went to sleep. Never a valid -errno. */
#define TGS_ASLEEP (-100000)

/* Dispositions: sa_handler values. Anything else is a host cookie for a real handler. */
#define TGS_SIG_DFL 0ULL
#define TGS_SIG_IGN 1ULL
#define TGS_SIG_KTHREAD 2ULL            /* allow_signal() pseudo-handler of kernel threads */
#define TGS_SIG_KTHREAD_KERNEL 3ULL     /* allow_kernel_signal() */

/* sa_flags (x86-64 values) */
#define TGS_SA_NOCLDSTOP 0x00000001UL
#define TGS_SA_NOCLDWAIT 0x00000002UL
#define TGS_SA_SIGINFO   0x00000004UL
#define TGS_SA_RESTORER  0x04000000UL
#define TGS_SA_ONSTACK   0x08000000UL
#define TGS_SA_RESTART   0x10000000UL
#define TGS_SA_NODEFER   0x40000000UL
#define TGS_SA_RESETHAND 0x80000000UL

/* si_code values */
#define TGS_SI_USER 0
#define TGS_SI_KERNEL 0x80
#define TGS_SI_QUEUE (-1)
#define TGS_SI_TIMER (-2)
#define TGS_SI_TKILL (-6)
#define TGS_CLD_EXITED 1
#define TGS_CLD_KILLED 2
#define TGS_CLD_DUMPED 3
#define TGS_CLD_TRAPPED 4
#define TGS_CLD_STOPPED 5
#define TGS_CLD_CONTINUED 6

/* sigprocmask how */
#define TGS_SIG_BLOCK 0
#define TGS_SIG_UNBLOCK 1
#define TGS_SIG_SETMASK 2

/* sigaltstack */
#define TGS_SS_ONSTACK 1
#define TGS_SS_DISABLE 2
#define TGS_SS_AUTODISARM (1U << 31)
#define TGS_MINSIGSTKSZ 2048

/* wait options */
#define TGS_WNOHANG 0x1
#define TGS_WUNTRACED 0x2
#define TGS_WSTOPPED 0x2
#define TGS_WEXITED 0x4
#define TGS_WCONTINUED 0x8
#define TGS_WNOWAIT 0x01000000
#define TGS_WNOTHREAD 0x20000000
#define TGS_WALL 0x40000000
#define TGS_WCLONE 0x80000000U
#define TGS_P_ALL 0
#define TGS_P_PID 1
#define TGS_P_PGID 2

/* pidfd_send_signal flags (6.9+) */
#define TGS_PIDFD_SIGNAL_THREAD (1U << 0)
#define TGS_PIDFD_SIGNAL_THREAD_GROUP (1U << 1)
#define TGS_PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)

/* Restart codes a host-completed blocking syscall may ask for (tgs_block). */
#define TGS_ERESTARTSYS 512
#define TGS_ERESTARTNOINTR 513
#define TGS_ERESTARTNOHAND 514
#define TGS_ERESTART_RESTARTBLOCK 516

typedef struct tgs_siginfo {
    int si_signo;
    int si_errno;
    int si_code;
    tgs_pid si_pid;             /* sender tgid (kill-style), child tgid (SIGCHLD) */
    uint32_t si_uid;
    int64_t si_value;           /* sigqueue value */
    int si_status;              /* SIGCHLD */
    uint64_t si_addr;           /* faults */
} tgs_siginfo;

/* (a struct tag only: the name tgs_sigaction is also the function below) */
struct tgs_sigaction {
    uint64_t handler;           /* TGS_SIG_DFL, TGS_SIG_IGN or a host cookie (>= 4) */
    unsigned long flags;        /* TGS_SA_* */
    tgs_sigset mask;
};

typedef struct tgs_stack {
    uint64_t ss_sp;
    unsigned int ss_flags;
    uint64_t ss_size;
} tgs_stack;

/* ---- trace events -------------------------------------------------------------------------
 * The core reports what it does through ops->trace. GENERATE and DELIVER carry exactly the
 * fields of the kernel's signal:signal_generate and signal:signal_deliver tracepoints. */
enum tgs_event_type {
    TGS_EV_GENERATE,            /* sig errno code target(pid, comm via host) grp res */
    TGS_EV_DELIVER,             /* sig errno code sa_handler sa_flags: get_signal picked it */
    TGS_EV_WAKE,                /* tid woken (signal_wake_up / SIGCONT / child / timer) */
    TGS_EV_STOP,                /* tid entered group stop; value = group_stop_count left */
    TGS_EV_CONTINUE,            /* tid resumed from group stop by SIGCONT */
    TGS_EV_HANDLER_ENTER,       /* tid runs handler for sig; value = depth; flag = on altstack */
    TGS_EV_HANDLER_RETURN,      /* tid returned from handler (sigreturn); value = depth */
    TGS_EV_GROUP_EXIT,          /* group exit started: sig = exit signal/code, cause_* = why */
    TGS_EV_EXIT,                /* tid exited: value = exit code as the task records it */
    TGS_EV_NOTIFY_PARENT,       /* SIGCHLD-style notification: code = CLD_*, value = status, target = parent tid */
    TGS_EV_REPARENT,            /* child tid (target) moved to new parent tid (value) */
    TGS_EV_EXEC,                /* tid exec'd; value = its new tid */
    TGS_EV_SYSCALL_RESTART,     /* tid's syscall restarts; value = restart code */
    TGS_EV_FORK,                /* tid created target (value 1 = thread, 0 = process) */
    TGS_EV__COUNT
};

enum tgs_generate_res {         /* the kernel's TRACE_SIGNAL_* result codes */
    TGS_RES_DELIVERED = 0, TGS_RES_IGNORED = 1, TGS_RES_ALREADY_PENDING = 2,
    TGS_RES_OVERFLOW_FAIL = 3, TGS_RES_LOSE_INFO = 4
};

typedef struct tgs_event {
    int type;                   /* enum tgs_event_type */
    tgs_pid tid;                /* the task the event happens in ("current"); 0 = none */
    tgs_pid target;             /* GENERATE: receiving task; other types: see above */
    int sig;
    int errnum;                 /* si_errno */
    int code;                   /* si_code / CLD_* */
    int group;                  /* GENERATE: 1 if process-directed (shared queue) */
    int res;                    /* GENERATE: enum tgs_generate_res */
    uint64_t sa_handler;        /* DELIVER */
    unsigned long sa_flags;     /* DELIVER */
    long value;                 /* see above */
    int flag;
    tgs_pid cause_tid;          /* GROUP_EXIT: the sender of the fatal signal (0 = kernel) */
    int cause_sig;              /* GROUP_EXIT / EXIT: the signal that started it (0 = exit call) */
} tgs_event;

/* ---- the host interface ------------------------------------------------------------------- */
typedef struct tgs_host_ops {
    void *ctx;
    /* tid became runnable (woken from an interruptible/killable sleep or a stop). The host
     * should call tgs_run(tid) later. Must not call into the library. */
    void (*wake)(void *ctx, tgs_pid tid);
    /* Is tid running on a CPU right now (wants_signal's task_curr)? NULL = never. */
    int (*on_cpu)(void *ctx, tgs_pid tid);
    /* A trace event. NULL = no tracing. */
    void (*trace)(void *ctx, const tgs_event *ev);
    /* Arm a one-shot timer for tid at absolute time `deadline_ns` of the host's clock; when it
     * fires, call tgs_timer_fire(tid). deadline 0 = cancel. NULL = timeouts never fire. */
    void (*arm_timer)(void *ctx, tgs_pid tid, uint64_t deadline_ns);
    /* The host's clock in ns (for timeouts and nanosleep's remaining time). NULL = always 0. */
    uint64_t (*now)(void *ctx);
    /* Memory. NULL = malloc/free. The library calls nothing else. */
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *p, size_t size);
} tgs_host_ops;

typedef struct tgs_config {
    long rlimit_sigpending;     /* default RLIMIT_SIGPENDING soft limit for new processes (1024) */
    int max_tasks;              /* pid space: tids are 1..max_tasks (default 32768) */
} tgs_config;

/* ---- world -------------------------------------------------------------------------------- */
/* Creates a world with the global init (pid 1, SIGNAL_UNKILLABLE, SIG_DFL everywhere) as its
 * only task. cfg may be NULL. Returns NULL on allocation failure. */
tgs_world *tgs_world_new(const tgs_host_ops *ops, const tgs_config *cfg);
void tgs_world_free(tgs_world *w);
tgs_pid tgs_init_pid(const tgs_world *w);                     /* 1 */

/* ---- creating tasks ----------------------------------------------------------------------- */
#define TGS_CLONE_THREAD   0x1   /* a thread of self's group (implies SIGHAND and VM) */
#define TGS_CLONE_SIGHAND  0x2   /* share handler table (process children: CLONE_VM|SIGHAND) */
#define TGS_CLONE_NEWPID   0x4   /* child is init of a new pid namespace */
#define TGS_CLONE_PARENT   0x8   /* child's parent is self's parent */
#define TGS_CLONE_CLEAR_SIGHAND 0x10
#define TGS_CLONE_VFORK    0x20
/* fork/clone as self. *child receives the new tid. -EINVAL for bad flag combinations,
 * -EAGAIN/-ENOMEM on exhaustion. A signal pending at entry gives TGS_ASLEEP-free restart:
 * the call returns -TGS_ERESTARTNOINTR internally; the host sees it through tgs_run. */
int tgs_clone(tgs_world *w, tgs_pid self, unsigned flags, int exit_signal, tgs_pid *child);
int tgs_fork(tgs_world *w, tgs_pid self, tgs_pid *child);      /* clone(0, SIGCHLD) */
/* The same fork in two halves, so the host can act while copy_process runs (the window in which
 * the kernel collects process-group, session and kill(-1) signals on signal->multiprocess and
 * hands them to the child). tgs_clone_begin: the flag checks and the first signal check; 0 = the
 * window is open (until tgs_clone_finish, the task refuses syscalls and tgs_run with -EBUSY), or
 * an error as tgs_clone returns it (-TGS_ERESTARTNOINTR: a signal is pending; after tgs_run
 * handles it the fork restarts and completes as a whole, its result in the upcall's ret).
 * tgs_clone_finish: -EINTR when a fatal signal arrived meanwhile; else the child, which starts
 * with the delayed signals pending (bits only, no siginfo); returns what tgs_clone returns.
 * -EINVAL when no window is open for self. */
int tgs_clone_begin(tgs_world *w, tgs_pid self, unsigned flags, int exit_signal);
int tgs_clone_finish(tgs_world *w, tgs_pid self, tgs_pid *child);
/* A kernel thread (child of kthreadd, which is created on first use): SigIgn all ones. */
int tgs_kthread_create(tgs_world *w, tgs_pid *tid);

/* ---- setup of credentials and limits (host/test helpers, not syscalls) --------------------- */
typedef struct tgs_cred { uint32_t uid, euid, suid; int cap_kill; } tgs_cred;
int tgs_set_cred(tgs_world *w, tgs_pid tid, const tgs_cred *c);          /* whole process */
int tgs_set_rlimit_sigpending(tgs_world *w, tgs_pid tid, long limit);     /* whole process */

/* ---- sending ------------------------------------------------------------------------------ */
int tgs_kill(tgs_world *w, tgs_pid self, tgs_pid pid, int sig);
int tgs_tkill(tgs_world *w, tgs_pid self, tgs_pid tid, int sig);
int tgs_tgkill(tgs_world *w, tgs_pid self, tgs_pid tgid, tgs_pid tid, int sig);
int tgs_rt_sigqueueinfo(tgs_world *w, tgs_pid self, tgs_pid pid, int sig, const tgs_siginfo *info);
int tgs_rt_tgsigqueueinfo(tgs_world *w, tgs_pid self, tgs_pid tgid, tgs_pid tid, int sig,
                          const tgs_siginfo *info);
/* pidfd_send_signal on a pidfd for `pid` (opened with PIDFD_THREAD if thread_fd). info may be
 * NULL. flags: TGS_PIDFD_SIGNAL_*. */
int tgs_pidfd_send_signal(tgs_world *w, tgs_pid self, tgs_pid pid, int thread_fd, int sig,
                          const tgs_siginfo *info, unsigned flags);
/* Kernel-originated sends (no permission check). */
enum tgs_ktype { TGS_KSEND_PID, TGS_KSEND_TGID, TGS_KSEND_PGID };
int tgs_send_kernel(tgs_world *w, tgs_pid target, int sig, int type);    /* SEND_SIG_PRIV */
/* force_sig_fault: a synchronous fault in self (unblocked, un-ignored; -EINVAL for a kernel
 * thread, which has no user mode; -EPERM for the global init when it would die: the kernel panics) */
int tgs_force_fault(tgs_world *w, tgs_pid self, int sig, int code, uint64_t addr);

/* ---- masks, actions, stacks --------------------------------------------------------------- */
int tgs_sigprocmask(tgs_world *w, tgs_pid self, int how, const tgs_sigset *set, tgs_sigset *old,
                    size_t sigsetsize);
int tgs_sigaction(tgs_world *w, tgs_pid self, int sig, const struct tgs_sigaction *act,
                  struct tgs_sigaction *old, size_t sigsetsize);
int tgs_sigpending(tgs_world *w, tgs_pid self, tgs_sigset *set, size_t size);
int tgs_sigaltstack(tgs_world *w, tgs_pid self, const tgs_stack *ss, tgs_stack *old);
/* Kernel-internal mask change (kernel threads): no SIGKILL/SIGSTOP stripping. */
int tgs_kernel_sigprocmask(tgs_world *w, tgs_pid tid, int how, tgs_sigset set);
int tgs_allow_signal(tgs_world *w, tgs_pid ktid, int sig);
int tgs_allow_kernel_signal(tgs_world *w, tgs_pid ktid, int sig);
int tgs_disallow_signal(tgs_world *w, tgs_pid ktid, int sig);
/* A kernel thread polls: returns the dequeued signal, 0 if none. */
int tgs_kernel_dequeue_signal(tgs_world *w, tgs_pid ktid, tgs_siginfo *info);

/* ---- waiting for signals (may return TGS_ASLEEP) ------------------------------------------- */
int tgs_pause(tgs_world *w, tgs_pid self);
int tgs_sigsuspend(tgs_world *w, tgs_pid self, tgs_sigset mask, size_t sigsetsize);
/* timeout_ns < 0: no timeout. The result (signal number) and *info are delivered through
 * tgs_run's upcall when the call sleeps. */
int tgs_sigtimedwait(tgs_world *w, tgs_pid self, tgs_sigset set, tgs_siginfo *info,
                     int64_t timeout_ns, size_t sigsetsize);
/* signalfd: create (or replace) the thread's signalfd mask; then reads. The fd is modelled
 * per thread (fd numbers are the host's business). */
int tgs_signalfd(tgs_world *w, tgs_pid self, tgs_sigset mask, int nonblock);
int tgs_signalfd_read(tgs_world *w, tgs_pid self, tgs_siginfo *info, size_t count);
/* A generic interruptible blocking syscall completed by the host (read on a pipe, ...): the
 * thread sleeps until tgs_complete() or a signal; restart is the code the syscall returns when a
 * signal interrupts it (TGS_ERESTARTSYS for read). */
int tgs_block(tgs_world *w, tgs_pid self, int restart);
int tgs_complete(tgs_world *w, tgs_pid tid, long ret);
int tgs_nanosleep(tgs_world *w, tgs_pid self, uint64_t ns);
void tgs_timer_fire(tgs_world *w, tgs_pid tid);

/* ---- process life ------------------------------------------------------------------------- */
int tgs_exit(tgs_world *w, tgs_pid self, int code);          /* this thread only */
int tgs_exit_group(tgs_world *w, tgs_pid self, int code);
/* execve as self: kills the other threads; self takes the leader's tid. May return TGS_ASLEEP
 * (de_thread waits for the others to die); the final result and the new tid come through
 * tgs_run's upcall (ret 0, tid). */
int tgs_exec(tgs_world *w, tgs_pid self);
/* wait4: status written through the upcall when it sleeps, directly otherwise. */
int tgs_wait4(tgs_world *w, tgs_pid self, tgs_pid pid, int *status, int options);
int tgs_waitid(tgs_world *w, tgs_pid self, int idtype, tgs_pid id, tgs_siginfo *info, int options);
int tgs_setsid(tgs_world *w, tgs_pid self);
int tgs_setpgid(tgs_world *w, tgs_pid self, tgs_pid pid, tgs_pid pgid);
int tgs_getpgid(tgs_world *w, tgs_pid pid);                  /* pgid or -ESRCH */
int tgs_prctl_set_pdeathsig(tgs_world *w, tgs_pid self, int sig);
int tgs_prctl_set_child_subreaper(tgs_world *w, tgs_pid self, int on);

/* ---- running threads ---------------------------------------------------------------------- */
enum tgs_run_result {
    TGS_RUN_USER,               /* back in user space; upcall.ret = the syscall's final result */
    TGS_RUN_HANDLER,            /* entering a handler: upcall.sig/info/handler/depth/mask */
    TGS_RUN_SLEEP,              /* asleep in a syscall; wait for ops->wake */
    TGS_RUN_STOPPED,            /* in group stop; wait for ops->wake */
    TGS_RUN_DEAD                /* the thread exited (zombie leader or released) */
};

typedef struct tgs_upcall {
    long ret;                   /* TGS_RUN_USER: syscall result (>= 0 or -errno) */
    int syscall_done;           /* TGS_RUN_USER: 1 if a syscall finished; 0 = no syscall was in flight */
    tgs_pid tid;                /* the thread's tid now (changes after exec) */
    int sig;                    /* TGS_RUN_HANDLER */
    tgs_siginfo info;
    uint64_t handler;
    unsigned long sa_flags;
    int depth;                  /* frames on this thread's stack, 1 = outermost */
    tgs_sigset mask;            /* blocked while the handler runs */
    int on_altstack;
    uint64_t frame_sp;
} tgs_upcall;

/* Give `tid` kernel time: finish/re-sleep its syscall, restart, get_signal, frame setup. */
int tgs_run(tgs_world *w, tgs_pid tid, tgs_upcall *up);
/* A spinning thread is interrupted (e.g. a timer tick or IPI) so it passes exit-to-user. Same
 * as tgs_run with no syscall in flight. */
#define tgs_interrupt tgs_run
/* The handler returns: rt_sigreturn. saved_mask_or/saved_mask_andnot edit uc_sigmask in the
 * frame before it is restored (SA_SIGINFO handlers changing the saved mask). */
int tgs_sigreturn(tgs_world *w, tgs_pid self, tgs_sigset saved_mask_or, tgs_sigset saved_mask_andnot);

/* ---- observing ---------------------------------------------------------------------------- */
/* The /proc/<pid>/task/<tid>/status lines State, Tgid, Pid, PPid, Threads, SigQ, SigPnd,
 * ShdPnd, SigBlk, SigIgn, SigCgt, each ending in '\n', byte for byte as Linux 6.x prints them.
 * Returns the length written (snprintf-style: may exceed len-1 if truncated), -ESRCH. */
int tgs_proc_status(const tgs_world *w, tgs_pid tid, char *buf, size_t len);

enum tgs_task_state { TGS_TASK_RUNNING, TGS_TASK_SLEEPING, TGS_TASK_STOPPED, TGS_TASK_ZOMBIE,
                      TGS_TASK_DEAD };
typedef struct tgs_task_info {
    tgs_pid tid, tgid, ppid, pgid, sid;
    int state;                  /* enum tgs_task_state */
    char state_letter;          /* as /proc shows it */
    int is_leader, is_kthread, nr_threads;
    tgs_sigset pending, shared_pending, blocked, ignored, caught;
    long sigq, sigq_limit;
    int exit_code;              /* wait status of the thread's exit (kernel exit_code) */
    int group_exit;             /* SIGNAL_GROUP_EXIT set */
    int group_exit_code;
    int group_stop_count;
    unsigned signal_flags;      /* SIGNAL_* */
    unsigned jobctl;
    int last_dequeued;          /* the last signal get_signal/dequeue took (0 = none) */
    tgs_pid last_sender;        /* who sent it (tid of sender, 0 = kernel) */
    int depth;                  /* handler frames on its stack */
} tgs_task_info;
int tgs_task_info_get(const tgs_world *w, tgs_pid tid, tgs_task_info *out);
/* Iterate over live (not yet reaped) tids in increasing order: returns the next tid > after,
 * 0 at the end. */
tgs_pid tgs_next_task(const tgs_world *w, tgs_pid after);

/* The signal ledger: every generated signal ends in exactly one bucket. */
typedef struct tgs_ledger {
    uint64_t generated, delivered, ignored, coalesced, overflowed, flushed, discarded, pending;
} tgs_ledger;
void tgs_ledger_get(const tgs_world *w, tgs_ledger *out);
/* 1 if generated == delivered + ignored + coalesced + overflowed + flushed + discarded + pending */
int tgs_ledger_balanced(const tgs_world *w);

/* The invariant checker: 0 if every invariant holds, else -1 with a description in why. */
int tgs_check(const tgs_world *w, char *why, size_t len);

/* Memory accounting (for benchmarks): bytes currently allocated through the hooks. */
size_t tgs_mem_in_use(const tgs_world *w);

#ifdef __cplusplus
}
#endif
#endif
