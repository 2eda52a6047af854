/* test_compare.c - obs_compare finds each kind of difference, ignores what one side could not
 * observe, and catches a deliberately broken model rule. */
#include <stdlib.h>
#include "t.h"
#include "scenario/obs.h"

enum { SHELL, APP };
enum { SH_MAIN, T1, T2, T3 };
static sc_proc procs[2];
static sc_thread threads[4];
static sc_step steps[4];
static sc_file F;

static void world(void)
{
    static const char *tn[] = { "main", "t1", "t2", "t3" };
    memset(&F, 0, sizeof F);
    memset(procs, 0, sizeof procs);
    memset(threads, 0, sizeof threads);
    memset(steps, 0, sizeof steps);
    strcpy(procs[SHELL].name, "shell"); procs[SHELL].parent = -1; procs[SHELL].first_thread = SH_MAIN;
    strcpy(procs[APP].name, "app"); procs[APP].parent = SHELL; procs[APP].first_thread = T1;
    for (int t = 0; t < 4; t++) {
        strcpy(threads[t].name, tn[t]);
        threads[t].proc = t == SH_MAIN ? SHELL : APP;
    }
    for (int s = 0; s < 4; s++) steps[s].loc.line = 10 + s;
    strcpy(F.path, "c.tgs");
    F.n_procs = 2; F.procs = procs;
    F.n_threads = 4; F.threads = threads;
    F.n_steps = 4; F.steps = steps;
}

static char out[4096];

static obs_event *handler(tgs_obs *o, int step, int t, int sig, int depth)
{
    obs_event *e = obs_add(o, OBS_HANDLER, step, t);
    e->sig = sig; e->other = SHELL; e->depth = depth;
    return e;
}

/* A typical run: shell kills app with SIGUSR1, t1 handles it, everyone ends. */
static void typical(tgs_obs *o, int caps)
{
    obs_init(o, caps);
    obs_add(o, OBS_RESULT, 0, T1)->blocked = 1;
    obs_add(o, OBS_RESULT, 1, SH_MAIN);
    handler(o, 1, T1, 10, 1);
    obs_add(o, OBS_RESULT, 1, T1)->err = 4;
    obs_event *e = obs_add(o, OBS_PROC_END, 3, -1);
    e->other = APP; e->value = OBS_END_EXITED; e->code = 0;
    obs_add(o, OBS_THREAD_END, 3, T1)->code = 'Z';
    obs_add(o, OBS_THREAD_END, 3, T2)->code = 'X';
    obs_add(o, OBS_EXIT, 2, T2);
    obs_add(o, OBS_EXIT, 2, T1);
}

TEST(identical_runs_agree)
{
    world();
    tgs_obs m, k;
    typical(&m, OBS_CAP_TRACE | OBS_CAP_EXIT_ORDER | OBS_CAP_STATUS);
    typical(&k, OBS_CAP_EXIT_ORDER);
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    CHECK_STR(out, "");
    obs_free(&m); obs_free(&k);
}

TEST(extra_handler_run)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    handler(&k, 2, T1, 12, 1);
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "app.t1 handlers: model [SIGUSR1 code=SI_USER pid=shell depth=1] "
                   "kernel [SIGUSR1 code=SI_USER pid=shell depth=1, SIGUSR2 code=SI_USER pid=shell depth=1]");
    obs_free(&m); obs_free(&k);
}

TEST(handler_fields)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    m.ev[2].code = k.ev[2].code = -1;                  /* SI_QUEUE: si_value is compared */
    k.ev[2].mask = 1ULL << 9;
    k.ev[2].value = 5;
    k.ev[2].altstack = 1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "kernel [SIGUSR1 code=SI_QUEUE pid=shell value=5 mask=SIGUSR1 depth=1 altstack]");
    obs_free(&m); obs_free(&k);
}

