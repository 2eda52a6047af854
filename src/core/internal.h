/* internal.h - libtgsig's internal state, named after the kernel's.
 *
 * Kernel readers: task = task_struct, signal_struct, sighand_struct, sigpending and sigqueue
 * keep their kernel names and the fields that matter for signals. Internal functions keep the
 * kernel function's name (complete_signal, wants_signal, ...); a #define maps each to a
 * tgs__-prefixed symbol so an embedding kernel's own symbols never clash.
 *
 * Ownership of the .c files (two engineers work in parallel):
 *  signal path (core-A): props.c pending.c send.c select.c dequeue.c deliver.c run.c actions.c
 *                        waits.c perm.c proc.c trace.c ledger.c check.c
 *  process path (core-B): world.c task.c fork.c exit.c wait.c jobctl.c exec.c pgrp.c kthread.c
 * Each declares here the functions the other side calls, in its own section below.
 */
#ifndef TGS_CORE_INTERNAL_H
#define TGS_CORE_INTERNAL_H

#include "tgsig.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* memset(p, 0, n) of a small struct in pieces of at most 64 bytes: gcc -O2 turns a single
 * memset of more than 80 bytes into `rep stos`, whose start-up latency dominated the syscall
 * fast paths (sys_done, tgs_run); pieces of constant size become plain vector stores. */
static inline void zero_small(void *p, size_t n)
{
    char *c = p;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) memset(c + i, 0, 64);
    if (i < n) memset(c + i, 0, n - i);
}
#define ZERO(ptr) zero_small((ptr), sizeof *(ptr))

/* ---- signal numbers and classes (props.c holds the table) --------------------------------- */
enum {
    SIGHUP = 1, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1,
    SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP,
    SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS
};
#define K_SIGRTMIN 32
#define K_NSIG 64

enum sig_default {              /* default action class */
    SIGDFL_TERM, SIGDFL_CORE, SIGDFL_STOP, SIGDFL_IGN, SIGDFL_CONT
};
struct sig_props {
    const char *name;
    unsigned char dfl;          /* enum sig_default */
    unsigned char kernel_only;  /* SIGKILL, SIGSTOP */
    unsigned char synchronous;  /* in SYNCHRONOUS_MASK */
};
extern const struct sig_props sig_props_table[K_NSIG + 1];   /* const: not mutable state */

#define sigmask(sig) (1ULL << ((sig) - 1))
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))
#define SIG_KERNEL_STOP_MASK (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define SIG_KERNEL_IGNORE_MASK (sigmask(SIGCHLD) | sigmask(SIGCONT) | sigmask(SIGURG) | sigmask(SIGWINCH))
#define SIG_KERNEL_COREDUMP_MASK (sigmask(SIGQUIT) | sigmask(SIGILL) | sigmask(SIGTRAP) | sigmask(SIGABRT) | \
    sigmask(SIGBUS) | sigmask(SIGFPE) | sigmask(SIGSEGV) | sigmask(SIGXCPU) | sigmask(SIGXFSZ) | sigmask(SIGSYS))
#define SYNCHRONOUS_MASK (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | \
    sigmask(SIGFPE) | sigmask(SIGSYS))
static inline bool valid_signal(int sig) { return sig >= 1 && sig <= K_NSIG; }
static inline bool sig_in(int sig, uint64_t mask) { return sig < K_SIGRTMIN && (mask & sigmask(sig)); }
#define sig_kernel_only(s) sig_in(s, SIG_KERNEL_ONLY_MASK)
#define sig_kernel_stop(s) sig_in(s, SIG_KERNEL_STOP_MASK)
#define sig_kernel_ignore(s) sig_in(s, SIG_KERNEL_IGNORE_MASK)
#define sig_kernel_coredump(s) sig_in(s, SIG_KERNEL_COREDUMP_MASK)

/* ---- pending queues ------------------------------------------------------------------------ */
struct tgs_user;                 /* per-uid queued-signal count (ucounts) */

/* One queued instance with its siginfo (the kernel's struct sigqueue). The siginfo is stored
 * field by field without the padding of tgs_siginfo (48 B), so an entry is 56 B; see
 * siginfo_to_entry / entry_to_siginfo (pending.c). */
struct sigqueue {
    struct sigqueue *next;       /* FIFO order within the sigpending */
    int64_t si_value;
    uint64_t si_addr;
    int si_signo, si_errno, si_code;
    tgs_pid si_pid;
    uint32_t si_uid;
    int si_status;
    tgs_pid sender;              /* sending tid, 0 = kernel (for --explain) */
    uint32_t user;               /* charged user: index + 1 in the world's user table; 0 = none */
};

