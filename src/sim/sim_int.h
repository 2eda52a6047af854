/* sim_int.h - the simulator's internal state (see sim.h for the model). */
#ifndef TGS_SIM_INT_H
#define TGS_SIM_INT_H

#include "tgsig.h"
#include "sim/sim.h"
#include <stdint.h>
#include <stdarg.h>

#define SIM_COST_NS 1000ULL                 /* one core call or tgs_run */
#define SIM_STEP_ALIGN_NS 1000000ULL        /* steps start on whole ms */
#define SIM_SETTLE_WINDOW_NS 1000000000ULL  /* settling waits for timers due within 1 s */
#define SIM_RR_SLICE_NS 100000000ULL        /* SCHED_RR time slice */
#define SIM_OTHER_SLICE_NS 3000000ULL       /* SCHED_OTHER slice between spinners */
#define SIM_RT_RUNTIME_NS 950000000ULL      /* RT throttling: RT may hog a CPU 950 ms */
#define SIM_MAX_DEPTH 8
#define SIM_MAX_CPUS 64
#define SIM_HANDLER_BASE 0x401000ULL        /* handler cookies: base + 0x40 * table index */
#define SIM_NEVER UINT64_MAX

enum sim_tstate {
    TS_NONE,        /* not created yet */
    TS_IDLE,        /* user space, waiting for its next action (off CPU) */
    TS_SPIN,        /* user space, spinning: wants a CPU, has no work */
    TS_RUN,         /* has work: queued or current on a CPU */
    TS_SLEEP,       /* asleep in a syscall */
    TS_STOPPED,     /* group stop */
    TS_DEAD
};
enum sim_work { W_NONE, W_CALL, W_RUN, W_BODY };

typedef struct sim_frame {
    int htab;                   /* handler table index, -1 = unknown cookie */
    int sig;
    int pos;                    /* next body action */
    tgs_sigset mask_or, mask_andnot;
    int spinning, nested_ran;
} sim_frame;

typedef struct sim_thread {
    int idx, proc;              /* proc: sim process index */
    char name[2 * SC_MAX_NAME + 2];   /* "app.main" */
    tgs_pid tid, first_tid;
    int state, work, need_run;
    int policy, prio, nice, cpu_aff;
    uint64_t vruntime;
    int cpu, last_cpu;          /* cpu: the CPU it is current on, -1 */
    int rq, heap_pos;           /* rq: queue holding it (-1 none, ncpu = global) */
    int64_t seq;
    uint64_t spin_since;
    /* the step action in flight */
    const sc_action *act;
    int act_step;
    int inflight;               /* the outer syscall has not returned */
    int reported_blocked;
    uint64_t call_start;
    int spin_top, spin_handled; /* top-level spin; a handler ran meanwhile */
    int last_result_set;
    sim_frame frames[SIM_MAX_DEPTH];
    int depth;
    /* out-parameters of blocking calls */
    int wstatus;
    tgs_siginfo info;
    int pipe_bytes;
    unsigned timer_gen;
    int timer_armed;
    /* for the summary and --explain */
    int sleep_kind;             /* sc action kind it sleeps in */
    int last_sig, last_sig_step, last_sig_from, last_sig_code, last_sig_gexit;
    uint64_t last_sig_handler;
    int exit_step, exit_code, exited, exit_by_exec;
    int stop_sig, stop_step;
    int open_slices;            /* perfetto B/E nesting */
    uint64_t run_since;
} sim_thread;

typedef struct sim_proc {
    char name[SC_MAX_NAME];
    int sc;                     /* scenario proc index, -1 = system */
    tgs_pid tgid;
    int created;
    int first, n;               /* its threads: ord[first .. first+n) */
    int leader;                 /* thread index */
    int end_kind, end_code;     /* from NOTIFY_PARENT (obs_end), -1 = none yet */
    int gexit, gexit_step, gexit_thread, gexit_code, gexit_cause_sig, gexit_cause_thread;
    int gen_sig, gen_step, gen_from, gen_grp, gen_target; /* last GENERATE of gexit cause */
    int exec_step, exec_thread;
} sim_proc;

typedef struct sim_heap { int *a; int n, cap; } sim_heap;

typedef struct sim_cpu {
    int cur;                    /* thread index, -1 = idle */
    uint64_t free_at;           /* when its current work unit ends */
    int need_resched;
    sim_heap pinned;            /* threads with affinity to this CPU */
    uint64_t run_since;
} sim_cpu;

typedef struct sim_timer { uint64_t deadline; uint64_t seq; int thread; unsigned gen; } sim_timer;

typedef struct sim_gen { int step, from, target, proc, sig, grp; } sim_gen;

typedef struct sim_flow { long id; int next; } sim_flow;
typedef struct sim_fq { uint64_t key; int head, tail; } sim_fq;

