/* test_sim.c - the simulator: scheduler, preemption models, determinism, output formats, the
 * two seed stories (003, 004) and run-time errors. */
#include "t.h"
#include "sim/sim.h"
#include <stdlib.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------------------------------- */
typedef struct run {
    sc_file f;
    tgs_obs o;
    char *out;
    size_t len;
    int rc;
    char err[512];
} run;

static int run_text(run *r, const char *text, int format, unsigned long seed, long max_events)
{
    char perr[512];
    memset(r, 0, sizeof(*r));
    if (sc_parse("t.tgs", text, strlen(text), &r->f, perr, sizeof(perr)) != 0) {
        printf("  parse error: %s\n", perr);
        return -2;
    }
    obs_init(&r->o, 0);
    /* check: auto, i.e. after every core call for the small scenarios */
    sim_options so = { .format = format, .seed = seed, .explain = 1, .max_events = max_events };
    FILE *fp = open_memstream(&r->out, &r->len);
    r->rc = sim_run(&r->f, &so, fp, &r->o, r->err, sizeof(r->err));
    fclose(fp);
    return r->rc;
}

static void run_free(run *r)
{
    obs_free(&r->o);
    sc_free(&r->f);
    free(r->out);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(fp);
    return b;
}

static int run_file(run *r, const char *path, int format, unsigned long seed)
{
    char *text = slurp(path);
    if (!text) {
        printf("  cannot read %s\n", path);
        return -2;
    }
    int rc = run_text(r, text, format, seed, 0);
    free(text);
    return rc;
}

static int thread_idx(const sc_file *f, const char *proc, const char *name)
{
    for (int t = 0; t < f->n_threads; t++)
        if (!strcmp(f->threads[t].name, name) && !strcmp(f->procs[f->threads[t].proc].name, proc))
            return t;
    return -1;
}

/* Every expectation of the file holds on the simulator's observation. */
static int all_expects_hold(const run *r)
{
    int ok = 1;
    for (int i = 0; i < r->f.n_expects; i++) {
        char why[512];
        if (obs_eval(&r->f, &r->o, &r->f.expects[i], why, sizeof(why)) != 1) {
            printf("  expect at line %d fails: %s\n", r->f.expects[i].loc.line, why);
            ok = 0;
        }
    }
    return ok;
}

/* The threads in OBS_EXIT order, as indexes; returns the count. */
static int exit_order(const run *r, int *order, int max)
{
    int n = 0;
    for (int i = 0; i < r->o.n && n < max; i++)
        if (r->o.ev[i].kind == OBS_EXIT && r->o.ev[i].thread >= 0)
            order[n++] = r->o.ev[i].thread;
    return n;
}

static int last_deliver(const run *r, int t)
{
    int sig = 0;
    for (int i = 0; i < r->o.n; i++)
        if (r->o.ev[i].kind == OBS_DELIVER && r->o.ev[i].thread == t)
            sig = r->o.ev[i].sig;
    return sig;
}

static const obs_event *last_of(const run *r, int kind, int subj)
{
    const obs_event *e = NULL;
    for (int i = 0; i < r->o.n; i++) {
        const obs_event *x = &r->o.ev[i];
        if (x->kind == kind && (kind == OBS_PROC_END ? x->other : x->thread) == subj)
            e = x;
    }
    return e;
}

