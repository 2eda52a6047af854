/* scenario.h - the parsed form of a .tgs scenario file (see docs/scenario.md).
 *
 * This is the contract between the parser (src/scenario), the simulator (src/sim) and the
 * real-kernel runner (src/kernel). All names are resolved at parse time: processes and threads
 * are referred to by index. Signals use kernel numbering (1..64). Sets are 64-bit masks with bit
 * n-1 for signal n. */
#ifndef TGS_SCENARIO_H
#define TGS_SCENARIO_H

#include <stdint.h>
#include <stddef.h>

#define SC_MAX_NAME 32
#define SC_MAX_BODY 8          /* actions in one handler body */

typedef struct sc_loc { int line, col; } sc_loc;

enum sc_policy { SC_POLICY_OTHER, SC_POLICY_FIFO, SC_POLICY_RR };
enum sc_preempt { SC_PREEMPT_NONE, SC_PREEMPT_FULL, SC_PREEMPT_RT };

/* A thread declared in the world or created by a `clone` step. */
typedef struct sc_thread {
    char name[SC_MAX_NAME];
    int proc;                  /* index into sc_file.procs */
    int policy;                /* enum sc_policy */
    int prio;                  /* 1..99 for fifo/rr, 0 for other */
    int nice;                  /* -20..19 */
    int cpu;                   /* -1 = any */
    int created_by_step;       /* -1 = world; else index of the clone/fork step (exec keeps entries) */
    sc_loc loc;
} sc_thread;

/* A process declared in the world or created by a `fork` step. */
typedef struct sc_proc {
    char name[SC_MAX_NAME];
    int parent;                /* proc index, -1 = child of the runner itself */
    int uid, euid, suid;
    int cap_kill;              /* 1 unless nocapkill or uid/euid != 0 */
    int pgrp_of;               /* -1 = default; else join this proc's group */
    int new_session;           /* session=new */
    int is_init;               /* init of a new pid namespace */
    int subreaper;
    int kernel;                /* kernel thread */
    long sigpending;           /* RLIMIT_SIGPENDING, -1 = machine default */
    int pdeathsig;             /* 0 = none */
    int created_by_step;       /* -1 = world; else the fork step */
    int first_thread;          /* index of its leader in sc_file.threads */
    sc_loc loc;
} sc_proc;

/* Target of a send or wait. */
enum sc_target_kind {
    SC_T_NONE,
    SC_T_PROC,                 /* tgid of proc */
    SC_T_THREAD,               /* tid of thread */
    SC_T_PGRP,                 /* -pgid of proc's group */
    SC_T_ZERO,                 /* 0: own process group */
    SC_T_ALL,                  /* -1 */
    SC_T_RAW                   /* raw number */
};
typedef struct sc_target {
    int kind;                  /* enum sc_target_kind */
    int proc;                  /* SC_T_PROC / SC_T_PGRP; for SC_T_THREAD the thread's process; else -1 */
    int thread;                /* SC_T_THREAD, else -1 */
    long raw;                  /* SC_T_RAW */
} sc_target;

enum sc_action_kind {
    SC_A_NONE,
    /* masks and actions */
    SC_A_SIGPROCMASK, SC_A_SIGACTION,
    /* sends */
    SC_A_KILL, SC_A_TKILL, SC_A_TGKILL, SC_A_SIGQUEUE, SC_A_RT_SIGQUEUEINFO,
    SC_A_RT_TGSIGQUEUEINFO, SC_A_PIDFD_SEND, SC_A_RAISE, SC_A_PTHREAD_KILL,
    /* waiting */
    SC_A_PAUSE, SC_A_SIGSUSPEND, SC_A_SIGWAITINFO, SC_A_SIGTIMEDWAIT, SC_A_SIGNALFD,
    SC_A_SIGNALFD_READ, SC_A_READ, SC_A_WRITE, SC_A_NANOSLEEP, SC_A_SPIN,
    /* faults, stacks */
    SC_A_FAULT, SC_A_SIGALTSTACK,
    /* process life */
    SC_A_FORK, SC_A_CLONE, SC_A_EXEC, SC_A_EXIT, SC_A_EXIT_GROUP, SC_A_WAIT, SC_A_WAITID,
    SC_A_SETSID, SC_A_SETPGID, SC_A_PRCTL_PDEATHSIG, SC_A_PRCTL_SUBREAPER,
    /* handler-body only */
    SC_A_BLOCK, SC_A_UNBLOCK, SC_A_SAVEDMASK_ADD, SC_A_SAVEDMASK_DEL,
    /* no-op */
    SC_A_SETTLE,
    SC_A__COUNT
};

enum sc_how { SC_HOW_BLOCK = 0, SC_HOW_UNBLOCK = 1, SC_HOW_SETMASK = 2 };
enum sc_disp { SC_DISP_DEFAULT, SC_DISP_IGNORE, SC_DISP_HANDLER };
enum sc_scope { SC_SCOPE_DEFAULT, SC_SCOPE_THREAD, SC_SCOPE_GROUP, SC_SCOPE_PGRP };