/* Entries per real-time signal of one queue (allocated while the queue holds RT entries; kept
 * on a per-world free list otherwise). */
#define K_NRTSIG (K_NSIG - K_SIGRTMIN + 1)
struct sigcount {
    union { uint32_t n[K_NRTSIG]; struct sigcount *next_free; };
};

struct sigpending {
    tgs_sigset signal;           /* bit set = at least one instance pending */
    /* needed by core-A: signals whose bit (or one entry) is not a ledger instance: SIGKILL bits
     * set by a zap (sigpending_add_kill), and the signal that took the fatal fast path */
    tgs_sigset uncounted;
    tgs_sigset queued;           /* signals with at least one entry (a standard one has <= 1) */
    struct sigqueue *head, **tail;
    struct sigcount *rt;         /* entries per RT signal; NULL while none is queued */
};

/* Entries of sig in q (O(1)). */
static inline long sigpending_count(const struct sigpending *q, int sig)
{
    if (!(q->queued & sigmask(sig))) return 0;
    return sig < K_SIGRTMIN ? 1 : (long)q->rt->n[sig - K_SIGRTMIN];
}

/* Ledger instances of sig in q: a set bit is one instance (bit only) or one per entry, minus
 * the one marked uncounted (zap SIGKILL, fatal fast path). O(1). */
static inline long sigpending_instances(const struct sigpending *q, int sig)
{
    if (!(q->signal & sigmask(sig))) return 0;
    long n = sigpending_count(q, sig);
    if (n == 0) n = 1;
    if (q->uncounted & sigmask(sig)) n--;
    return n;
}

/* ---- sighand_struct ------------------------------------------------------------------------ */
struct k_sigaction { uint64_t handler; unsigned long flags; tgs_sigset mask; };
struct sighand_struct {
    int count;                   /* tasks sharing it (CLONE_SIGHAND) */
    struct k_sigaction action[K_NSIG];
};

/* ---- signal_struct flags and jobctl bits (6.x values) --------------------------------------- */
#define SIGNAL_STOP_STOPPED   0x00000001
#define SIGNAL_STOP_CONTINUED 0x00000002
#define SIGNAL_GROUP_EXIT     0x00000004
#define SIGNAL_CLD_STOPPED    0x00000010
#define SIGNAL_CLD_CONTINUED  0x00000020
#define SIGNAL_CLD_MASK       (SIGNAL_CLD_STOPPED | SIGNAL_CLD_CONTINUED)
#define SIGNAL_UNKILLABLE     0x00000040

#define JOBCTL_STOP_SIGMASK   0xffffu
#define JOBCTL_STOP_DEQUEUED  (1u << 16)
#define JOBCTL_STOP_PENDING   (1u << 17)
#define JOBCTL_STOP_CONSUME   (1u << 18)
#define JOBCTL_STOPPED        (1u << 26)
#define JOBCTL_PENDING_MASK   JOBCTL_STOP_PENDING

/* task->flags */
#define PF_EXITING  0x00000004
#define PF_SIGNALED 0x00000400
#define PF_KTHREAD  0x00200000

/* task->state (scheduler state) and task->exit_state */
enum task_state { TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_KILLABLE, TASK_STOPPED, TASK_DEAD };
#define EXIT_ZOMBIE 0x20
#define EXIT_DEAD   0x10

struct pid_namespace {
    int level;                   /* 0 = the root namespace */
    struct pid_namespace *parent;
    struct task *child_reaper;   /* its init */
    int refs;
};

struct signal_struct {
    struct sigpending shared_pending;
    struct task *curr_target;
    struct task *thread_head;    /* thread list in creation order; the leader first */
    struct task *thread_tail;    /* needed by core-B: O(1) append of a new thread */
    unsigned flags;              /* SIGNAL_* */
    int group_exit_code;
    int group_stop_count;
    struct task *group_exec_task;
    int notify_count;
    int nr_threads;              /* threads not yet released (zombie leader counts) */
    int live;                    /* threads that have not started do_exit */
    int quick_threads;
    long rlim_sigpending;
    tgs_pid pgrp, session;
    uint32_t uid, euid, suid;    /* credentials (per process in this model) */
    int cap_kill;
    int is_child_subreaper, has_child_subreaper;
    struct pid_namespace *pid_ns;/* namespace of this process's pid */
    int core_state;              /* a core dump is running */
    /* needed by core-A: why the group exit started (sender tid, 0 = kernel; the signal) */
    tgs_pid group_exit_cause_tid;
    int group_exit_cause_sig;
    /* needed by core-A: threads of the group with a signalfd open (signalfd_open), so a send
     * looks for signalfd readers to wake only when there can be one (signalfd_notify) */
    int nr_signalfd;
    /* fork window: threads of this group inside copy_process (signal_struct.multiprocess) */
    struct task *multiprocess;
    /* ---- seltree (seltree.c / seltree.h, complete_signal's thread choice): BEGIN ---- */
    struct seltree *seltree;     /* positions of the threads + refusal tree; NULL until 2 threads */
    /* ---- seltree: END ---- */
};