/* ---- a tiny JSON syntax checker ------------------------------------------------------------ */
typedef struct js { const char *p; int depth; } js;
static int j_value(js *j);
static void j_ws(js *j) { while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r') j->p++; }

static int j_string(js *j)
{
    if (*j->p != '"')
        return 0;
    for (j->p++; *j->p && *j->p != '"'; j->p++) {
        if ((unsigned char)*j->p < 0x20)
            return 0;
        if (*j->p == '\\' && !*++j->p)
            return 0;
    }
    return *j->p++ == '"';
}

static int j_number(js *j)
{
    char *end;
    strtod(j->p, &end);
    if (end == j->p)
        return 0;
    j->p = end;
    return 1;
}

static int j_seq(js *j, char close, int obj)
{
    j->p++;
    j_ws(j);
    if (*j->p == close) {
        j->p++;
        return 1;
    }
    for (;;) {
        j_ws(j);
        if (obj) {
            if (!j_string(j))
                return 0;
            j_ws(j);
            if (*j->p++ != ':')
                return 0;
        }
        if (!j_value(j))
            return 0;
        j_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        return *j->p++ == close;
    }
}

static int j_value(js *j)
{
    j_ws(j);
    if (++j->depth > 64)
        return 0;
    int ok;
    switch (*j->p) {
    case '{': ok = j_seq(j, '}', 1); break;
    case '[': ok = j_seq(j, ']', 0); break;
    case '"': ok = j_string(j); break;
    case 't': ok = !strncmp(j->p, "true", 4) && (j->p += 4); break;
    case 'f': ok = !strncmp(j->p, "false", 5) && (j->p += 5); break;
    case 'n': ok = !strncmp(j->p, "null", 4) && (j->p += 4); break;
    default: ok = j_number(j);
    }
    j->depth--;
    return ok;
}

static int json_valid(const char *text)
{
    js j = { text, 0 };
    if (!j_value(&j))
        return 0;
    j_ws(&j);
    return *j.p == 0;
}

static int count_str(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- the seeds ----------------------------------------------------------------------------- */
TEST(seed003_highest_priority_dies_first)
{
    run r;
    CHECK_EQ(run_file(&r, "examples/seed003_sigterm_rt.tgs", SIM_FMT_FTRACE, 1), 0);
    const sc_file *f = &r.f;
    int wd = thread_idx(f, "app", "wd"), net = thread_idx(f, "app", "net");
    int lg = thread_idx(f, "app", "log"), mn = thread_idx(f, "app", "main");
    int order[16], n = exit_order(&r, order, 16);
    CHECK_EQ(n, 4);
    if (n == 4) {
        CHECK_EQ(order[0], wd);
        CHECK_EQ(order[1], net);
        CHECK_EQ(order[2], lg);
        CHECK_EQ(order[3], mn);
    }
    CHECK_EQ(last_deliver(&r, wd), 9);
    CHECK_EQ(last_deliver(&r, net), 9);
    CHECK_EQ(last_deliver(&r, lg), 9);
    CHECK_EQ(last_deliver(&r, mn), 9);
    const obs_event *pe = last_of(&r, OBS_PROC_END, 1);
    CHECK(pe && pe->value == OBS_END_KILLED && pe->code == 15);
    CHECK(all_expects_hold(&r));
    CHECK_CONTAINS(r.out, "app: killed by SIGTERM");
    CHECK_CONTAINS(r.out, "  app.wd: dead, last signal dequeued SIGKILL (from group exit)");
    CHECK_CONTAINS(r.out, "app.net killed: SIGKILL from group exit started by SIGTERM (no handler, "
                          "default terminate) sent by shell.main at step 2");
    CHECK_CONTAINS(r.out, "signal_generate: sig=15 errno=0 code=0 comm=app pid=");
    CHECK_CONTAINS(r.out, "signal_deliver: sig=9 errno=0 code=0 sa_handler=0 sa_flags=0");
    CHECK_CONTAINS(r.out, "# step 2 (t.tgs:17): shell.main: kill app SIGTERM");
    run_free(&r);
}

TEST(seed004_group_stop_and_one_sigcont)
{
    run r;
    CHECK_EQ(run_file(&r, "examples/seed004_group_stop.tgs", SIM_FMT_FTRACE, 1), 0);
    CHECK(all_expects_hold(&r));
    CHECK_CONTAINS(r.out, "signal_stop: sig=19 group_stop_count=2");
    CHECK_CONTAINS(r.out, "signal_stop: sig=19 group_stop_count=0");
    CHECK_CONTAINS(r.out, "code=CLD_STOPPED");
    CHECK_CONTAINS(r.out, "code=CLD_CONTINUED");
    /* every app thread was stopped after step 3 and is back asleep at the end */
    int stopped = 0;
    for (int i = 0; i < r.o.n; i++)
        if (r.o.ev[i].kind == OBS_STATUS && r.o.ev[i].step == 2 && r.o.ev[i].st.state == 'T')
            stopped++;
    CHECK_EQ(stopped, 3);
    for (int t = 1; t < 4; t++) {
        const obs_event *e = last_of(&r, OBS_THREAD_END, t);
        CHECK(e && e->code == 'S');
    }
    run_free(&r);
}

/* ---- scheduler ----------------------------------------------------------------------------- */
TEST(fifo_priority_order_in_every_model)
{
    static const char *const models[] = { "none", "full", "rt" };
    for (int m = 0; m < 3; m++) {
        char text[600];
        snprintf(text, sizeof(text),
                 "machine cpus=1 preempt=%s\n"
                 "process shell\n"
                 "process app parent=shell\n"
                 "  thread a policy=fifo prio=10\n"
                 "  thread b policy=rr prio=90\n"
                 "  thread c policy=fifo prio=50\n"
                 "  thread d\n"
                 "app.*: pause\n"
                 "shell.main: kill app SIGKILL\n", models[m]);
        run r;
        CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
        int order[8], n = exit_order(&r, order, 8);
        CHECK_EQ(n, 4);
        if (n == 4) {
            CHECK_EQ(order[0], thread_idx(&r.f, "app", "b"));
            CHECK_EQ(order[1], thread_idx(&r.f, "app", "c"));
            CHECK_EQ(order[2], thread_idx(&r.f, "app", "a"));
            CHECK_EQ(order[3], thread_idx(&r.f, "app", "d"));
        }
        run_free(&r);
    }
}

/* The order of handler starts for a pgrp kill that reaches the (SCHED_OTHER) sender itself
 * and a sleeping SCHED_FIFO thread: with preempt=none the sender finishes its exit-to-user
 * work (frame setup) first; with full/rt the woken thread preempts right after the call. */
static int first_handler(const char *model)
{
    char text[800];
    snprintf(text, sizeof(text),
             "machine cpus=1 preempt=%s\n"
             "process shell\n"
             "process app parent=shell\n"
             "  thread hi policy=fifo prio=50\n"
             "shell.main: sigaction SIGUSR1 handler\n"
             "app.hi: sigaction SIGUSR1 handler\n"
             "app.hi: pause\n"
             "shell.main: kill pgrp:shell SIGUSR1\n", model);
    run r;
    int first = -2;
    if (run_text(&r, text, SIM_FMT_FTRACE, 1, 0) == 0) {
        for (int i = 0; i < r.o.n && first == -2; i++)
            if (r.o.ev[i].kind == OBS_HANDLER)
                first = r.o.ev[i].thread;
    } else {
        printf("  %s\n", r.err);
    }
    run_free(&r);
    return first;
}

TEST(wakeup_preemption_by_model)
{
    CHECK_EQ(first_handler("none"), 0);     /* shell.main */
    CHECK_EQ(first_handler("full"), 1);     /* app.hi */
    CHECK_EQ(first_handler("rt"), 1);
}

/* The uptime at which a line of the trace containing `needle` was printed (ns), or -1. */
static long long line_time(const char *out, const char *needle)
{
    const char *p = strstr(out, needle);
    if (!p)
        return -1;
    while (p > out && p[-1] != '\n')
        p--;
    const char *b = strchr(p, ']');
    if (!b)
        return -1;
    unsigned long long sec = 0, usec = 0;
    if (sscanf(b + 1, " %llu.%llu:", &sec, &usec) != 2)
        return -1;
    return (long long)(sec * 1000000000ULL + usec * 1000ULL);
}

TEST(rr_time_slice_between_equal_priorities)
{
    const char *text =
        "machine cpus=1\n"
        "process a\n"
        "  thread x policy=rr prio=10\n"
        "process b\n"
        "  thread y policy=rr prio=10\n"
        "a.x: spin\n"
        "b.y: pause\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    long long start = line_time(r.out, "next=a.x");
    long long sw = line_time(r.out, "prev_state=R ==> next=b.y");
    CHECK(start >= 0 && sw >= 0);
    CHECK_EQ(sw - start, 100000000LL);      /* one 100 ms RR slice */
    const obs_event *e = last_of(&r, OBS_THREAD_END, 0);
    CHECK(e && e->code == 'R');
    run_free(&r);
}

TEST(fifo_spinner_starves_equal_priority_with_a_clear_error)
{
    const char *text =
        "machine cpus=1\n"
        "process a\n"
        "  thread x policy=fifo prio=10\n"
        "process b\n"
        "  thread y policy=fifo prio=10\n"
        "a.x: spin\n"
        "b.y: pause\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), -1);
    CHECK_CONTAINS(r.err, "step 2 (t.tgs:7): did not settle: b.y is runnable but starved");
    run_free(&r);
}

TEST(rt_throttling_lets_other_run)
{
    const char *text =
        "machine cpus=1\n"
        "process a\n"
        "  thread x policy=fifo prio=10\n"
        "process b\n"
        "a.x: spin\n"
        "b.main: pause => blocked\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    long long start = line_time(r.out, "next=a.x");
    long long sw = line_time(r.out, "==> next=b.main");
    CHECK_EQ(sw - start, 950000000LL);
    CHECK(all_expects_hold(&r));
    run_free(&r);
}

TEST(affinity_pins_a_thread_to_its_cpu)
{
    const char *text =
        "machine cpus=4\n"
        "process app\n"
        "  thread main cpu=2\n"
        "  thread w cpu=3\n"
        "app.main: pause\n"
        "app.w: pause\n"
        "app.main: settle\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), -1);   /* main is asleep: cannot act */
    CHECK_CONTAINS(r.err, "step 3 (t.tgs:7): app.main cannot act: it is asleep in a syscall");
    CHECK_CONTAINS(r.out, "app-3 [002] 0.001001: sched_switch: prev=app.main");
    CHECK_CONTAINS(r.out, "app-4 [003] 0.002001: sched_switch: prev=app.w");
    CHECK(!strstr(r.out, "app-3 [000] 0.001") && !strstr(r.out, "app-4 [000] 0.002"));
    run_free(&r);
}

TEST(two_cpus_run_two_threads_at_once)
{
    const char *text =
        "machine cpus=2\n"
        "process shell\n"
        "process app parent=shell\n"
        "  thread a policy=fifo prio=10\n"
        "  thread b policy=fifo prio=20\n"
        "app.*: pause\n"
        "shell.main: kill app SIGTERM\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    CHECK(strstr(r.out, "[000]") && strstr(r.out, "[001]"));
    int order[4];
    CHECK_EQ(exit_order(&r, order, 4), 2);
    CHECK_CONTAINS(r.out, "app: killed by SIGTERM");
    run_free(&r);
}

/* ---- determinism and formats --------------------------------------------------------------- */
TEST(same_seed_same_bytes)
{
    static const char *const files[] = { "examples/seed003_sigterm_rt.tgs",
                                         "examples/seed004_group_stop.tgs",
                                         "examples/seed002_which_thread.tgs" };
    for (int i = 0; i < 3; i++)
        for (int fmt = 0; fmt < 3; fmt++) {
            run a, b;
            int ra = run_file(&a, files[i], fmt, 42), rb = run_file(&b, files[i], fmt, 42);
            CHECK_EQ(ra, rb);
            CHECK_EQ(a.len, b.len);
            CHECK(a.out && b.out && a.len == b.len && !memcmp(a.out, b.out, a.len));
            run_free(&a);
            run_free(&b);
        }
}

TEST(seeds_explore_cpu_choices_deterministically)
{
    const char *text =
        "machine cpus=3\n"
        "process shell\n"
        "process app parent=shell\n"
        "  thread a\n  thread b\n  thread c\n  thread d\n"
        "app.*: pause\n"
        "shell.main: kill app SIGTERM\n";
    int differ = 0;
    run first;
    CHECK_EQ(run_text(&first, text, SIM_FMT_FTRACE, 0, 0), 0);
    for (unsigned long seed = 1; seed < 12; seed++) {
        run r, again;
        CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, seed, 0), 0);
        CHECK_EQ(run_text(&again, text, SIM_FMT_FTRACE, seed, 0), 0);
        CHECK(r.len == again.len && !memcmp(r.out, again.out, r.len));
        differ += r.len != first.len || memcmp(r.out, first.out, r.len) != 0;
        CHECK_CONTAINS(r.out, "app: killed by SIGTERM");
        run_free(&r);
        run_free(&again);
    }
    CHECK(differ > 0);
    run_free(&first);
}

