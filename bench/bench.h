/* bench.h - shared pieces of the tgsig benchmarks (see bench/README.md).
 *
 * Every figure is a ratio or a median taken inside one run: the model side and the kernel side
 * of a comparison run interleaved, repetition by repetition, and the reported ratio is the median
 * of the per-repetition ratios. Nothing here is a timed test. */
#ifndef TGS_BENCH_H
#define TGS_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- clock and statistics ------------------------------------------------------------------ */
uint64_t bench_now_ns(void);                    /* CLOCK_MONOTONIC */
double bench_median(double *v, int n);          /* sorts v */

/* A batch runs `iters` operations; the harness times it. Returns 0, or -1 if the operation
 * failed (the harness then reports the measurement as an error). */
typedef int (*bench_batch_fn)(void *ctx, long iters);

/* Pick a batch size so that one batch takes about target_ms. Returns iters (>= 1) or -1. */
long bench_calibrate(bench_batch_fn f, void *ctx, double target_ms);
/* Run one batch; returns ns per operation, or -1 on failure. */
double bench_time_batch(bench_batch_fn f, void *ctx, long iters);

/* Side by side: `reps` repetitions, each a model batch and a kernel batch (~target_ms each).
 * Fills medians (ns/op) and the median of the per-repetition ratios kernel/model. 0 or -1. */
int bench_pair(bench_batch_fn model, void *mctx, bench_batch_fn kernel, void *kctx, int reps,
               double target_ms, double *model_ns, double *kernel_ns, double *ratio);

/* ---- results ------------------------------------------------------------------------------- */
enum { BR_PASS, BR_SHORT, BR_SKIP, BR_INFO, BR_ERROR };
/* Print one result line: "name  text  verdict" and record it for the summary. */
void bench_result(const char *name, int verdict, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int bench_summary(void);                        /* prints the totals; returns number of SHORT */
/* Human-readable duration: "12.3ns", "1.20us", "3.40ms". buf >= 32 bytes. */
const char *bench_fmt_ns(double ns, char *buf);

/* ---- options shared by the parts ----------------------------------------------------------- */
struct bench_opts {
    int reps;                   /* repetitions for the micro benchmarks (7) */
    double batch_ms;            /* target length of one batch (50) */
    int quick;                  /* --quick: smaller N, fewer repetitions */
    long scale_max;             /* largest thread count for the scale benchmark (1M) */
    int verbose;
};
extern struct bench_opts bopt;

/* ---- kernel side (kernel.c) ---------------------------------------------------------------- */
/* Batches for the kernel baselines. ctx is unused (NULL); each sets up its own signal state on
 * the first call and keeps it until bench_kernel_cleanup(). */
int kbench_tgkill_wait(void *ctx, long iters);       /* tgkill(self) + rt_sigtimedwait */
int kbench_sigqueue_wait(void *ctx, long iters);     /* rt_sigqueueinfo(self) + rt_sigtimedwait */
int kbench_handler(void *ctx, long iters);           /* tgkill(self) -> handler -> sigreturn */
void kbench_cleanup(void);

/* Group job control on a real child process with nthreads threads. Runs `reps` stop/continue
 * cycles and `exit_reps` exits (each exit needs a fresh child). Fills medians in ns per
 * operation (whole group). Returns 0, or -1 with a message in why (thread creation failed,
 * timeout, ...). */
struct kgroup_result { double stop_ns, cont_ns, exit_ns; int threads; };
int kbench_group(int nthreads, int reps, int exit_reps, struct kgroup_result *out,
                 char *why, size_t whylen);

#endif