TEST(value_only_for_queued_codes)
{
    world();
    tgs_obs m, k;
    static const long codes[] = { -1, -2, -3, -4 };
    for (int i = 0; i < 4; i++) {
        typical(&m, 0); typical(&k, 0);
        m.ev[2].code = k.ev[2].code = codes[i];
        m.ev[2].value = 3; k.ev[2].value = 4;
        CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
        obs_free(&m); obs_free(&k);
    }
    static const long other[] = { 0, -6, 0x80, 1 };     /* SI_USER, SI_TKILL, SI_KERNEL, a fault */
    for (int i = 0; i < 4; i++) {
        typical(&m, 0); typical(&k, 0);
        m.ev[2].code = k.ev[2].code = other[i];
        m.ev[2].value = 3; k.ev[2].value = 0;
        CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
        obs_free(&m); obs_free(&k);
    }
    obs_init(&m, 0); obs_init(&k, 0);                   /* SIGCHLD: sival_int overlaps si_status */
    obs_event *h = handler(&m, 1, SH_MAIN, 17, 1);
    h->code = 1; h->other = APP; h->value = 0;
    h = handler(&k, 1, SH_MAIN, 17, 1);
    h->code = 1; h->other = APP; h->value = 3;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    obs_free(&m); obs_free(&k);
}

TEST(unknown_sender_is_not_compared)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    k.ev[2].other = -2;
    m.ev[2].other = -1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.ev[2].other = APP;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "model [SIGUSR1 code=SI_USER pid=0 depth=1] kernel [SIGUSR1 code=SI_USER pid=app depth=1]");
    obs_free(&m); obs_free(&k);
}

TEST(results_differ)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    k.ev[3].err = 0; k.ev[3].value = 1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "app.t1 results: model [line 10 => blocked, line 11 => EINTR] "
                   "kernel [line 10 => blocked, line 11 => 1]");
    obs_free(&m); obs_free(&k);
}

TEST(waits_differ)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    obs_event *w = obs_add(&m, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->value = 0;
    w = obs_add(&k, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->value = 9;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "shell.main waits: model [app exited 0] kernel [app killed SIGKILL]");
    obs_free(&m); obs_free(&k);
}

TEST(end_states_differ)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    k.ev[4].value = OBS_END_KILLED; k.ev[4].code = 15;
    k.ev[5].code = 'S';
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 2);
    CHECK_CONTAINS(out, "app: model exited 0, kernel killed-by SIGTERM\n");
    CHECK_CONTAINS(out, "app.t1 end state: model Z kernel S");
    obs_free(&m); obs_free(&k);
}

TEST(last_snapshot_counts)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    obs_event *e = obs_add(&k, OBS_PROC_END, 0, -1);      /* an earlier snapshot, then the end */
    e->other = APP; e->value = OBS_END_STOPPED; e->code = 19;
    obs_event tmp = k.ev[k.n - 1];
    memmove(&k.ev[1], &k.ev[0], (size_t)(k.n - 1) * sizeof tmp);
    k.ev[0] = tmp;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    obs_free(&m); obs_free(&k);
}

TEST(status_field_by_field)
{
    world();
    tgs_obs m, k;
    typical(&m, OBS_CAP_STATUS); typical(&k, OBS_CAP_STATUS);
    obs_status st = { 'S', T1, T2, SHELL, 3, 1, 100, 0, 1ULL << 9, 0, 0, 1ULL << 9 };
    obs_add(&m, OBS_STATUS, 1, T2)->st = st;
    st.sigq = -1;                                       /* kernel did not read SigQ */
    st.pnd = 1ULL << 11;
    st.shd = 0;
    obs_add(&k, OBS_STATUS, 1, T2)->st = st;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "app.t2 status at line 11: SigPnd model 0000000000000000 kernel 0000000000000800; "
                   "ShdPnd model 0000000000000200 kernel 0000000000000000");
    k.ev[k.n - 1].st = m.ev[m.n - 1].st;
    k.ev[k.n - 1].st.tgid_thread = T2;
    k.ev[k.n - 1].st.sigq = 2;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "app.t2 status at line 11: Tgid model app.t1 kernel app.t2; SigQ model 1 kernel 2");
    k.caps = 0;                                         /* kernel could not read /proc */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.caps = OBS_CAP_STATUS;
    k.n--;                                              /* one side has no record */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "app.t2 status: model has a record #1, kernel has none");
    obs_free(&m); obs_free(&k);
}