TEST(perfetto_is_valid_json_with_a_track_per_thread)
{
    run r;
    CHECK_EQ(run_file(&r, "examples/seed003_sigterm_rt.tgs", SIM_FMT_PERFETTO, 1), 0);
    CHECK(r.out && json_valid(r.out));
    CHECK(r.out && !strncmp(r.out, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 38));
    /* init, runner, shell.main, app.main, app.wd, app.net, app.log + 1 CPU */
    CHECK_EQ(count_str(r.out, "\"name\":\"thread_name\""), 8);
    CHECK_CONTAINS(r.out, "\"args\":{\"name\":\"app.wd\"}");
    CHECK_CONTAINS(r.out, "\"ph\":\"X\"");
    CHECK_CONTAINS(r.out, "\"name\":\"signal_deliver\"");
    CHECK_EQ(count_str(r.out, "\"ph\":\"B\""), count_str(r.out, "\"ph\":\"E\""));
    run_free(&r);
    CHECK_EQ(run_file(&r, "examples/seed004_group_stop.tgs", SIM_FMT_PERFETTO, 1), 0);
    CHECK(r.out && json_valid(r.out));
    CHECK(count_str(r.out, "\"ph\":\"s\"") >= 3);           /* generate -> deliver flows */
    CHECK_EQ(count_str(r.out, "\"ph\":\"s\""), count_str(r.out, "\"ph\":\"f\""));
    CHECK_CONTAINS(r.out, "\"name\":\"handler SIGCHLD\"");
    run_free(&r);
}

