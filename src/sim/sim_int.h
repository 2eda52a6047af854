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

/* What only some threads need, allocated when first needed (sim_ext) and freed at death: the
 * handler frames, the out-parameters of blocking calls (the core keeps their address while
 * the call sleeps, so they must not move), pipe bytes. */
typedef struct sim_ext {
    sim_frame frames[SIM_MAX_DEPTH];
    int wstatus;
    tgs_siginfo info;
    int pipe_bytes;             /* written to it, not read yet */
} sim_ext;

/* One simulated thread, kept small (a world may have 100k of them): hot scheduling fields
 * first, narrow types, the name in the sim's name arena, the rest in sim_ext. */
typedef struct sim_thread {
    uint64_t vruntime;
    sim_ext *ext;               /* NULL until needed */
    uint32_t rq_pos;            /* where in its run queue (rq.c) */
    tgs_pid tid, first_tid;
    int32_t proc;               /* sim process index */
    uint32_t name;              /* offset of "app.main" in sim.names */
    int32_t act_step;           /* the step whose action is in flight (sim_act), -1 */
    uint32_t timer_gen;
    int8_t state, work, need_run, depth;
    int8_t policy, nice, cpu_aff, prio;
    int8_t cpu, last_cpu, rq;   /* cpu: current on (-1); rq: queue (-1 none, ncpu = global) */
    uint8_t inflight;           /* the outer syscall has not returned */
    uint8_t reported_blocked, spin_top, spin_handled; /* spin_handled: a handler ran meanwhile */
    uint8_t timer_armed, open_slices;                 /* open_slices: perfetto B/E nesting */
    uint8_t sleep_kind;         /* sc action kind it sleeps in */
    /* for the summary and --explain */
    uint8_t last_sig, last_sig_gexit, last_sig_handled, stop_sig;
    int16_t last_sig_code;
    uint16_t exit_code;         /* the wait status */
    int32_t last_sig_step, last_sig_from;
    int32_t exit_step, stop_step;
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

/* A run queue (rq.c): entries ordered by (k, seq). */
typedef struct sim_rqe { uint64_t k; int64_t seq; int t; uint32_t slot; } sim_rqe;
typedef struct sim_rq {
    int id;                     /* the rq value of the threads it holds */
    int live;                   /* threads queued */
    sim_rqe *heap;              /* out-of-order inserts */
    int n, cap;
    sim_rqe *ring;              /* in-order inserts, a ring of rcap (a power of 2) */
    int head, len, rcap;
    uint32_t next_slot;
} sim_rq;

typedef struct sim_cpu {
    int cur;                    /* thread index, -1 = idle */
    uint64_t free_at;           /* when its current work unit ends */
    int need_resched;
    sim_rq pinned;              /* threads with affinity to this CPU */
    int64_t cur_seq;            /* the run-queue seq cur had when it was picked */
    uint64_t spin_since;        /* when cur started spinning here */
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
    char *names;                /* thread names, NUL-terminated, sim_thread.name is an offset */
    size_t names_len, names_cap;
    int32_t *tidmap;
    int tidmap_len;
    sim_cpu cpus[SIM_MAX_CPUS];
    int ncpu, preempt;
    sim_rq global;              /* runnable threads without affinity */
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
    long check_budget;          /* EVERY checks left before STEP (AUTO), < 0: no limit */
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
static inline const char *sim_name(const sim *s, int t) { return s->names + s->th[t].name; }
/* the step action thread t is running, NULL */
static inline const sc_action *sim_act(const sim *s, int t)
{
    return s->th[t].act_step >= 0 ? &s->f->steps[s->th[t].act_step].act : NULL;
}
sim_ext *sim_ext_of(sim *s, int t);
void sim_ext_drop(sim *s, int t);
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
void sim_timer_arm(sim *s, int t, uint64_t deadline);
void sim_preempt_point(sim *s, int user);

/* rq.c */
int sim_rq_init(sim_rq *q, int id);
void sim_rq_free(sim_rq *q);
int sim_rq_add(sim *s, sim_rq *q, int t, uint64_t key, int64_t seq);
void sim_rq_del(sim *s, sim_rq *q, int t);
/* The smallest entry of q, NULL if it is empty. The ring's head is always live: only
 * sim_rq_del makes entries stale, and it drops them when they reach the head. */
static inline const sim_rqe *sim_rq_top(const sim_rq *q)
{
    const sim_rqe *r = q->len ? &q->ring[q->head] : NULL, *h = q->n ? &q->heap[0] : NULL;
    if (!r || !h)
        return r ? r : h;
    return h->k < r->k || (h->k == r->k && h->seq < r->seq) ? h : r;
}
const sim_rqe *sim_rq_entry(const sim *s, const sim_rq *q, int k);
int sim_rq_slots(const sim_rq *q);
int64_t sim_rq_seq(const sim *s, const sim_rq *q, int t);

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