TEST(trace_only_when_both_traced)
{
    world();
    tgs_obs m, k;
    typical(&m, OBS_CAP_TRACE); typical(&k, 0);
    obs_add(&m, OBS_DELIVER, 1, T1)->sig = 10;
    obs_event *g = obs_add(&m, OBS_GENERATE, 1, T1);
    g->sig = 10; g->grp = 1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.caps = OBS_CAP_TRACE;
    obs_add(&k, OBS_DELIVER, 1, T1)->sig = 10;
    g = obs_add(&k, OBS_GENERATE, 1, T1);
    g->sig = 10; g->grp = 1; g->res = 2;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "app.t1 generated: model [SIGUSR1 res=0 grp=1] kernel [SIGUSR1 res=2 grp=1]");
    obs_free(&m); obs_free(&k);
}

TEST(exit_order_only_when_both_saw_it_and_the_file_asks)
{
    world();
    tgs_obs m, k;
    typical(&m, OBS_CAP_EXIT_ORDER); typical(&k, 0);
    obs_event tmp = k.ev[k.n - 1];
    k.ev[k.n - 1] = k.ev[k.n - 2];
    k.ev[k.n - 2] = tmp;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.caps = OBS_CAP_EXIT_ORDER;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);   /* no exit-order expectation */
    sc_cond eo;
    memset(&eo, 0, sizeof eo);
    eo.kind = SC_C_EXIT_ORDER; eo.list_len = 2; eo.list[0] = T2; eo.list[1] = T1;
    sc_expect e = { 4, 1, &eo, { 20, 1 } };
    F.expects = &e; F.n_expects = 1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "exit order: model [app.t2, app.t1] kernel [app.t1, app.t2]");
    F.expects = NULL; F.n_expects = 0;
    obs_free(&m); obs_free(&k);
}

TEST(run_errors_are_differences)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    strcpy(k.error, "timeout after 5000 ms");
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "kernel run failed: timeout after 5000 ms");
    obs_free(&m); obs_free(&k);
}

/* The checker catches a broken model rule: a model that dequeues the shared queue before the
 * private one. t1 blocks SIGUSR1 and SIGUSR2; shell sends SIGUSR1 to the process (shared) and
 * app raises SIGUSR2 on t1 (private); t1 unblocks both. The kernel dequeues private first: it
 * delivers SIGUSR2, then SIGUSR1 (whose handler, set up last, runs first, nested in nothing). */
static void dequeue_run(tgs_obs *o, int shared_first)
{
    int first = shared_first ? 10 : 12, second = shared_first ? 12 : 10;
    obs_init(o, OBS_CAP_TRACE | OBS_CAP_STATUS);
    obs_status st = { 'S', T1, T1, SHELL, 3, 2, 100, 1ULL << 11, 1ULL << 9, (1ULL << 9) | (1ULL << 11), 0,
                      (1ULL << 9) | (1ULL << 11) };
    obs_add(o, OBS_STATUS, 1, T1)->st = st;
    obs_add(o, OBS_DELIVER, 2, T1)->sig = first;
    obs_add(o, OBS_DELIVER, 2, T1)->sig = second;
    handler(o, 2, T1, second, 1)->mask = (1ULL << 9) | (1ULL << 11);
    obs_add(o, OBS_RESULT, 2, T1);
}

