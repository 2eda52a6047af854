/* main.c - tgsig-bench: the model against the real kernel, side by side in one run.
 *
 * Usage: tgsig-bench [--quick] [--only=PART[,PART...]] [--reps=N] [--scale-max=N] [-v]
 * PARTs: micro group scale mem select sim reparent. See bench/README.md. */
#include "bench.h"
#include "model.h"
#include "simbench.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *only;

static int want(const char *part)
{
    if (!only)
        return 1;
    size_t n = strlen(part);
    for (const char *p = only; (p = strstr(p, part)) != NULL; p += n)
        if ((p == only || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return 1;
    return 0;
}

static void machine_line(void)
{
    char model[128] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                char *c = strchr(line, ':');
                if (c) {
                    snprintf(model, sizeof model, "%s", c + 2);
                    model[strcspn(model, "\n")] = 0;
                }
                break;
            }
        fclose(f);
    }
    struct utsname u;
    uname(&u);
    long mem_mb = sysconf(_SC_PHYS_PAGES) / 1024 * sysconf(_SC_PAGESIZE) / 1024;
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    printf("tgsig-bench %s\nmachine: %s, %ld CPUs, %ld MiB, Linux %s %s; %s\n", tgs_version(), model,
           sysconf(_SC_NPROCESSORS_ONLN), mem_mb, u.release, u.machine, date);
    printf("method: median of %d repetitions, batches of ~%.0f ms, model and kernel interleaved%s\n\n",
           bopt.reps, bopt.batch_ms, bopt.quick ? " (--quick)" : "");
}

static void ratio_line(const char *name, double m, double k, double r, double target)
{
    char a[32], b[32];
    bench_result(name, r >= target ? BR_PASS : BR_SHORT, "model=%-9s kernel=%-9s ratio=%.1fx  target>=%gx",
                 bench_fmt_ns(m, a), bench_fmt_ns(k, b), r, target);
}

/* ---- 1-3 ----------------------------------------------------------------------------------- */
static void part_micro(void)
{
    printf("== 1-3: send + dequeue / handler delivery (one op = the pair) ==\n");
    struct mmicro m;
    char why[256];
    if (mmicro_setup(&m, why, sizeof why) != 0) {
        bench_result("micro", BR_ERROR, "model setup: %s", why);
        mmicro_free(&m);
        return;
    }
    struct { const char *name; bench_batch_fn mf, kf; double target; } t[3] = {
        { "1.thread-sig.send+dequeue", mbatch_tgkill_wait, kbench_tgkill_wait, 50 },
        { "2.rt-siginfo.send+dequeue", mbatch_sigqueue_wait, kbench_sigqueue_wait, 30 },
        { "3.handler.send+frame+sigret", mbatch_handler, kbench_handler, 30 },
    };
    for (int i = 0; i < 3; i++) {
        double mn, kn, r;
        if (bench_pair(t[i].mf, &m, t[i].kf, NULL, bopt.reps, bopt.batch_ms, &mn, &kn, &r) != 0)
            bench_result(t[i].name, BR_ERROR, "a batch failed (model or kernel)");
        else
            ratio_line(t[i].name, mn, kn, r, t[i].target);
    }
    kbench_cleanup();
    mmicro_free(&m);
}

/* ---- 4 ------------------------------------------------------------------------------------- */
struct mgroup_res { double stop, cont, exit; };

static int model_group(int n, int reps, int exit_reps, struct mgroup_res *out, double *bpt,
                       double *upt, char *why, size_t whylen)
{
    double st[64], ct[64], et[64];
    struct mgroup g;
    for (int e = 0; e < exit_reps; e++) {
        if (mgroup_build(&g, n, why, whylen) != 0) {
            mgroup_free(&g);
            return -1;
        }
        if (bpt) {
            *bpt = g.bytes_per_thread;
            *upt = g.inuse_per_thread;
        }
        if (e == 0)
            for (int i = 0; i < reps; i++)
                if (mgroup_stop(&g, &st[i], why, whylen) != 0 ||
                    mgroup_cont(&g, &ct[i], why, whylen) != 0) {
                    mgroup_free(&g);
                    return -1;
                }
        if (mgroup_exit(&g, &et[e], why, whylen) != 0) {
            mgroup_free(&g);
            return -1;
        }
        mgroup_free(&g);
    }
    out->stop = bench_median(st, reps);
    out->cont = bench_median(ct, reps);
    out->exit = bench_median(et, exit_reps);
    return 0;
}

