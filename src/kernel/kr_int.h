/* kr_int.h - internals of the real-kernel runner shared by the files of src/kernel.
 *
 * Everything the supervisor, the scenario threads and the caller share lives in one
 * MAP_SHARED region (a memfd, so an exec'd image can map it again at the same address). */
#ifndef TGS_KR_INT_H
#define TGS_KR_INT_H

#include <stdint.h>
#include <stddef.h>
#include "kernel.h"

#define KR_MAXT 128             /* scenario threads */
#define KR_MAXP 64              /* scenario processes */
#define KR_MAXEV 8192           /* events in the shared log */
#define KR_MAXLVL 4             /* pid namespace levels below the supervisor's */
#define KR_ARENA ((size_t)256 * 1024)  /* copy of the sc_file */
#define KR_MAGIC 0x7467736bu
#define KR_BOGUS_PID 0x3ffffff0 /* above PID_MAX_LIMIT: always ESRCH */
#define KR_EXEC_ARGV0 "tgsig-kr-exec"

enum kr_phase { KP_NONE, KP_IDLE, KP_RUN, KP_SYSCALL, KP_TIMED, KP_SPIN, KP_EXEC };
enum kr_cmd { KC_STEP = 1, KC_FORKWORLD, KC_FINISHWORLD };

typedef struct kr_slot {
    int registered, gone, exit_recorded, configured;
    int tid, orig_tid;          /* global tids (tid changes on exec from a non-leader) */
    int level;                  /* pid-ns level relative to the supervisor */
    int ns_tid[KR_MAXLVL], ns_tgid[KR_MAXLVL];
    int phase, sysc_step, blocked_reported;
    unsigned cmd_seq, ack_seq;
    int cmd_kind, cmd_step, cmd_arg;
    int hdepth, hspin;
    unsigned hcount;
    int pipe_r, pipe_w, sfd;
    int exec_step;              /* step in which this thread exec'd, -1 */
    int exec_old_tid;           /* its tid before the exec */
} kr_slot;

typedef struct kr_pslot {
    int pid;                    /* global tgid, 0 = not created */
    unsigned long long start;   /* /proc starttime, to avoid signalling a reused pid */
    int reaped, wait_status, has_status;
} kr_pslot;

typedef struct kr_ev { int valid; obs_event e; } kr_ev;

typedef struct kr_shm {
    unsigned magic;
    void *self;                 /* address of this mapping (same in every image) */
    size_t size;
    int fd;
    sc_file f;                  /* copy; its arrays point into arena */
    int caller_pid, sup_pid, sup_nslevels;
    int cur_step;
    long long deadline_ns;      /* CLOCK_MONOTONIC: spins give up after this */
    int go, unsafe;
    int top_pgid;               /* process group of the top-level processes */
    unsigned char *snap;        /* snap[i]: an expect follows step i (state snapshot) */
    /* The namespace mode (kr_ns.c): the world runs under the runner's own init, pid 1 of a fresh
       pid namespace inside a fresh user namespace (identity-mapped), so kill(-1) reaches only the
       scenario's processes and SigQ / RLIMIT_SIGPENDING counts are the scenario's own. */
    int ns_mode;                /* 1 = the world lives in the runner's namespaces */
    int ns_required;            /* the scenario cannot run without them (kill -1, raw pids) */
    int init_pid;               /* global pid of the runner's init, 0 = none */
    unsigned long long init_start;
    int init_mapped, init_ready;
    unsigned init_cmd_seq, init_done_seq;
    int init_cmd_arg;
    int trace_on, trace_fd;     /* trace_fd: the tracefs root (see kr_trace.c), -1 = none */
    char trace_dir[200];        /* the instance, relative to trace_fd */
    char err[200];
    /* SigQ baselines (see kr_sup.c, sigq_baselines): the first SigQ number counts the queued
       entries of the receiver's whole real uid, so readings are made relative to these. */
    int n_sigq_uid;
    int sigq_uid[KR_MAXP + 1];
    long sigq_base[KR_MAXP + 1];        /* -1 = could not be measured */
    long sigq_probe;                    /* written by the probe child */
    int nev;
    kr_ev ev[KR_MAXEV];
    kr_slot th[KR_MAXT];
    kr_pslot pr[KR_MAXP];
    size_t arena_used;
    char arena[KR_ARENA];
} kr_shm;

