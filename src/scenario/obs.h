/* obs.h - what a run of a scenario observed, in a form both executors produce.
 *
 * The simulator (src/sim) and the real-kernel runner (src/kernel) each fill one tgs_obs for a
 * run of an sc_file. Everything is named by scenario indexes (proc / thread), never by pid, and
 * carries no timestamps or CPU numbers, so the two can be compared (obs_compare) and the same
 * `expect` lines can be evaluated on either (obs_eval). */
#ifndef TGS_OBS_H
#define TGS_OBS_H

#include "scenario.h"

enum obs_kind {
    OBS_RESULT,     /* a step's syscall returned: step, thread, value (>=0) or err (>0), blocked */
    OBS_HANDLER,    /* a handler started: thread, sig, code, other=si_pid as proc (-1 = 0, -2 = unknown),
                       value=si_value, mask=blocked inside the handler, depth (1 = outermost),
                       altstack (1 if running on the alternate stack) */
    OBS_DELIVER,    /* signal_deliver: thread dequeued sig (kernel side needs tracefs) */
    OBS_GENERATE,   /* signal_generate: thread = target thread, sig, res, grp (kernel: tracefs) */
    OBS_EXIT,       /* a thread exited (order of these events = exit order); value = exit code
                       as the kernel's sched_process_exit sees it is not compared */
    OBS_WAIT,       /* a wait step reported: thread = waiter, other = child proc, value = wait status
                       word (wait4) ; code = si_code for waitid */
    OBS_STATUS,     /* a `status` line: thread, status (below) */
    OBS_PROC_END,   /* end of run, per process: other = proc, value = how (obs_end), code = exit
                       code or signal */
    OBS_THREAD_END  /* end of run, per thread: thread, state letter in code ('R','S','T','Z','X') */
    /* PROC_END / THREAD_END may also be emitted as snapshots after any step (step = that step):
       obs_eval uses the latest one before an expectation, obs_compare the last one of each. An
       expectation after the last step sees every event, whatever its step. */
};

enum obs_end { OBS_END_ALIVE, OBS_END_EXITED, OBS_END_KILLED, OBS_END_DUMPED, OBS_END_STOPPED };

typedef struct obs_status {
    char state;                 /* 'R','S','D','T','t','X','Z' */
    int tgid_thread;            /* thread index whose tid equals Tgid (-1 unknown) */
    int pid_thread;             /* thread index of Pid */
    int ppid_proc;              /* process index of PPid; -1 = runner/outside; -2 = 0 */
    int threads;
    long sigq, sigq_limit;
    uint64_t pnd, shd, blk, ign, cgt;
} obs_status;

typedef struct obs_event {
    int kind;                   /* enum obs_kind */
    int step;                   /* index of the step during which it happened (-1 = setup) */
    int thread;                 /* scenario thread index, -1 = none/unknown */
    int sig;
    int err;                    /* positive errno, 0 = none */
    int blocked;                /* OBS_RESULT: still blocked when the step settled */
    long value;
    long code;
    int other;
    int depth;
    int altstack;
    int res, grp;               /* OBS_GENERATE */
    uint64_t mask;
    obs_status st;              /* OBS_STATUS */
} obs_event;

enum obs_cap {                  /* what the source could observe */
    OBS_CAP_TRACE = 1,          /* OBS_DELIVER / OBS_GENERATE events */
    OBS_CAP_EXIT_ORDER = 2,     /* OBS_EXIT order is meaningful */
    OBS_CAP_STATUS = 4          /* OBS_STATUS */
};

typedef struct tgs_obs {
    int caps;                   /* enum obs_cap bits */
    int n, cap;
    obs_event *ev;
    char error[256];            /* non-empty: the run itself failed (timeout, setup) */
    int n_threads;              /* threads known at the end (the sc_file may grow by clone/fork) */
} tgs_obs;

void obs_init(tgs_obs *o, int caps);
void obs_free(tgs_obs *o);
obs_event *obs_add(tgs_obs *o, int kind, int step, int thread);   /* zeroed event appended */

/* Evaluate expectation e (checked against the events with step < e->after_step).
 * Returns 1 = holds, 0 = fails (why says what happened instead), -1 = cannot be observed by this
 * source (why says what is missing). */
int obs_eval(const sc_file *f, const tgs_obs *o, const sc_expect *e, char *why, size_t whylen);

/* Compare a model run with a kernel run of the same file. Writes a readable diff into out
 * (outlen bytes, truncated with "..." if longer) and returns the number of differences. Only
 * what both sides observed is compared (caps). */
int obs_compare(const sc_file *f, const tgs_obs *model, const tgs_obs *kernel, char *out, size_t outlen);

/* obs_compare, except that differences about the subjects of expectations with `or`
 * alternatives (the threads and processes the file says the kernel may choose among) are not
 * printed or counted as differences; they are counted in *allowed (may be NULL). Used by
 * `tgsig check` for model-vs-kernel and kernel-vs-kernel (flakiness) comparisons. */
int obs_compare_allowing(const sc_file *f, const tgs_obs *a, const tgs_obs *b, int *allowed,
                         char *out, size_t outlen);

/* One event as a normalised text line (names, no pids): used by the comparator, --format jsonl
 * and tests. */
int obs_format(const sc_file *f, const obs_event *e, char *buf, size_t len);

#endif
