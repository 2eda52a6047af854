/* harness.c - clock, medians, side-by-side pairs and the result table of the benchmarks. */
#include "bench.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bench_opts bopt = { .reps = 7, .batch_ms = 50.0, .quick = 0, .scale_max = 1000000,
                           .verbose = 0 };

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0.0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return (n & 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double bench_time_batch(bench_batch_fn f, void *ctx, long iters)
{
    uint64_t t0 = bench_now_ns();
    if (f(ctx, iters) != 0)
        return -1.0;
    uint64_t t1 = bench_now_ns();
    return (double)(t1 - t0) / (double)iters;
}

long bench_calibrate(bench_batch_fn f, void *ctx, double target_ms)
{
    long iters = 1;
    double target_ns = target_ms * 1e6;
    for (;;) {
        uint64_t t0 = bench_now_ns();
        if (f(ctx, iters) != 0)
            return -1;
        double el = (double)(bench_now_ns() - t0);
        if (el >= target_ns / 8 || iters >= (1L << 40)) {
            double per = el / (double)iters;
            long n = per > 0 ? (long)(target_ns / per) : iters;
            return n < 1 ? 1 : n;
        }
        iters *= (el < target_ns / 1000) ? 16 : 2;
    }
}

int bench_pair(bench_batch_fn model, void *mctx, bench_batch_fn kernel, void *kctx, int reps,
               double target_ms, double *model_ns, double *kernel_ns, double *ratio)
{
    long mi = bench_calibrate(model, mctx, target_ms);
    long ki = bench_calibrate(kernel, kctx, target_ms);
    if (mi < 0 || ki < 0)
        return -1;
    double m[64], k[64], r[64];
    if (reps > 64)
        reps = 64;
    for (int i = 0; i < reps; i++) {
        /* alternate the order so neither side always runs on a warmer machine */
        if (i & 1) {
            k[i] = bench_time_batch(kernel, kctx, ki);
            m[i] = bench_time_batch(model, mctx, mi);
        } else {
            m[i] = bench_time_batch(model, mctx, mi);
            k[i] = bench_time_batch(kernel, kctx, ki);
        }
        if (m[i] < 0 || k[i] < 0)
            return -1;
        r[i] = m[i] > 0 ? k[i] / m[i] : 0.0;
    }
    *model_ns = bench_median(m, reps);
    *kernel_ns = bench_median(k, reps);
    *ratio = bench_median(r, reps);
    return 0;
}

/* ---- results ------------------------------------------------------------------------------- */
static int n_by[5];
static const char *verdict_name[5] = { "PASS", "SHORT", "SKIP", "", "ERROR" };

void bench_result(const char *name, int verdict, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (verdict == BR_INFO)
        printf("%-30s %s\n", name, text);
    else
        printf("%-30s %s  %s\n", name, text, verdict_name[verdict]);
    fflush(stdout);
    if (verdict >= 0 && verdict < 5)
        n_by[verdict]++;
}

void bench_note(const char *fmt, ...)
{
    va_list ap;
    printf("  # ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

int bench_summary(void)
{
    printf("\nsummary: %d PASS, %d SHORT, %d SKIP, %d ERROR\n", n_by[BR_PASS], n_by[BR_SHORT],
           n_by[BR_SKIP], n_by[BR_ERROR]);
    return n_by[BR_SHORT];
}

const char *bench_fmt_ns(double ns, char *buf)
{
    if (ns < 0)
        snprintf(buf, 32, "n/a");
    else if (ns < 1000)
        snprintf(buf, 32, "%.1fns", ns);
    else if (ns < 1e6)
        snprintf(buf, 32, "%.2fus", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, 32, "%.2fms", ns / 1e6);
    else
        snprintf(buf, 32, "%.2fs", ns / 1e9);
    return buf;
}
