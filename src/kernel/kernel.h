/* kernel.h - the real-kernel runner used by `tgsig check` (Linux only).
 *
 * kr_run executes a parsed scenario on the machine's own kernel: real processes (fork),
 * real threads (pthreads, but every signal-related call is a raw syscall), real handlers,
 * /proc for states and status blocks, and tracefs (when root) for signal_generate /
 * signal_deliver / sched_process_exit events. The result is a tgs_obs comparable with the
 * simulator's (see src/scenario/obs.h). Every run is bounded in time, happens in a fresh
 * process tree under a forked supervisor and, as root, under the runner's own init: pid 1 of
 * a fresh pid namespace in a fresh identity-mapped user namespace (kr_ns.c), so kill -1 and
 * SigQ see only the scenario's processes. It leaves nothing running, mounted or traced, also
 * when the caller is killed (see kr_trace.c and kr_sup.c), and several runs may go at once. */
#ifndef TGS_KERNEL_H
#define TGS_KERNEL_H

#include <stddef.h>
#include "scenario/scenario.h"
#include "scenario/obs.h"

typedef struct kr_options {
    int use_tracefs;            /* 1 = try tracefs (needs root) */
    int timeout_ms;             /* per settle; <= 0 means 3000 */
    int verbose;                /* 1 = progress on stderr */
} kr_options;

/* 1 if real-kernel runs are possible here; else 0 and a reason in why. */
int kr_available(char *why, size_t len);

/* Run f on the real kernel. out must be obs_init'ed by the caller or zeroed; kr_run calls
 * obs_init itself. Returns 0 when the run completed, -1 when it failed (out->error says why;
 * an error starting with "skip:" means the scenario cannot run here, e.g. kernel threads). */
int kr_run(const sc_file *f, const kr_options *opt, tgs_obs *out);

/* Test-only hook: when non-zero, `spin` does not mark its thread as spinning, so the step
 * never settles (used to test the bounded settle timeout). */
extern int kr_test_unmarked_spin;

/* When non-zero (or when the environment has TGSIG_KR_NO_NS=1), runs do not use the runner's
 * own user and pid namespaces (see kr_ns.c): the world is forked by the supervisor in the
 * caller's namespaces, and kill -1 / raw-pid scenarios are skipped. For tests and debugging. */
extern int kr_no_ns;

#endif