TEST(catches_swapped_dequeue_order)
{
    world();
    tgs_obs model, kernel;
    dequeue_run(&model, 1);
    dequeue_run(&kernel, 0);
    int n = obs_compare(&F, &model, &kernel, out, sizeof out);
    CHECK_EQ(n, 2);
    CHECK_CONTAINS(out, "app.t1 handlers: model [SIGUSR2 code=SI_USER pid=shell mask=SIGUSR1,SIGUSR2 depth=1] "
                        "kernel [SIGUSR1 code=SI_USER pid=shell mask=SIGUSR1,SIGUSR2 depth=1]");
    CHECK_CONTAINS(out, "app.t1 delivered: model [SIGUSR1, SIGUSR2] kernel [SIGUSR2, SIGUSR1]");
    obs_free(&model); obs_free(&kernel);
    dequeue_run(&model, 0);
    dequeue_run(&kernel, 0);
    CHECK_EQ(obs_compare(&F, &model, &kernel, out, sizeof out), 0);
    obs_free(&model); obs_free(&kernel);
}

TEST(long_lists_show_the_first_difference)
{
    world();
    tgs_obs m, k;
    obs_init(&m, OBS_CAP_TRACE); obs_init(&k, OBS_CAP_TRACE);
    for (int i = 0; i < 20; i++) {
        obs_add(&m, OBS_DELIVER, 1, T3)->sig = 34;
        obs_add(&k, OBS_DELIVER, 1, T3)->sig = i == 12 ? 35 : 34;
    }
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "app.t3 delivered: model [... SIGRTMIN+2, SIGRTMIN+2, SIGRTMIN+2");
    CHECK_CONTAINS(out, "kernel [... SIGRTMIN+2, SIGRTMIN+3, SIGRTMIN+2");
    CHECK_CONTAINS(out, "(first difference at #13)");
    char small[40];
    obs_compare(&F, &m, &k, small, sizeof small);
    CHECK_EQ(strlen(small), sizeof small - 1);
    CHECK(!strcmp(small + sizeof small - 4, "..."));
    obs_free(&m); obs_free(&k);
}

TEST(or_subjects_are_allowed_to_differ)
{
    world();
    sc_cond alts[2];
    memset(alts, 0, sizeof alts);
    alts[0].kind = SC_C_HANDLED; alts[0].proc = APP; alts[0].thread = T2; alts[0].sig = 10;
    alts[1] = alts[0]; alts[1].thread = T3;
    sc_expect e = { 4, 2, alts, { 20, 1 } };
    F.expects = &e; F.n_expects = 1;
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    handler(&m, 2, T2, 10, 1);
    handler(&k, 2, T3, 10, 1);
    int allowed = -1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 2);
    CHECK_EQ(obs_compare_allowing(&F, &m, &k, &allowed, out, sizeof out), 0);
    CHECK_EQ(allowed, 2);
    CHECK_STR(out, "");
    handler(&k, 2, T1, 12, 1);                         /* t1 is not open */
    CHECK_EQ(obs_compare_allowing(&F, &m, &k, &allowed, out, sizeof out), 1);
    CHECK_CONTAINS(out, "app.t1 handlers:");
    obs_free(&m); obs_free(&k);
}

TEST(out_of_range_indexes_do_not_crash)
{
    world();
    tgs_obs m, k;
    obs_init(&m, 7); obs_init(&k, 7);
    obs_add(&m, OBS_HANDLER, 99, 40)->sig = 100;
    obs_add(&k, OBS_PROC_END, 99, -1)->other = 12;
    obs_add(&k, OBS_STATUS, -5, 41)->st.tgid_thread = 999;
    obs_add(&m, OBS_WAIT, 1, -1)->other = -7;
    CHECK(obs_compare(&F, &m, &k, out, sizeof out) > 0);
    CHECK_CONTAINS(out, "thread#40 handlers");
    obs_free(&m); obs_free(&k);
}