extern kr_shm *kr_g;            /* the shared region in this image */

/* kr_util.c */
long long kr_now_ns(void);
void kr_sleep_us(long us);
long kr_rs(long r);             /* syscall() return -> value or -errno */
obs_event *kr_emit(int kind, int step, int thread);
void kr_emit_done(obs_event *e);
int kr_read_file(const char *path, char *buf, size_t len);
int kr_write_file(const char *path, const char *text);
int kr_futex_wait(unsigned *addr, unsigned val, long timeout_us);
void kr_futex_wake(unsigned *addr);
int kr_copy_file(kr_shm *g, const sc_file *src, char *err, size_t len);
int kr_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kr_proc.c */
char kr_thread_state(int tgid, int tid);      /* 0 = gone */
int kr_stat_field(int tgid, int tid, int field, unsigned long long *v);
int kr_self_ids(int *tid, int *tgid, int *ns_tid, int *ns_tgid, int *nlev);
int kr_read_status(int tgid, int tid, obs_status *st, const kr_shm *g);   /* SigQ made relative */
long kr_sigq_base(const kr_shm *g, int uid);
int kr_proc_of_pid(const kr_shm *g, int level, int pid);   /* -1 none */
int kr_thread_of_tid(const kr_shm *g, int tid);            /* global tid -> thread, -1 */
int kr_thread_off_cpu(int tgid, int tid);                  /* wchan: 1 asleep, 0 on a rq */

/* kr_thread.c */
void kr_thread_loop(int idx) __attribute__((noreturn));
void kr_child_start(int proc, int world) __attribute__((noreturn));
void kr_world_fork(int proc);   /* fork (or clone a new pid ns for `init`) process `proc` */
int kr_start_thread(int idx);   /* pthread for scenario thread idx; waits for registration */
void kr_register(int idx, int proc);
void kr_finish_world(int proc); /* creds, pdeathsig, subreaper, threads */

/* kr_act.c (signals, handler, sends) and kr_do.c (the dispatcher, blocking calls, life) */
extern __thread int kr_tls_idx;
extern __thread int kr_tls_other;
long kr_do_action(const sc_action *a, int step, int idx, void *uc);
int kr_install_handler(const sc_action *a);
void kr_reset_signals(void);
long kr_send(const sc_action *a, int idx);
long kr_altstack(const sc_action *a);
long kr_fault(int sig);
long kr_mask_action(const sc_action *a, void *uc);
long kr_target_num(const sc_target *t, int lvl);
int kr_tls_depth(void);
uint64_t kr_ignored_set(void);
void kr_exec_fixup(uint64_t ign);
void kr_tls_reset(int idx);
void kr_tls_noaltstack(void);
void kr_fix_libc_signals(void);

/* kr_sup.c */
void kr_supervisor(const kr_options *opt) __attribute__((noreturn));
void kr_kill_all(void);

/* kr_ns.c */
int kr_ns_start(void);          /* supervisor: create the runner's init; -1 = not possible */
int kr_ns_fork_world(int proc); /* supervisor: the runner's init forks top-level process proc */
void kr_ns_kill(void);          /* SIGKILL the runner's init (and so its whole namespace) */

/* kr_trace.c */
int kr_trace_open(kr_shm *g, char *why, size_t len);   /* before the supervisor is forked */
int kr_trace_setup(kr_shm *g, int sup_pid, char *why, size_t len);
void kr_trace_marker(const kr_shm *g, const char *text);
void kr_trace_stop(const kr_shm *g);
int kr_trace_collect(const kr_shm *g, tgs_obs *tmp);
void kr_trace_remove(const kr_shm *g);    /* async-signal-safe */
void kr_trace_teardown(kr_shm *g);

#endif