/* The syscall a task is in (the model's view of "kernel mode"). */
enum sys_nr {
    SYS_NONE, SYS_GENERIC, SYS_PAUSE, SYS_SIGSUSPEND, SYS_SIGTIMEDWAIT, SYS_SIGNALFD_READ,
    SYS_BLOCK, SYS_NANOSLEEP, SYS_WAIT4, SYS_WAITID, SYS_EXEC, SYS_CLONE, SYS_EXIT
};
struct task;
struct syscall_state {
    unsigned char nr;            /* enum sys_nr; SYS_NONE = in user space */
    unsigned char done;          /* result is final (just waiting for exit-to-user) */
    unsigned char asleep;        /* sleeping inside the syscall */
    unsigned char timed_out;
    unsigned char completed;     /* SYS_BLOCK: the host completed it */
    int options, idtype;
    tgs_pid id;
    int restart;                 /* TGS_ERESTART* for SYS_BLOCK */
    long ret;                    /* result so far, or -ERESTART* */
    /* re-evaluates a woken sleeping syscall: returns TGS_ASLEEP to sleep again, else result */
    long (*resume)(struct task *t);
    /* needed by core-A: re-issues the syscall after a restart (NULL = call resume) */
    long (*reenter)(struct task *t);
    /* arguments and out-pointers of the blocking syscalls */
    tgs_sigset set;
    tgs_siginfo *info;
    int *status;
    int64_t timeout_ns;
    uint64_t deadline_ns;
    long completion;             /* SYS_BLOCK: host's result */
};

/* One frame pushed for a handler (setup_rt_frame): what sigreturn restores. */
struct sigframe {
    tgs_sigset saved_mask;       /* uc_sigmask */
    uint64_t saved_sp;
    uint64_t ss_sp, ss_size;     /* uc_stack */
    unsigned ss_flags;
    int sig;
    long syscall_ret;            /* the interrupted syscall's return value (after restart rules) */
    int restart_after;           /* 1: the syscall re-executes after sigreturn (SA_RESTART) */
    /* needed by core-A: what the upcall reports for this frame */
    int on_altstack;
    uint64_t handler;
    unsigned long sa_flags;
    tgs_siginfo info;
    uint64_t frame_sp;
    int announced;               /* reported to the host by tgs_run (HANDLER) */
    struct syscall_state sc;     /* the syscall state the frame saved (restored by sigreturn) */
};
/* Frames live in a per-task array allocated on the first handler and grown on demand (a thread
 * that never runs a handler has none); at most TGS_MAX_FRAMES, the next one is a SIGSEGV. */
#define TGS_MAX_FRAMES 64

