/* sim.h - the deterministic simulator: a host for libtgsig that runs a parsed scenario.
 *
 * The simulator owns everything the core leaves to its host: processes and threads mapped to
 * core tids, CPUs with per-CPU run queues, a virtual clock in ns, a scheduler (SCHED_OTHER by
 * nice-weighted vruntime, SCHED_FIFO / SCHED_RR by priority, RR slice 100 ms, CPU affinity,
 * wake-up preemption), one-shot timers, and the scenario interpreter.
 *
 * Model (what a reader of the trace needs to know)
 *  - The world: init (pid 1) forks a "runner" (the parent of every scenario process declared
 *    without parent=; like the real checker's supervisor it leads its own session and is a
 *    child subreaper). Scenario processes are forked in file order from their parent's leader;
 *    extra threads are cloned with CLONE_THREAD. The first top-level process (child of the
 *    runner) leads a new process group and the other top-level processes join it; a process
 *    with parent= stays in its parent's group; pgrp= and session=new override both.
 *  - Every scenario thread starts idle in user space, waiting for its next action (for
 *    "settled" it counts as blocked; a signal sent to it still interrupts it and runs handlers).
 *  - Each core call and each tgs_run costs 1 us of the CPU it runs on; each step starts on the
 *    next whole millisecond of virtual time. A step has settled when no thread has work left
 *    and no timer is due within 1 s of the step's start: a short timeout (sigtimedwait
 *    timeout=10, nanosleep 5) expires while settling, a long one (600000) stays armed and the
 *    call stays blocked (time does not jump ahead between steps).
 *  - Preemption points: at return to user space (all models); with preempt=full and
 *    preempt=rt also right after every core call (before the caller's own exit-to-user work);
 *    with preempt=rt a woken thread also preempts the lowest-priority running CPU it may use
 *    (rt push), not only the CPU it last ran on.
 *  - Open choices (which of several equally good CPUs, which of two CPUs that are free at the
 *    same instant goes first) come from an xorshift PRNG seeded by --seed: the same file and
 *    seed give byte-identical output.
 *
 * Output (sim_options.format)
 *  - ftrace: one line per event, `comm-tid [cpu] sec.usec: event: fields`, where comm is the
 *    process name of the task the event happens in (`<idle>-0` for none). signal_generate and
 *    signal_deliver carry exactly the kernel's tracepoint fields; the rest are our own events
 *    (sched_switch, sched_wakeup, signal_stop, signal_continue, tgsig_handler_enter/return,
 *    tgsig_group_exit, sched_process_exit, tgsig_notify_parent, tgsig_reparent,
 *    sched_process_exec, tgsig_syscall_restart, sched_process_fork, tgsig_syscall_return).
 *    `# step N (file:line): actor: action` precedes each step (N counts from 1), `# status`
 *    blocks where the scenario asks, and a summary (and with explain, the causal chains) ends it.
 *  - jsonl: the same events as one JSON object per line.
 *  - perfetto: Chrome trace-event JSON for ui.perfetto.dev (one track per thread, a track per
 *    CPU, syscall and handler slices, signal instants and generate->deliver flows).
 *  - quiet: no events or status blocks, only the summary (as text, whatever the format).
 *    With perfetto (not quiet) the output is only the JSON document, without a summary.
 */
#ifndef TGS_SIM_H
#define TGS_SIM_H

#include <stdio.h>
#include "scenario/scenario.h"
#include "scenario/obs.h"

enum sim_format { SIM_FMT_FTRACE, SIM_FMT_JSONL, SIM_FMT_PERFETTO };

/* When the core's invariant checker (tgs_check + tgs_ledger_balanced, each O(world)) runs:
 *  EVERY  after every core call (every syscall, tgs_run, timer firing): a broken invariant is
 *         reported at the call that broke it. The cost is O(world) per event.
 *  STEP   after the setup and after every step.
 *  END    after the setup and after the last step.
 *  OFF    never.
 *  AUTO   (0, the default) for small scenarios (at most SIM_CHECK_AUTO_THREADS threads and
 *         SIM_CHECK_AUTO_STEPS steps: the conformance corpus, the examples) EVERY for the first
 *         SIM_CHECK_AUTO_CALLS core calls, then STEP (a scenario that never settles stays
 *         bounded); END for larger scenarios, so that big runs stay linear. */
enum sim_check { SIM_CHECK_AUTO, SIM_CHECK_EVERY, SIM_CHECK_STEP, SIM_CHECK_END, SIM_CHECK_OFF };
#define SIM_CHECK_AUTO_THREADS 256
#define SIM_CHECK_AUTO_STEPS 1000
#define SIM_CHECK_AUTO_CALLS 20000

/* What an on_step hook is told (for benchmarks: timing a step, memory of a big world). */
typedef struct sim_progress {
    int step;                   /* step index; -1: the setup has settled */
    int settled;                /* 0: the step is about to start; 1: it has settled */
    long events;                /* scheduler events so far */
    size_t core_mem;            /* tgs_mem_in_use of the world */
    int n_threads;              /* simulator threads (scenario + system) */
} sim_progress;

typedef struct sim_options {
    int format;                 /* enum sim_format */
    unsigned long seed;         /* PRNG seed for open choices */
    int explain;                /* add causal chains to the summary */
    int quiet;                  /* no trace, only the summary */
    long max_events;            /* bound on scheduler events for the whole run; <= 0: 2M */
    int check;                  /* enum sim_check */
    /* Called before and after every step (and once when the setup has settled), outside the
     * checker; may be NULL. Does not change the run. */
    void (*on_step)(void *arg, const sim_progress *p);
    void *on_step_arg;
} sim_options;

/* Runs f; writes output to out (may be NULL); fills obs (may be NULL; caps and events are
 * added to it, obs_init is the caller's). Returns 0, or -1 with a message in err (a run-time
 * scenario error: did not settle within max_events, handler nesting > 8, a core invariant
 * broken, found when opt->check says) naming the step as "step N (file:line): ...". */
int sim_run(const sc_file *f, const sim_options *opt, FILE *out, tgs_obs *obs, char *err,
            size_t errlen);

#endif