TEST(sigchld_codes_by_name)
{
    world();
    tgs_obs m, k;
    obs_init(&m, 0); obs_init(&k, 0);
    obs_event *h = handler(&m, 1, SH_MAIN, 17, 1);
    h->code = 5; h->other = APP; h->value = 19;
    h = handler(&k, 1, SH_MAIN, 17, 1);
    h->code = 6; h->other = APP; h->value = 18;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_STR(out, "shell.main handlers: model [SIGCHLD code=CLD_STOPPED pid=app depth=1] "
                   "kernel [SIGCHLD code=CLD_CONTINUED pid=app depth=1]");
    obs_free(&m); obs_free(&k);
}

static unsigned long long rng = 88172645463325252ULL;
static long rnd(long n)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (long)(rng % (unsigned long long)n) - 2;       /* -2 .. n-3: also out of range */
}

static void random_obs(tgs_obs *o)
{
    obs_init(o, (int)rnd(10));
    int n = (int)rnd(60) + 2;
    for (int i = 0; i < n; i++) {
        obs_event *e = obs_add(o, (int)rnd(12), (int)rnd(8), (int)rnd(8));
        e->sig = (int)rnd(70); e->err = (int)rnd(600); e->blocked = (int)rnd(4);
        e->value = rnd(0x10000); e->code = rnd(300) - 100; e->other = (int)rnd(6);
        e->depth = (int)rnd(5); e->altstack = (int)rnd(4); e->res = (int)rnd(8); e->grp = (int)rnd(4);
        e->mask = rng; e->st.state = (char)rnd(130); e->st.tgid_thread = (int)rnd(9);
        e->st.pid_thread = (int)rnd(9); e->st.ppid_proc = (int)rnd(6); e->st.sigq = rnd(5);
    }
}

static void random_cond(sc_cond *k)
{
    memset(k, 0, sizeof *k);
    k->kind = (int)rnd(22); k->proc = (int)rnd(5); k->thread = (int)rnd(7); k->sig = (int)rnd(70);
    k->num = rnd(10); k->num_set = (int)rnd(4); k->set = rng; k->state = (char)rnd(100);
    memset(k->field, 'A' + (int)rnd(20), sizeof k->field);        /* not NUL-terminated */
    memcpy(k->field, (const char *[]){ "SigPnd", "PPid", "Tgid", "SigQ", "State", "xyz" }[rnd(6) + 2], 3);
    memset(k->text, '0' + (int)rnd(10), sizeof k->text);
    k->other_proc = (int)rnd(6); k->wait_kind = "ekdsc?"[rnd(6) + 2];
    k->result.kind = (int)rnd(6); k->result.value = rnd(10);
    k->list_len = (int)rnd(24);
    for (int i = 0; i < SC_MAX_LIST; i++) k->list[i] = (int)rnd(70);
}

TEST(random_inputs_do_not_crash)
{
    world();
    char small[97], fmt[64];
    for (int round = 0; round < 3000; round++) {
        tgs_obs m, k;
        random_obs(&m); random_obs(&k);
        if (rnd(5) == 0) strcpy(k.error, "boom");
        sc_cond alts[3];
        for (int i = 0; i < 3; i++) random_cond(&alts[i]);
        sc_expect e = { (int)rnd(8), (int)rnd(5) + 2, alts, { 1, 1 } };
        if (e.n_alt > 3) e.n_alt = 3;
        if (e.n_alt < 0) e.n_alt = 0;
        F.expects = &e; F.n_expects = 1;
        obs_eval(&F, &m, &e, out, sizeof out);
        obs_eval(&F, &k, &e, small, sizeof small);
        obs_compare(&F, &m, &k, small, sizeof small);
        obs_compare_allowing(&F, &m, &k, NULL, out, sizeof out);
        for (int i = 0; i < m.n; i++) obs_format(&F, &m.ev[i], fmt, sizeof fmt);
        obs_free(&m); obs_free(&k);
    }
    F.expects = NULL; F.n_expects = 0;
    CHECK(1);
}