static void part_group(void)
{
    printf("\n== 4: group stop / continue / exit of an N-thread process (one op = whole group) ==\n");
    int ns[3] = { 100, 1000, 10000 };
    for (int i = 0; i < 3; i++) {
        int n = ns[i];
        if (bopt.quick && n > 1000)
            continue;
        int reps = n >= 10000 ? 5 : bopt.reps, exit_reps = n >= 10000 ? 3 : 5;
        char why[256], name[64];
        struct kgroup_result k;
        struct mgroup_res m;
        if (model_group(n, reps, exit_reps, &m, NULL, NULL, why, sizeof why) != 0) {
            snprintf(name, sizeof name, "4.group.N=%d", n);
            bench_result(name, BR_ERROR, "model: %s", why);
            continue;
        }
        if (kbench_group(n, reps, exit_reps, &k, why, sizeof why) != 0) {
            snprintf(name, sizeof name, "4.group.N=%d", n);
            bench_result(name, BR_SKIP, "kernel: %s", why);
            continue;
        }
        snprintf(name, sizeof name, "4.group-stop.N=%d", n);
        ratio_line(name, m.stop, k.stop_ns, k.stop_ns / m.stop, 50);
        snprintf(name, sizeof name, "4.group-cont.N=%d", n);
        ratio_line(name, m.cont, k.cont_ns, k.cont_ns / m.cont, 50);
        snprintf(name, sizeof name, "4.group-exit.N=%d", n);
        ratio_line(name, m.exit, k.exit_ns, k.exit_ns / m.exit, 50);
    }
}

static double phys_bytes(void)
{
    return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
}

/* ---- 5 ------------------------------------------------------------------------------------- */
static void flat_line(const char *name, const char *unit, const long *ns_, const double *v, int n,
                      double target)
{
    char text[400];
    size_t off = 0;
    double lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0)
            continue;
        if (lo == 0 || v[i] < lo)
            lo = v[i];
        if (v[i] > hi)
            hi = v[i];
        char nb[32];
        if (ns_[i] >= 1000000 && ns_[i] % 1000000 == 0)
            snprintf(nb, sizeof nb, "%ldM", ns_[i] / 1000000);
        else if (ns_[i] >= 1000 && ns_[i] % 1000 == 0)
            snprintf(nb, sizeof nb, "%ldk", ns_[i] / 1000);
        else
            snprintf(nb, sizeof nb, "%ld", ns_[i]);
        off += (size_t)snprintf(text + off, sizeof text - off, "%s%s=%.1f", off ? " " : "", nb, v[i]);
        if (off >= sizeof text)
            break;
    }
    double r = lo > 0 ? hi / lo : 0;
    bench_result(name, lo > 0 && r <= target ? BR_PASS : BR_SHORT, "%s/%s  max/min=%.2fx  target<=%gx",
                 text, unit, r, target);
}

static void part_scale(void)
{
    printf("\n== 5: per-thread cost of group stop / exit, and memory ==\n");
    long ns[4] = { 1000, 10000, 100000, 1000000 };
    double stop[4], cont[4], exit_[4], mem_per_thread = 0;
    int cnt = 0;
    for (int i = 0; i < 4; i++) {
        long n = ns[i];
        stop[i] = cont[i] = exit_[i] = -1;
        if (n > bopt.scale_max || (bopt.quick && n > 10000))
            continue;
        struct mgroup_res m;
        char why[256];
        int reps = n >= 1000000 ? 3 : 5, exit_reps = n >= 100000 ? 1 : 3;
        double b, u;
        uint64_t t0 = bench_now_ns();
        if (mem_per_thread > 0 && (double)n * mem_per_thread > 0.6 * phys_bytes()) {
            bench_result("5.scale", BR_SKIP, "N=%ld: needs ~%.1f GiB at %.0f B per thread, more "
                         "than 60%% of this machine's memory", n,
                         (double)n * mem_per_thread / (1 << 30), mem_per_thread);
            continue;
        }
        if (model_group((int)n, reps, exit_reps, &m, &b, &u, why, sizeof why) != 0) {
            bench_result("5.scale", BR_SKIP, "N=%ld: %s", n, why);
            continue;
        }
        if (bopt.verbose)
            bench_note("N=%ld took %.1f s", n, (double)(bench_now_ns() - t0) / 1e9);
        mem_per_thread = b;
        stop[i] = m.stop / (double)n;
        cont[i] = m.cont / (double)n;
        exit_[i] = m.exit / (double)n;
        cnt = i + 1;
    }
    if (cnt) {
        flat_line("5.scale.stop-per-thread", "ns", ns, stop, cnt, 2);
        flat_line("5.scale.exit-per-thread", "ns", ns, exit_, cnt, 2);
    }
}

static void part_mem(void)
{
    printf("\n== 5: memory through the allocator hooks ==\n");
    struct mgroup g;
    char why[256];
    if (mgroup_build(&g, 10000, why, sizeof why) != 0)
        bench_result("5.mem.per-thread(core)", BR_ERROR, "%s", why);
    else
        bench_result("5.mem.per-thread(core)", g.bytes_per_thread <= 512 ? BR_PASS : BR_SHORT,
                     "model=%.0fB (tgs_mem_in_use %.0fB)  target<=512B", g.bytes_per_thread,
                     g.inuse_per_thread);
    mgroup_free(&g);
    struct mmicro mm;
    double sb, su;
    /* 4096 entries: enough for an exact per-entry figure (the dequeue side is O(queue length)
     * per entry in the current core, see docs/benchmarks.md) */
    if (mmicro_setup(&mm, why, sizeof why) != 0 ||
        mbench_siginfo_bytes(&mm, 4096, &sb, &su, why, sizeof why) != 0)
        bench_result("5.mem.per-siginfo", BR_ERROR, "%s", why);
    else
        bench_result("5.mem.per-siginfo", sb <= 64 ? BR_PASS : BR_SHORT,
                     "model=%.0fB (tgs_mem_in_use %.0fB)  target<=64B", sb, su);
    mmicro_free(&mm);
}