struct task {
    /* Layout, for walks over a million threads (part 5 of the benchmarks): fields are grouped by
     * the passes that touch them, so that a pass streams few cache lines per thread. First what
     * every pass over a thread list reads (list link, states, flags, the private queue's bits,
     * the mask); then what running a thread adds (frames, the syscall); then what exit adds;
     * then the cold rest. No padding holes. */
    struct task *thread_next;    /* thread list (NULL-terminated, creation order) */
    struct tgs_world *world;
    int state;                   /* enum task_state */
    int exit_state;
    unsigned flags;              /* PF_* */
    unsigned jobctl;
    int sigpending;              /* TIF_SIGPENDING */
    tgs_pid pid;
    struct sigpending pending;   /* .signal: the last of the 48 bytes every walk reads */
    struct signal_struct *signal;
    tgs_sigset blocked;
    /* -- running -- */
    struct sigframe *frames;     /* [0] = outermost; NULL until the first handler (deliver.c) */
    /* needed by core-A: "stopped inside get_signal": the next tgs_run continues the get_signal loop */
    int resume_get_signal;
    int depth;                   /* handler frames pushed */
    int frames_cap;              /* slots allocated in frames */
    int restore_sigmask;
    struct syscall_state sc;
    /* -- exit -- */
    struct task *free_next;      /* needed by core-B: released while current (freed later) */
    struct task *group_leader;
    struct sighand_struct *sighand;
    struct task *children;       /* head of this task's children list */
    struct task *vfork_parent;   /* needed by core-B: CLONE_VFORK parent waiting for exec/exit */
    struct task *real_parent;
    struct task *thread_prev;
    int exit_code;
    int exit_signal;             /* -1 for threads */
    int pdeath_signal;
    int last_dequeued;
    tgs_pid last_sender;
    int signalfd_open;
    /* -- the rest -- */
    struct task *parent;
    struct task *sibling_next, *sibling_prev;
    struct task *pgrp_next, *pgrp_prev; /* needed by core-B: processes (leaders) of one pgrp */
    uint64_t sas_ss_sp, sas_ss_size;
    tgs_sigset signalfd_mask;
    uint64_t self_exec_id, parent_exec_id;
    tgs_sigset saved_sigmask, real_blocked;
    uint64_t sp;                 /* notional user stack pointer */
    unsigned sas_ss_flags;
    int signalfd_nonblock;
    /* ---- seltree (seltree.c / seltree.h): BEGIN ---- */
    unsigned sel_pos;            /* 1 + position in signal->seltree (thread-list order); 0 = none */
    /* ---- seltree: END ---- */
    /* fork window (copy_process's struct multiprocess_signals): process-group, session and
     * kill(-1) signals that reached the group while this task was between tgs_clone_begin and
     * tgs_clone_finish; the child gets them in its shared pending set */
    int in_fork;                 /* 1 = registered on signal->multiprocess, 2 = thread clone */
    tgs_sigset fork_delayed;
    struct task *multiprocess_next;
};

/* ---- the world ------------------------------------------------------------------------------ */
struct tgs_user { uint32_t uid; uint32_t idx; long sigpending; struct tgs_user *next; };

struct tgs_world {
    tgs_host_ops ops;
    tgs_config cfg;
    struct task **pid_table;     /* indexed by pid; NULL = free */
    int pid_max;
    tgs_pid last_pid;            /* pid allocator cursor */
    struct task *init;           /* global init (pid 1) */
    struct task *kthreadd;
    struct pid_namespace root_ns;
    struct tgs_user *users;
    tgs_ledger ledger;
    size_t mem_in_use;
    int alloc_fail_at;           /* test hook: fail the Nth allocation (0 = never) */
    long alloc_count;
    /* needed by core-B: */
    struct task **pgrp_head;     /* processes (leaders) by pgid: for_each_pgrp_member */
    struct task *deferred_free;  /* tasks released from inside their own do_exit (freed later) */
    long reparent_steps;         /* children touched by reparenting (tests assert O(1)/child) */
    int nr_tasks;                /* tasks in the pid table */
    struct sigqueue *sigqueue_cache; /* needed by core-A: free list of sigqueue entries (pending.c) */
    /* core-A (pending.c): the users by index (sigqueue.user - 1), a one-entry lookup cache, and
     * the free list of per-queue RT entry counts */
    struct tgs_user **user_tab;
    uint32_t nr_users, user_cap;
    struct tgs_user *user_last;
    struct sigcount *sigcount_cache;
};

/* ---- tracing and allocation (trace.c / world.c) -------------------------------------------- */
void *kalloc(struct tgs_world *w, size_t size);          /* zeroed; NULL on failure */
void kfree(struct tgs_world *w, void *p, size_t size);
void trace_event(struct tgs_world *w, const tgs_event *ev);
/* find_task_by_pid_ns (root namespace numbers): NULL if free or released. */
static inline struct task *find_task_by_pid(struct tgs_world *w, tgs_pid pid)
{
    if (!w || pid <= 0 || pid > w->pid_max) return NULL;
    return w->pid_table[pid];
}