/* One action: a step's syscall or a handler-body item. */
typedef struct sc_action {
    int kind;                  /* enum sc_action_kind */
    sc_loc loc;
    int sig;                   /* signal, or raw number for sends with `raw` */
    int raw;                   /* `raw` given: sig may be any int (sends, sigaction) */
    uint64_t set;              /* SET argument */
    sc_target target;
    int how;                   /* sigprocmask: enum sc_how, or raw how if how_raw */
    int how_raw;
    int size;                  /* sigsetsize, 8 by default */
    /* sigaction */
    int disp;                  /* enum sc_disp */
    unsigned long sa_flags;    /* kernel SA_* values */
    uint64_t sa_mask;
    int body_len;
    struct sc_action *body;    /* handler body actions (heap, body_len entries) */
    /* sends */
    int has_code; int code;    /* si_code for rt_sigqueueinfo */
    long value;                /* si_value */
    int tgid_proc;             /* tgkill tgid=PROC, -1 = the thread's own */
    int scope;                 /* pidfd scope */
    /* waits and sleeps */
    long timeout_ms;           /* sigtimedwait/nanosleep; -1 = none */
    int nonblock;
    int wait_opts;             /* kernel W* bits */
    /* sigaltstack */
    long ss_size;              /* 0 with ss_disable */
    int ss_disable, ss_autodisarm;
    /* exit */
    int code_exit;
    /* fork/clone/exec: the new proc or thread index */
    int new_proc, new_thread;
    /* setpgid */
    int pgid_proc;             /* -1 = own pid */
} sc_action;

/* What `=> RESULT` asserts. */
enum sc_result_kind { SC_R_NONE, SC_R_VALUE, SC_R_ERRNO, SC_R_BLOCKED };
typedef struct sc_result { int kind; long value; sc_loc loc; } sc_result;  /* errno as positive */

typedef struct sc_step {
    int actor_proc;
    int actor_thread;          /* thread index, or -1 for PROC.* (all threads) */
    sc_action act;
    sc_result expect;          /* => RESULT */
    sc_loc loc;
} sc_step;

/* Expectations. */
enum sc_cond_kind {
    SC_C_EXITED, SC_C_KILLED_BY, SC_C_DUMPED, SC_C_STOPPED, SC_C_ALIVE, SC_C_STATE,
    SC_C_HANDLED, SC_C_NOT_HANDLED, SC_C_DELIVERED, SC_C_HANDLER_ORDER, SC_C_HANDLER_MASK,
    SC_C_HANDLER_CODE, SC_C_HANDLER_VALUE, SC_C_HANDLER_PID, SC_C_FIELD, SC_C_RESULT,
    SC_C_WAITED, SC_C_EXIT_ORDER
};
#define SC_MAX_LIST 16
typedef struct sc_cond {
    int kind;                  /* enum sc_cond_kind */
    int proc;                  /* subject process */
    int thread;                /* subject thread, -1 = the process; -2 = PROC.*. Thread conditions
                                  (state, handled, ..., waited) never get -1: a bare PROC subject
                                  is stored as its leader thread. exit-order: proc = thread = -1 */
    int sig;                   /* SIG argument (0 = any for `stopped`) */
    long num;                  /* exit code, times (-1 = any number >= 1), value, code */
    int num_set;
    uint64_t set;              /* handler-mask */
    char state;                /* SC_C_STATE letter */
    char field[16];            /* SC_C_FIELD name */
    char text[40];             /* SC_C_FIELD value */
    int other_proc;            /* handler-pid / waited child; -1 = 0 */
    int wait_kind;             /* SC_C_WAITED: 'e' exited, 'k' killed, 'd' dumped, 's' stopped,
                                  'c' continued */
    sc_result result;          /* SC_C_RESULT */
    int list_len;              /* handler-order signals or exit-order threads */
    int list[SC_MAX_LIST];
    sc_loc loc;
} sc_cond;

typedef struct sc_expect {
    int after_step;            /* checked after this many steps have run */
    int n_alt;
    sc_cond *alt;              /* alternatives ("or") */
    sc_loc loc;
} sc_expect;

typedef struct sc_status {
    int after_step;
    int n;
    int *threads;              /* thread indexes */
    sc_loc loc;
} sc_status;

typedef struct sc_file {
    char path[256];
    int cpus;
    int preempt;               /* enum sc_preempt */
    int n_procs, n_threads, n_steps, n_expects, n_status;
    /* procs/threads include those created by fork/clone steps (created_by_step >= 0); a fork
     * child's thread `main` follows the threads declared before it, so a process's threads are
     * not contiguous: select them by sc_thread.proc. */
    sc_proc *procs;
    sc_thread *threads;
    sc_step *steps;
    sc_expect *expects;
    sc_status *status;
    int uses_tracefs_only;     /* some expect needs kernel trace events (delivered) */
} sc_file;

/* Parse `text` (len bytes; need not be NUL-terminated) named `path`. On success returns 0 and
 * fills *out. On error returns -1, writes "path:line:col: message" into err (errlen bytes) and
 * leaves *out empty. Never aborts; handles any bytes. */
int sc_parse(const char *path, const char *text, size_t len, sc_file *out, char *err, size_t errlen);
int sc_parse_file(const char *path, sc_file *out, char *err, size_t errlen);
void sc_free(sc_file *f);

/* Name helpers shared by every part. */
const char *sc_signame(int sig);              /* "SIGTERM", "SIGRTMIN+3"; "SIG?" out of range */
int sc_sig_from_name(const char *s);          /* -1 if unknown */
const char *sc_errname(int err);              /* positive errno -> "EINVAL"; "E?" if unknown */
int sc_err_from_name(const char *s);          /* -1 if unknown */
const char *sc_action_name(int kind);         /* "kill", "sigprocmask", ... */

#endif
