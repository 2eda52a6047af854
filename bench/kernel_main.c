/* kernel_main.c - the real-kernel baselines alone (make -C bench kernel). */
#include "bench.h"

#include <string.h>

static int nop(void *ctx, long n)
{
    (void)ctx;
    for (volatile long i = 0; i < n; i++)
        ;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        bopt.quick = 1;
    printf("real-kernel baselines: median of %d batches of ~%.0f ms\n", bopt.reps, bopt.batch_ms);
    struct { const char *name; bench_batch_fn f; } t[3] = {
        { "tgkill(self)+rt_sigtimedwait", kbench_tgkill_wait },
        { "rt_sigqueueinfo+rt_sigtimedwait", kbench_sigqueue_wait },
        { "tgkill(self)->handler->sigreturn", kbench_handler },
    };
    for (int i = 0; i < 3; i++) {
        double m, k, r;
        char a[32];
        if (bench_pair(nop, NULL, t[i].f, NULL, bopt.reps, bopt.batch_ms, &m, &k, &r) != 0)
            bench_result(t[i].name, BR_ERROR, "batch failed");
        else
            bench_result(t[i].name, BR_INFO, "kernel=%s", bench_fmt_ns(k, a));
    }
    kbench_cleanup();
    int ns[3] = { 100, 1000, 10000 };
    for (int i = 0; i < 3; i++) {
        struct kgroup_result g;
        char why[256], name[64], a[32], b[32], c[32];
        snprintf(name, sizeof name, "group N=%d", ns[i]);
        if (kbench_group(ns[i], ns[i] >= 10000 ? 5 : bopt.reps, ns[i] >= 10000 ? 3 : 5, &g, why,
                         sizeof why) != 0)
            bench_result(name, BR_SKIP, "%s", why);
        else
            bench_result(name, BR_INFO, "stop=%s cont=%s exit=%s", bench_fmt_ns(g.stop_ns, a),
                         bench_fmt_ns(g.cont_ns, b), bench_fmt_ns(g.exit_ns, c));
    }
    return 0;
}
