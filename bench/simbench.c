/* simbench.c - the simulator's side of the benchmarks (see simbench.h).
 *
 * Scenarios are generated as text in memory and parsed with sc_parse (so every default is the
 * parser's), then run with sim_run; parsing is never timed. */
#include "simbench.h"
#include "bench.h"

#ifndef HAVE_SIM
void part_sim(void)
{
    printf("\n== 7: simulator throughput; 4 through sim_run ==\n");
    bench_result("7.sim", BR_SKIP, "the simulator (src/sim, sim_run) is not built yet");
}
#else
#include "sim/sim.h"
#include "scenario/scenario.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct sbuf { char *s; size_t len, cap; };

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t nc = (b->cap ? b->cap * 2 : 1 << 16) + (size_t)n;
        char *p = realloc(b->s, nc);
        if (!p)
            abort();
        b->s = p;
        b->cap = nc;
    }
}

/* The world: shell, and app (child of shell) with n threads t0..t(n-1). */
static void world(struct sbuf *b, int cpus, int n)
{
    sb_add(b, "machine cpus=%d\nprocess shell\nprocess app parent=shell\n", cpus);
    for (int i = 0; i < n; i++)
        sb_add(b, "  thread t%d\n", i);
}

static int parse(struct sbuf *b, sc_file *f, char *why, size_t whylen)
{
    memset(f, 0, sizeof *f);
    return sc_parse("bench.tgs", b->s, b->len, f, why, whylen);
}

/* Time one sim_run; returns ns or -1. */
static double run_once(const sc_file *f, FILE *out, int quiet, char *why, size_t whylen)
{
    sim_options o;
    memset(&o, 0, sizeof o);
    o.format = SIM_FMT_FTRACE;
    o.seed = 1;
    o.quiet = quiet;
    o.max_events = 2000000000L;
    o.check = SIM_CHECK_END;    /* the checker after the setup and the last step only */
    uint64_t t0 = bench_now_ns();
    int r = sim_run(f, &o, out, NULL, why, whylen);
    uint64_t t1 = bench_now_ns();
    return r == 0 ? (double)(t1 - t0) : -1.0;
}

static double run_median(const sc_file *f, FILE *out, int quiet, int reps, char *why, size_t whylen)
{
    double v[64];
    if (reps > 64)
        reps = 64;
    for (int i = 0; i < reps; i++)
        if ((v[i] = run_once(f, out, quiet, why, whylen)) < 0)
            return -1;
    return bench_median(v, reps);
}

/* Counting sink: events are the trace lines "comm-tid [cpu] sec.usec: event: ...". */
struct counter { long lines, events; int at_bol, is_comment; };
static ssize_t count_write(void *c, const char *buf, size_t n)
{
    struct counter *k = c;
    for (size_t i = 0; i < n; i++) {
        if (k->at_bol) {
            k->is_comment = buf[i] == '#' || buf[i] == ' ' || buf[i] == '\n';
            k->at_bol = 0;
        }
        if (buf[i] == '\n') {
            k->lines++;
            if (!k->is_comment)
                k->events++;
            k->at_bol = 1;
        }
    }
    return (ssize_t)n;
}

static long count_events(const sc_file *f, char *why, size_t whylen)
{
    struct counter k = { 0, 0, 1, 0 };
    cookie_io_functions_t io = { .read = NULL, .write = count_write, .seek = NULL, .close = NULL };
    FILE *out = fopencookie(&k, "w", io);
    if (!out)
        return -1;
    double r = run_once(f, out, 0, why, whylen);
    fclose(out);
    return r < 0 ? -1 : k.events;
}

/* 7: a large generated scenario mixing sends, handlers, restarts and job control. */
static int gen_parse(int threads, int rounds, sc_file *f, char *why, size_t whylen);

/* Rounds such that one run takes about 0.5 s (at most 20000, 2000 with --quick), from a
 * calibration run of 1000 rounds: the simulator's speed decides the size, so the part stays
 * within the time budget. */