TEST(normalised_away)
{
    world();
    steps[2].act.kind = SC_A_EXIT;
    tgs_obs m, k;
    typical(&m, OBS_CAP_TRACE); typical(&k, OBS_CAP_TRACE);
    obs_add(&m, OBS_RESULT, 2, T3);                     /* the model records exit's "result" */
    obs_event *g = obs_add(&m, OBS_GENERATE, 2, -1);    /* SIGCHLD to the runner */
    g->sig = 17; g->res = 1;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    obs_add(&m, OBS_RESULT, 2, T3)->err = 22;           /* a failed exit would return */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    obs_free(&m); obs_free(&k);
    steps[3].act.kind = SC_A_WAIT;                      /* wait returns a pid: not comparable */
    typical(&m, 0); typical(&k, 0);
    obs_add(&m, OBS_RESULT, 3, SH_MAIN)->value = 104;
    obs_add(&k, OBS_RESULT, 3, SH_MAIN)->value = 2;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.ev[k.n - 1].value = 0;                            /* WNOHANG with nothing to report */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "shell.main results: model [line 11 => 0, line 13 => a pid] kernel [line 11 => 0, line 13 => 0]");
    obs_free(&m); obs_free(&k);
}

TEST(result_lost_to_a_death_on_the_way_back)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    obs_add(&m, OBS_RESULT, 2, T2);                     /* returned 0, then died of a signal */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);   /* T2 exits in step 2 */
    CHECK_EQ(obs_compare(&F, &k, &m, out, sizeof out), 0);
    obs_add(&m, OBS_RESULT, 3, T2);                     /* a step after its death: compared */
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    obs_free(&m); obs_free(&k);
    typical(&m, 0); typical(&k, 0);
    obs_add(&m, OBS_RESULT, 2, T2)->value = 1;          /* both saw a result: compared */
    obs_add(&k, OBS_RESULT, 2, T2)->value = 2;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    obs_free(&m); obs_free(&k);
}

TEST(core_dumps_and_unknown_stop_signals)
{
    world();
    tgs_obs m, k;
    typical(&m, 0); typical(&k, 0);
    m.ev[4].value = OBS_END_DUMPED; m.ev[4].code = 11;   /* model dumped, kernel could not */
    k.ev[4].value = OBS_END_KILLED; k.ev[4].code = 11;
    obs_event *w = obs_add(&m, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->value = 0x8b;
    w = obs_add(&k, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->value = 0x0b;
    obs_event *h = handler(&m, 3, SH_MAIN, 17, 1); h->code = 3; h->other = APP;
    h = handler(&k, 3, SH_MAIN, 17, 1); h->code = 2; h->other = APP;
    w = obs_add(&m, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->code = 3; w->value = 11;  /* waitid */
    w = obs_add(&k, OBS_WAIT, 3, SH_MAIN); w->other = APP; w->code = 2; w->value = 11;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    CHECK_EQ(obs_compare(&F, &k, &m, out, sizeof out), 3);   /* the other way round differs */
    CHECK_CONTAINS(out, "shell.main waits: model [app killed SIGSEGV, app killed SIGSEGV] "
                        "kernel [app killed SIGSEGV (core dumped), app killed SIGSEGV (core dumped)]");
    CHECK_CONTAINS(out, "app: model killed-by SIGSEGV, kernel dumped SIGSEGV");
    m.ev[4].value = k.ev[4].value = OBS_END_STOPPED;
    m.ev[4].code = 19; k.ev[4].code = 0;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 0);
    k.ev[4].code = 20;
    CHECK_EQ(obs_compare(&F, &m, &k, out, sizeof out), 1);
    CHECK_CONTAINS(out, "app: model stopped by SIGSTOP, kernel stopped by SIGTSTP");
    obs_free(&m); obs_free(&k);
}

T_MAIN()
