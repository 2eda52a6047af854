/* model.h - the model's side of the benchmarks, driven through tgsig.h and the tiny host. */
#ifndef TGS_BENCH_MODEL_H
#define TGS_BENCH_MODEL_H

#include "host.h"

/* ---- 1-3: micro benchmarks on one single-threaded process P ------------------------------- */
struct mmicro { struct mhost h; tgs_pid p; };
int mmicro_setup(struct mmicro *m, char *why, size_t whylen);
void mmicro_free(struct mmicro *m);
int mbatch_tgkill_wait(void *ctx, long iters);     /* tgkill(self) + run + sigtimedwait + run */
int mbatch_sigqueue_wait(void *ctx, long iters);   /* rt_sigqueueinfo(self) + ... */
int mbatch_handler(void *ctx, long iters);         /* tgkill(self) + run(HANDLER) + sigreturn + run */

/* Bytes (through the allocator hooks) per queued siginfo: queue k RT signals to P. */
int mbench_siginfo_bytes(struct mmicro *m, int k, double *bytes, double *mem_in_use_bytes,
                         char *why, size_t whylen);

/* ---- 4, 5: group stop / continue / exit of an N-thread process ----------------------------- */
struct mgroup {
    struct mhost h;
    tgs_pid shell, app;
    int n;
    double bytes_per_thread;        /* allocator-hook bytes per created thread */
    double inuse_per_thread;        /* tgs_mem_in_use delta per created thread */
};
/* World: init -> shell -> app with n threads, all parked in pause(). */
int mgroup_build(struct mgroup *g, int n, char *why, size_t whylen);
void mgroup_free(struct mgroup *g);
/* One operation each, timed; ns for the whole group (send + every thread's kernel time + the
 * parent's wait4 that reports it). */
int mgroup_stop(struct mgroup *g, double *ns, char *why, size_t whylen);
int mgroup_cont(struct mgroup *g, double *ns, char *why, size_t whylen);
int mgroup_exit(struct mgroup *g, double *ns, char *why, size_t whylen);   /* consumes app */

/* ---- 6: thread selection ------------------------------------------------------------------- */
/* n threads spinning in user space, all but one blocking SIGUSR1 (handled); the eligible thread
 * changes (pseudo-randomly) between process-directed kills. ns per send+delivery cycle; checks
 * that the handler ran in the one eligible thread (the kernel's only possible choice). */
int mbench_select(int n, long sends, int reps, double *ns, char *why, size_t whylen);

/* ---- 8: reparenting ------------------------------------------------------------------------ */
/* In a group of n threads, a thread with k children exits; ns per child (the exit of a
 * childless thread subtracted). Median over reps. */
int mbench_reparent(int n, int k, int reps, double *ns_per_child, double *base_ns, char *why,
                    size_t whylen);

#endif