static void throughput(void)
{
    int threads = 64, rounds = 1000, cap = bopt.quick ? 2000 : 20000;
    sc_file f;
    char why[512];
    if (gen_parse(threads, rounds, &f, why, sizeof why) != 0) {
        bench_result("7.sim.throughput", BR_ERROR, "generated scenario does not parse: %s", why);
        return;
    }
    double t = run_once(&f, NULL, 1, why, sizeof why);
    sc_free(&f);
    if (t > 0) {
        double r = rounds * 0.5e9 / t;
        rounds = r > cap ? cap : r < 100 ? 100 : (int)r;
    }
    if (gen_parse(threads, rounds, &f, why, sizeof why) != 0) {
        bench_result("7.sim.throughput", BR_ERROR, "generated scenario does not parse: %s", why);
        return;
    }
    long ev = count_events(&f, why, sizeof why);
    FILE *devnull = fopen("/dev/null", "w");
    int reps = bopt.quick ? 3 : 5;
    double off = ev > 0 ? run_median(&f, NULL, 1, reps, why, sizeof why) : -1;
    double on = ev > 0 && devnull ? run_median(&f, devnull, 0, reps, why, sizeof why) : -1;
    if (devnull)
        fclose(devnull);
    if (ev <= 0 || off < 0 || on < 0) {
        bench_result("7.sim.throughput", BR_ERROR, "sim_run failed: %s", why);
    } else {
        double roff = ev / (off / 1e9), ron = ev / (on / 1e9);
        bench_note("scenario: %d threads, %d steps, %ld trace events per run", threads, f.n_steps, ev);
        bench_result("7.sim.events/s.trace-off", roff >= 10e6 ? BR_PASS : BR_SHORT,
                     "model=%.3fM/s  target>=10M/s", roff / 1e6);
        bench_result("7.sim.events/s.ftrace>null", ron >= 2e6 ? BR_PASS : BR_SHORT,
                     "model=%.3fM/s  target>=2M/s", ron / 1e6);
    }
    sc_free(&f);
}

static int gen_parse(int threads, int rounds, sc_file *f, char *why, size_t whylen)
{
    struct sbuf b = { 0 };
    world(&b, 4, threads);
    sb_add(&b, "app.t0: sigaction SIGUSR1 handler flags=SA_RESTART\n");
    sb_add(&b, "app.t0: sigaction SIGRTMIN+1 handler flags=SA_RESTART|SA_SIGINFO\n");
    sb_add(&b, "app.*: read\n");
    for (int r = 0; r < rounds; r++) {
        sb_add(&b, "shell: kill app SIGUSR1\n");
        sb_add(&b, "shell: tkill app.t%d SIGUSR1\n", (r * 7) % threads);
        sb_add(&b, "shell: sigqueue app SIGRTMIN+1 value=%d\n", r);
        if (r % 16 == 15)
            sb_add(&b, "shell: kill app SIGSTOP\nshell: kill app SIGCONT\n");
    }
    int r = parse(&b, f, why, whylen);
    free(b.s);
    return r;
}

/* 4 through sim_run, timed inside the run: the on_step hook of sim_options stamps the start
 * and the settling of every step, so a measured span is exactly the steps it names (the send,
 * every woken thread's runs, the parent's wait), without the setup or the teardown. */
#define GROUP_CYCLES_MAX 20
struct stamps {
    uint64_t t0, setup;             /* sim_run called; setup settled */
    uint64_t *at;                   /* [2 * step + settled] */
    int nsteps;
    size_t heap0, heap_setup;       /* malloc'd bytes before sim_run and once set up */
    size_t core_setup;              /* tgs_mem_in_use once set up */
    int nth;
};

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void stamp(void *arg, const sim_progress *p)
{
    struct stamps *st = arg;
    uint64_t now = bench_now_ns();
    if (p->step < 0) {
        st->setup = now;
        st->heap_setup = heap_in_use();
        st->core_setup = p->core_mem;
        st->nth = p->n_threads;
    } else if (p->step < st->nsteps) {
        st->at[2 * p->step + p->settled] = now;
    }
}

/* From the start of step a to the settling of step b. */
static double span(const struct stamps *st, int a, int b)
{
    return (double)(st->at[2 * b + 1] - st->at[2 * a]);
}

static int run_stamped(const sc_file *f, struct stamps *st, char *why, size_t whylen)
{
    sim_options o;
    memset(&o, 0, sizeof o);
    o.format = SIM_FMT_FTRACE;
    o.seed = 1;
    o.quiet = 1;
    o.max_events = 2000000000L;
    o.check = SIM_CHECK_END;
    o.on_step = stamp;
    o.on_step_arg = st;
    memset(st->at, 0, sizeof(uint64_t) * 2 * (size_t)st->nsteps);
    st->heap0 = heap_in_use();
    st->t0 = bench_now_ns();
    return sim_run(f, &o, NULL, NULL, why, whylen);
}

struct simgroup { double setup, sc, ex, sim_bytes, core_bytes; };

/* reps runs of the scenario of N threads, `cycles` stop/continue cycles then an exit: medians
 * of the setup, one stop+continue cycle and the exit; memory per thread from the first run. */