/* ==== signal path (core-A) =================================================================== */
#define send_signal_locked tgs__send_signal_locked
#define do_send_sig_info tgs__do_send_sig_info
#define complete_signal tgs__complete_signal
#define wants_signal tgs__wants_signal
#define signal_wake_up tgs__signal_wake_up
#define prepare_signal tgs__prepare_signal
#define sig_ignored tgs__sig_ignored
#define flush_sigqueue tgs__flush_sigqueue
#define flush_sigqueue_mask tgs__flush_sigqueue_mask
#define recalc_sigpending tgs__recalc_sigpending
#define dequeue_signal tgs__dequeue_signal
#define set_current_blocked tgs__set_current_blocked
#define retarget_shared_pending tgs__retarget_shared_pending
#define check_kill_permission tgs__check_kill_permission
#define flush_signal_handlers tgs__flush_signal_handlers
#define sigpending_init tgs__sigpending_init
#define ledger_note tgs__ledger_note

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
/* Special info pointers, as in the kernel. */
#define SEND_SIG_NOINFO ((const tgs_siginfo *)0)
#define SEND_SIG_PRIV   ((const tgs_siginfo *)1)

/* __send_signal_locked + prepare_signal + complete_signal; emits exactly one GENERATE event.
 * sender = the sending task (NULL = kernel). Returns 0 or -EAGAIN. */
int send_signal_locked(int sig, const tgs_siginfo *info, struct task *t, int type, struct task *sender);
/* do_send_sig_info: permission already checked. */
int do_send_sig_info(int sig, const tgs_siginfo *info, struct task *p, int type, struct task *sender);
void complete_signal(int sig, struct task *p, int type);
bool wants_signal(int sig, struct task *p);
void signal_wake_up(struct task *t, bool fatal);
void sigpending_init(struct sigpending *q);
void flush_sigqueue(struct tgs_world *w, struct sigpending *q, int ledger_bucket);
void flush_sigqueue_mask(struct tgs_world *w, tgs_sigset mask, struct sigpending *q, int ledger_bucket);
void recalc_sigpending(struct task *t);
int dequeue_signal(struct task *t, tgs_sigset mask, tgs_siginfo *info);
void set_current_blocked(struct task *t, tgs_sigset newset);
void retarget_shared_pending(struct task *t, tgs_sigset which);
int check_kill_permission(int sig, const tgs_siginfo *info, struct task *t, struct task *sender);
void flush_signal_handlers(struct task *t, int force_default);  /* exec: caught -> SIG_DFL */
/* ledger buckets */
enum { LEDGER_DELIVERED, LEDGER_IGNORED, LEDGER_COALESCED, LEDGER_OVERFLOWED, LEDGER_FLUSHED,
       LEDGER_DISCARDED,
       LEDGER_QUEUED };          /* not a bucket: n new instances now pending (running total) */
/* The buckets DELIVERED, FLUSHED and DISCARDED take instances out of the queues: noting them
 * lowers the running pending count (ledger.pending), QUEUED raises it. tgs_check recounts the
 * queues and compares. */
static inline void ledger_note(struct tgs_world *w, int bucket, long n)
{
    if (n <= 0) return;
    uint64_t v = (uint64_t)n;
    switch (bucket) {
    case LEDGER_QUEUED: w->ledger.pending += v; return;
    case LEDGER_IGNORED: w->ledger.ignored += v; return;
    case LEDGER_COALESCED: w->ledger.coalesced += v; return;
    case LEDGER_OVERFLOWED: w->ledger.overflowed += v; return;
    case LEDGER_DELIVERED: w->ledger.delivered += v; break;
    case LEDGER_FLUSHED: w->ledger.flushed += v; break;
    default: w->ledger.discarded += v; break;
    }
    w->ledger.pending -= v;               /* out of a queue */
}
#define sigpending_add_kill tgs__sigpending_add_kill
#define sigqueue_cache_destroy tgs__sigqueue_cache_destroy
#define sig_fatal tgs__sig_fatal
/* needed by core-B: a zap (zap_other_threads, de_thread) sets SIGKILL with this, so the bit is
 * not counted as a generated signal by the ledger. Does not wake. */
void sigpending_add_kill(struct task *t);
/* needed by core-B: call at the end of tgs_world_free, after the users are freed (frees the
 * free lists of sigqueue entries and RT counts, and the user table) */
void sigqueue_cache_destroy(struct tgs_world *w);
bool sig_fatal(struct task *t, int sig);                 /* SIG_DFL and terminate/core class */
#define free_sigframes tgs__free_sigframes
#define copy_sigframes tgs__copy_sigframes
/* needed by core-B: the task's handler-frame array (deliver.c). free_sigframes at free_task;
 * copy_sigframes when fork copies the memory image (before anything else can fail: -ENOMEM) */
void free_sigframes(struct task *t);
int copy_sigframes(struct task *p, const struct task *cur);