typedef struct sim {
    const sc_file *f;
    sim_options opt;
    FILE *out;
    tgs_obs *obs;
    tgs_world *w;
    sim_thread *th;
    int nth, cap_th;
    sim_proc *pr;
    int npr, cap_pr;
    int *ord;                   /* scenario threads grouped by process, file order */
    int32_t *tidmap;
    int tidmap_len;
    sim_cpu cpus[SIM_MAX_CPUS];
    int ncpu, preempt;
    sim_heap global;            /* runnable threads without affinity */
    sim_timer *timers;
    int ntimers, cap_timers, live_timers;
    uint64_t timer_seq;
    uint64_t now, rng, min_vr;
    uint64_t settle_limit;      /* timers due by then fire while settling */
    int64_t seq_tail, seq_head;
    const sc_action **htab;
    int nhtab;
    int step;                   /* step index being run, -1 = setup */
    int exec_cpu, exec_thread;  /* where the current work unit runs */
    int last_unit;              /* the thread that ran the last work unit */
    int n_ready;                /* threads in TS_RUN */
    long events, max_events;
    int check;                  /* enum sim_check, AUTO resolved */
    int runner, init;           /* thread indexes */
    tgs_pid top_pgid;           /* the group of the top-level processes */
    int failed;
    char *err;
    size_t errlen;
    const char *call_name;      /* the core call in progress (for error messages) */
    /* output */
    int emit;                   /* trace events are printed */
    int first_json;
    long next_flow;
    sim_flow *flows;
    int nflows, cap_flows, free_flow, nnodes;
    sim_fq *flow_ht;
    int flow_ht_len;
    sim_gen *glog;              /* generate log: who sent what (summary, explain) */
    int glog_n, glog_cap;
} sim;

/* sim.c */
void sim_fail(sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sim_after_call(sim *s, const char *what, int t);
int sim_thread_of_tid(const sim *s, tgs_pid tid);
void sim_map_tid(sim *s, tgs_pid tid, int t);
int sim_add_thread(sim *s, int proc, const char *name);
int sim_add_proc(sim *s, const char *name, int sc);
const char *sim_comm(const sim *s, int t);
int sim_proc_of_pid(const sim *s, tgs_pid pid);

/* sched.c */
uint64_t sim_rand(sim *s);
void sim_set_state(sim *s, int t, int state, int work);
void sim_wake(sim *s, int t);
int sim_settle(sim *s);
int sim_kprio(const sim_thread *t);
void sim_heap_init(sim_heap *h, int cap);
void sim_heap_free(sim_heap *h);
void sim_timer_arm(sim *s, int t, uint64_t deadline);
void sim_preempt_point(sim *s, int user);

/* thread.c */
void sim_unit(sim *s, int t);
void sim_run_now(sim *s, int t);
int sim_start_action(sim *s, int t, const sc_action *a, int step);
void sim_record_blocked(sim *s, int t);

/* actions.c */
long sim_do_call(sim *s, int t, const sc_action *a);
tgs_pid sim_target_pid(sim *s, int t, const sc_target *tg);
int sim_fmt_action(const sim *s, const sc_action *a, char *buf, size_t len);
int sim_action_blocks(const sc_action *a);

/* host.c */
void sim_host_ops(sim *s, tgs_host_ops *ops);

/* fmt.c: trace text without stdio's formatting cost */
typedef struct sim_buf { size_t n; char b[512]; } sim_buf;
static inline void sim_buf_init(sim_buf *b) { b->n = 0; b->b[0] = 0; }
void sim_buf_put(sim_buf *b, const char *s, size_t n);
void sim_buf_str(sim_buf *b, const char *s);
void sim_buf_chr(sim_buf *b, char c);
void sim_buf_u(sim_buf *b, unsigned long long v, int width);
void sim_buf_d(sim_buf *b, long long v);
void sim_buf_x(sim_buf *b, unsigned long long v);
void sim_buf_kd(sim_buf *b, const char *key, long long v);
void sim_buf_ks(sim_buf *b, const char *key, const char *v);

/* out.c */
void out_begin(sim *s);
void out_end(sim *s);
void out_step(sim *s, int step, int t, const char *text);
void out_text(sim *s, const char *text);
void out_core_event(sim *s, const tgs_event *ev);
void out_switch(sim *s, int cpu, int prev, int next);
void out_wakeup(sim *s, int t, int cpu);
void out_call(sim *s, int t, const char *what, int begin, long ret);
void out_handler(sim *s, int t, int begin, int sig);
void out_thread_meta(sim *s, int t);
void out_close_thread(sim *s, int t);
void out_json_str(FILE *o, const char *str);

/* summary.c */
void sim_summary(sim *s);
void sim_fill_end_obs(sim *s, int step);
void sim_status(sim *s, int t, int step);
void sim_note_event(sim *s, const tgs_event *ev);
const char *sim_signame(int sig);

#endif