static int sim_group_runs(const sc_file *f, int n, int cycles, int reps, struct simgroup *g,
                          char *why, size_t whylen)
{
    double su[16], sc[16], ex[16];
    struct stamps st = { .nsteps = f->n_steps };
    st.at = calloc(2 * (size_t)f->n_steps, sizeof(uint64_t));
    if (!st.at)
        return -1;
    for (int r = 0; r < reps; r++) {
        if (run_stamped(f, &st, why, whylen) != 0) {
            free(st.at);
            return -1;
        }
        double cyc[GROUP_CYCLES_MAX];
        for (int c = 0; c < cycles; c++)
            cyc[c] = span(&st, 4 * c, 4 * c + 3);
        sc[r] = bench_median(cyc, cycles);
        ex[r] = span(&st, 4 * cycles, 4 * cycles + 1);
        su[r] = (double)(st.setup - st.t0);
        if (r == 0) {
            g->core_bytes = (double)st.core_setup / n;
            g->sim_bytes = ((double)(st.heap_setup - st.heap0) - (double)st.core_setup) / n;
        }
    }
    free(st.at);
    g->setup = bench_median(su, reps);
    g->sc = bench_median(sc, reps);
    g->ex = bench_median(ex, reps);
    return 0;
}

static int group_parse(int n, int cycles, sc_file *f, char *why, size_t whylen)
{
    struct sbuf b = { 0 };
    world(&b, 2, n);
    for (int c = 0; c < cycles; c++)
        sb_add(&b, "shell: kill app SIGSTOP\nshell: wait app opts=WUNTRACED\n"
                   "shell: kill app SIGCONT\nshell: wait app opts=WCONTINUED\n");
    sb_add(&b, "shell: kill app SIGTERM\nshell: wait app\n");
    int r = parse(&b, f, why, whylen);
    free(b.s);
    return r;
}

static void group_lines(int n, const struct simgroup *g, const struct kgroup_result *k)
{
    char name[64], x[32], y[32], z[32];
    double ksc = k->stop_ns + k->cont_ns;
    bench_note("N=%d: setup (sim_run until the world has settled) %s", n, bench_fmt_ns(g->setup, z));
    snprintf(name, sizeof name, "4.sim.stop+cont.N=%d", n);
    bench_result(name, ksc / g->sc >= 50 ? BR_PASS : BR_SHORT,
                 "model=%-9s kernel=%-9s ratio=%.1fx  target>=50x", bench_fmt_ns(g->sc, x),
                 bench_fmt_ns(ksc, y), ksc / g->sc);
    snprintf(name, sizeof name, "4.sim.exit.N=%d", n);
    bench_result(name, k->exit_ns / g->ex >= 50 ? BR_PASS : BR_SHORT,
                 "model=%-9s kernel=%-9s ratio=%.1fx  target>=50x", bench_fmt_ns(g->ex, x),
                 bench_fmt_ns(k->exit_ns, y), k->exit_ns / g->ex);
}

/* The simulator's own memory per thread: heap growth of the process from sim_run's start to
 * the settled setup (malloc's view, chunk headers included), minus the core's
 * tgs_mem_in_use, over N threads. */
static void mem_line(int n, const struct simgroup *g)
{
    double tot = g->sim_bytes + g->core_bytes;
    bench_result("5.mem.per-thread(sim)", BR_INFO, "N=%d: simulator=%.0fB core=%.0fB "
                 "total=%.0fB (target for core+simulator <=512B)", n, g->sim_bytes, g->core_bytes,
                 tot);
}

static void group(void)
{
    int ns[3] = { 100, 1000, 10000 };
    for (int i = 0; i < 3; i++) {
        int n = ns[i];
        if (bopt.quick && n > 1000)
            continue;
        int cycles = n >= 10000 ? 5 : GROUP_CYCLES_MAX, reps = n >= 10000 ? 3 : 5;
        sc_file f;
        char why[512], kwhy[256], name[64];
        struct simgroup g;
        struct kgroup_result k;
        snprintf(name, sizeof name, "4.sim.group.N=%d", n);
        if (group_parse(n, cycles, &f, why, sizeof why) != 0) {
            bench_result(name, BR_ERROR, "generated scenario does not parse: %s", why);
            continue;
        }
        memset(&g, 0, sizeof g);
        int ok = sim_group_runs(&f, n, cycles, reps, &g, why, sizeof why) == 0;
        if (!ok)
            bench_result(name, BR_ERROR, "sim_run: %s", why);
        else if (kbench_group(n, n >= 10000 ? 5 : bopt.reps, n >= 10000 ? 3 : 5, &k, kwhy,
                              sizeof kwhy) != 0)
            bench_result(name, BR_SKIP, "kernel: %s", kwhy);
        else
            group_lines(n, &g, &k);
        if (ok && (n == 10000 || (bopt.quick && n == 1000)))
            mem_line(n, &g);
        sc_free(&f);
    }
}

void part_sim(void)
{
    printf("\n== 7: simulator throughput; 4 through sim_run (timed from step to step) ==\n");
    throughput();
    group();
}
#endif