/* ---- 6 ------------------------------------------------------------------------------------- */
static void part_select(void)
{
    printf("\n== 6: thread selection, one eligible thread of N, eligible thread changes ==\n");
    long ns[5] = { 10, 100, 1000, 10000, 100000 };
    double v[5];
    int cnt = 0;
    for (int i = 0; i < 5; i++) {
        v[i] = -1;
        if (bopt.quick && ns[i] > 10000)
            continue;
        char why[256];
        long sends = ns[i] >= 100000 ? 200 : ns[i] >= 10000 ? 2000 : 20000;
        if (mbench_select((int)ns[i], sends, bopt.quick ? 3 : 5, &v[i], why, sizeof why) != 0) {
            bench_result("6.select", BR_ERROR, "N=%ld: %s", ns[i], why);
            v[i] = -1;
            continue;
        }
        cnt = i + 1;
    }
    if (cnt)
        flat_line("6.select.per-send", "ns", ns, v, cnt, 2);
}

/* ---- 8 ------------------------------------------------------------------------------------- */
/* One exit per repetition: more of them where the exit is short (K = 100 is ~2 us, where one
 * interrupt moves a single figure by 2x). */
static int reparent_reps(int k)
{
    int reps = k <= 100 ? 41 : k <= 1000 ? 15 : 5;
    return bopt.quick && reps > 5 ? 5 : reps;
}

static void part_reparent(void)
{
    printf("\n== 8: exit of a thread with K children in a group of N threads (cost per child) ==\n");
    int nn[3] = { 10, 1000, 100000 }, kk[3] = { 100, 1000, 10000 };
    double v[9];
    long idx[9];
    int cnt = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            if (bopt.quick && (nn[a] > 1000 || kk[b] > 1000))
                continue;
            char why[256], name[64];
            double pc, base;
            snprintf(name, sizeof name, "8.reparent.N=%d,K=%d", nn[a], kk[b]);
            if (mbench_reparent(nn[a], kk[b], reparent_reps(kk[b]), &pc, &base, why, sizeof why) != 0) {
                bench_result(name, BR_ERROR, "%s", why);
                continue;
            }
            char x[32], y[32];
            bench_result(name, BR_INFO, "per-child=%s (childless thread exit %s)",
                         bench_fmt_ns(pc, x), bench_fmt_ns(base, y));
            v[cnt] = pc;
            idx[cnt] = cnt;
            cnt++;
        }
    if (cnt) {
        double lo = 0, hi = 0;
        for (int i = 0; i < cnt; i++) {
            if (lo == 0 || v[i] < lo)
                lo = v[i];
            if (v[i] > hi)
                hi = v[i];
        }
        (void)idx;
        bench_result("8.reparent.per-child", lo > 0 && hi / lo <= 2 ? BR_PASS : BR_SHORT,
                     "min=%.1fns max=%.1fns over the N x K grid  max/min=%.2fx  target<=2x", lo,
                     hi, lo > 0 ? hi / lo : 0);
    }
}

/* The hosts' allocator keeps freed memory for reuse, as the kernel's slab caches do with freed
 * task_structs: without this glibc gives the top of the heap back to the kernel (brk) on almost
 * every freed task, a system call per thread in every timed exit (bench/README.md). */
static void keep_freed_memory(void)
{
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            bopt.quick = 1;
            bopt.reps = 3;
            bopt.batch_ms = 20;
            bopt.scale_max = 10000;
        } else if (strncmp(argv[i], "--only=", 7) == 0)
            only = argv[i] + 7;
        else if (strncmp(argv[i], "--reps=", 7) == 0)
            bopt.reps = atoi(argv[i] + 7) > 0 ? atoi(argv[i] + 7) : 1;
        else if (strncmp(argv[i], "--scale-max=", 12) == 0)
            bopt.scale_max = atol(argv[i] + 12);
        else if (strcmp(argv[i], "-v") == 0)
            bopt.verbose = 1;
        else {
            fprintf(stderr, "usage: %s [--quick] [--only=micro,group,scale,select,sim,reparent] "
                    "[--reps=N] [--scale-max=N] [-v]\n", argv[0]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    keep_freed_memory();
    uint64_t t0 = bench_now_ns();
    machine_line();
    if (want("micro"))
        part_micro();
    if (want("group"))
        part_group();
    if (want("scale"))
        part_scale();
    if (want("mem"))
        part_mem();
    if (want("select"))
        part_select();
    if (want("sim"))
        part_sim();
    if (want("reparent"))
        part_reparent();
    bench_summary();
    printf("total time %.1f s\n", (double)(bench_now_ns() - t0) / 1e9);
    return 0;
}