/* ==== process path (core-B) ================================================================== */
#define do_group_exit tgs__do_group_exit
#define do_exit tgs__do_exit
#define zap_other_threads tgs__zap_other_threads
#define do_signal_stop tgs__do_signal_stop
#define task_participate_group_stop tgs__task_participate_group_stop
#define do_notify_parent tgs__do_notify_parent
#define do_notify_parent_cldstop tgs__do_notify_parent_cldstop
#define do_jobctl_cld_notify tgs__do_jobctl_cld_notify
#define is_current_pgrp_orphaned tgs__is_current_pgrp_orphaned
#define task_alloc tgs__task_alloc
#define thread_group_empty tgs__thread_group_empty
#define release_task tgs__release_task
#define task_clear_jobctl_pending tgs__task_clear_jobctl_pending
#define task_set_jobctl_pending tgs__task_set_jobctl_pending
#define kill_orphaned_pgrp tgs__kill_orphaned_pgrp
#define will_become_orphaned_pgrp tgs__will_become_orphaned_pgrp
#define syscall_task tgs__syscall_task
#define wake_up_state tgs__wake_up_state
#define wake_up_parent tgs__wake_up_parent
#define check_process_path tgs__check_process_path

void do_group_exit(struct task *t, int exit_code);       /* marks group exit, zaps, then do_exit */
void do_exit(struct task *t, int code);                  /* the task becomes a zombie or is released */
int zap_other_threads(struct task *t);                   /* SIGKILL bit + wake in every other thread */
bool do_signal_stop(struct task *t, int signr);          /* false: the stop was cancelled */
bool task_participate_group_stop(struct task *t);        /* true: t completed the group stop */
bool do_notify_parent(struct task *t, int sig);          /* true: auto-reaped */
void do_notify_parent_cldstop(struct task *t, int why);  /* CLD_STOPPED / CLD_CONTINUED */
int do_jobctl_cld_notify(struct task *t);                 /* get_signal: pending SIGNAL_CLD_* -> notify; 1 if sent */
bool is_current_pgrp_orphaned(struct task *t);
bool thread_group_empty(struct task *t);
struct task *task_alloc(struct tgs_world *w);            /* zeroed task with a new pid */
void release_task(struct task *p);                       /* unhash, free; may release a zombie leader */
void task_clear_jobctl_pending(struct task *t, unsigned mask);   /* STOP_PENDING also clears CONSUME|DEQUEUED */
bool task_set_jobctl_pending(struct task *t, unsigned mask);     /* false if t is dying */
void kill_orphaned_pgrp(struct task *tsk, struct task *parent);
bool will_become_orphaned_pgrp(struct tgs_world *w, tgs_pid pgrp, struct task *ignored);
/* core-B syscalls: the calling task, or NULL with *err = -ESRCH (no such/dead) or -EBUSY
 * (stopped or asleep in another syscall). Also a scheduling point: tasks released in their own
 * do_exit are freed here. Inline: every syscall goes through it. */
void free_deferred_tasks(struct tgs_world *w);           /* task.c */
static inline struct task *syscall_task(struct tgs_world *w, tgs_pid self, int *err)
{
    if (w && w->deferred_free) free_deferred_tasks(w);   /* a scheduling point */
    struct task *t = find_task_by_pid(w, self);
    if (!t || t->exit_state || (t->flags & PF_EXITING)) { *err = -ESRCH; return NULL; }
    if (t->state == TASK_STOPPED || t->sc.asleep || t->in_fork) { *err = -EBUSY; return NULL; }
    *err = 0;
    return t;
}
/* wakes t if its state is in `mask` (bit 1<<TASK_*): state = RUNNING, TGS_EV_WAKE, ops->wake */
bool wake_up_state(struct task *t, unsigned mask);
void wake_up_parent(struct task *p, struct task *parent);  /* __wake_up_parent: wake parent's group waiters p satisfies */
/* needed by core-A's tgs_check: the process path's invariants (thread lists, nr_threads/live,
 * children lists, pgrp lists, pid table). 0 = fine, -1 with a description in why. */
int check_process_path(const struct tgs_world *w, char *why, size_t len);
#define for_each_pgrp_member(w, pgid, p) \
    for (struct task *p = ((pgid) > 0 && (pgid) <= (w)->pid_max) ? (w)->pgrp_head[pgid] : NULL; p; p = p->pgrp_next)

#define for_each_thread(sig, t) for (struct task *t = (sig)->thread_head; t; t = t->thread_next)

/* is_global_init: t belongs to the root namespace's init group (pid 1) */
static inline bool is_global_init(const struct task *t)
{
    return t->world->init && t->signal == t->world->init->signal;
}

#endif