TEST(jsonl_is_one_json_object_per_line)
{
    run r;
    CHECK_EQ(run_file(&r, "examples/seed004_group_stop.tgs", SIM_FMT_JSONL, 1), 0);
    int lines = 0, bad = 0;
    for (char *save = NULL, *l = strtok_r(r.out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lines++;
        if (!json_valid(l) || l[0] != '{') {
            bad++;
            printf("  bad line: %s\n", l);
        }
    }
    CHECK(lines > 20);
    CHECK_EQ(bad, 0);
    run_free(&r);
    CHECK_EQ(run_file(&r, "examples/seed003_sigterm_rt.tgs", SIM_FMT_JSONL, 1), 0);
    CHECK_CONTAINS(r.out, "\"event\":\"signal_deliver\",\"sig\":9,\"errno\":0,\"code\":0,\"sa_handler\":\"0x0\"");
    run_free(&r);
}

/* ---- results, handlers, errors ------------------------------------------------------------- */
TEST(blocked_result_then_final_result)
{
    const char *text =
        "machine cpus=1\n"
        "process shell\n"
        "process app\n"
        "app.main: sigaction SIGUSR1 handler do block SIGUSR2; savedmask add SIGUSR2\n"
        "app.main: pause => blocked\n"
        "shell.main: kill app SIGUSR1\n"
        "expect app.main result EINTR\n"
        "expect app.main field SigBlk 0000000000000800\n"
        "status app.main\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    int seen_blocked = 0, seen_final = 0;
    for (int i = 0; i < r.o.n; i++) {
        const obs_event *e = &r.o.ev[i];
        if (e->kind != OBS_RESULT || e->thread != 1)
            continue;
        if (e->step == 1 && e->blocked)
            seen_blocked = 1;
        if (e->step == 2 && !e->blocked && e->err == 4)
            seen_final = 1;
    }
    CHECK(seen_blocked);
    CHECK(seen_final);
    const obs_event *h = last_of(&r, OBS_HANDLER, 1);
    CHECK(h && h->sig == 10 && h->depth == 1 && h->other == 0 && h->code == 0);
    CHECK(all_expects_hold(&r));
    run_free(&r);
}

TEST(ping_pong_never_settles_and_is_bounded)
{
    const char *text =
        "machine cpus=1\n"
        "process a\n"
        "process b\n"
        "a.main: sigaction SIGUSR1 handler do kill b SIGUSR1\n"
        "b.main: sigaction SIGUSR1 handler do kill a SIGUSR1\n"
        "a.main: kill b SIGUSR1\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 5000), -1);
    CHECK_CONTAINS(r.err, "step 3 (t.tgs:6): did not settle after 5000 events: thread ");
    CHECK_CONTAINS(r.err, "keeps running");
    CHECK_CONTAINS(r.o.error, "did not settle");
    run_free(&r);
}

TEST(handler_nesting_deeper_than_8_is_an_error)
{
    const char *text =
        "machine cpus=1\n"
        "process a\n"
        "a.main: sigaction SIGUSR1 handler flags=SA_NODEFER do raise SIGUSR1\n"
        "a.main: raise SIGUSR1\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), -1);
    CHECK_CONTAINS(r.err, "step 2 (t.tgs:4): handler nesting deeper than 8 in a.main (SIGUSR1)");
    run_free(&r);
}

TEST(spin_is_interrupted_by_a_signal)
{
    const char *text =
        "machine cpus=2\n"
        "process shell\n"
        "process app\n"
        "app.main: sigaction SIGUSR1 handler\n"
        "app.main: spin\n"
        "shell.main: kill app SIGUSR1\n"
        "expect app.main handled SIGUSR1 times=1\n"
        "expect app.main state S\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    CHECK(all_expects_hold(&r));
    run_free(&r);
}

TEST(short_timeout_expires_long_one_stays_blocked)
{
    const char *text =
        "machine cpus=1\n"
        "process app\n"
        "  thread a\n  thread b\n"
        "app.a: sigtimedwait SIGUSR1 timeout=10 => EAGAIN\n"
        "app.b: nanosleep 600000 => blocked\n"
        "expect app.a result EAGAIN\n"
        "expect app.b result blocked\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    CHECK(all_expects_hold(&r));
    run_free(&r);
}

TEST(pipe_read_and_write)
{
    const char *text =
        "machine cpus=1\n"
        "process app\n"
        "  thread r\n  thread w\n"
        "app.r: read => blocked\n"
        "app.w: write app.r => 1\n"
        "expect app.r result 1\n"
        "app.w: write app.r => 1\n"
        "app.r: read => 1\n";
    run r;
    CHECK_EQ(run_text(&r, text, SIM_FMT_FTRACE, 1, 0), 0);
    CHECK(all_expects_hold(&r));
    run_free(&r);
}

TEST(large_process_group_exit_scales)
{
    enum { N = 20000 };
    size_t cap = (size_t)N * 40 + 4096, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "machine cpus=4\nprocess shell\nprocess app parent=shell\n");
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "  thread t%d policy=fifo prio=%d\n", i, 1 + i % 99);
    len += (size_t)snprintf(text + len, cap - len, "shell.main: kill app SIGTERM\nshell.main: wait app\n");
    run r;
    clock_t c0 = clock();
    int rc = run_text(&r, text, SIM_FMT_FTRACE, 1, 0);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK_EQ(rc, 0);
    if (rc)
        printf("  %s\n", r.err);
    int *order = malloc(sizeof(int) * N);
    CHECK_EQ(exit_order(&r, order, N), N);
    CHECK(r.f.threads[order[0]].prio == 99);        /* highest priority dies first */
    CHECK_CONTAINS(r.out, "app: killed by SIGTERM");
    CHECK(secs < 20.0);
    printf("  %d threads: %.2f s\n", N, secs);
    free(order);
    free(text);
    run_free(&r);
}

T_MAIN()
