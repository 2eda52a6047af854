/* test_expect.c - obs_eval: every condition holds / fails / is unobservable, `or`, PROC.*. */
#include <stdlib.h>
#include "t.h"
#include "scenario/obs.h"

/* The world: shell (main = thread 0), app (t1 t2 t3 = threads 1..3), kid (main = thread 4).
 * Five steps. */
enum { SHELL, APP, KID };
enum { SH_MAIN, T1, T2, T3, K_MAIN };
static sc_proc procs[3];
static sc_thread threads[5];
static sc_file F;

static void world(void)
{
    static const char *pn[] = { "shell", "app", "kid" };
    static const char *tn[] = { "main", "t1", "t2", "t3", "main" };
    static const int tp[] = { SHELL, APP, APP, APP, KID };
    memset(&F, 0, sizeof F);
    for (int p = 0; p < 3; p++) {
        memset(&procs[p], 0, sizeof procs[p]);
        strcpy(procs[p].name, pn[p]);
        procs[p].parent = p == SHELL ? -1 : SHELL;
        procs[p].first_thread = p == SHELL ? SH_MAIN : p == APP ? T1 : K_MAIN;
    }
    for (int t = 0; t < 5; t++) {
        memset(&threads[t], 0, sizeof threads[t]);
        strcpy(threads[t].name, tn[t]);
        threads[t].proc = tp[t];
    }
    strcpy(F.path, "t.tgs");
    F.n_procs = 3; F.procs = procs;
    F.n_threads = 5; F.threads = threads;
    F.n_steps = 5;
}

static sc_cond cond(int kind, int proc, int thread)
{
    sc_cond k;
    memset(&k, 0, sizeof k);
    k.kind = kind; k.proc = proc; k.thread = thread; k.other_proc = -1;
    return k;
}

static char why[1024];

static int eval_at(const tgs_obs *o, sc_cond *alts, int n, int after)
{
    sc_expect e;
    memset(&e, 0, sizeof e);
    e.after_step = after; e.n_alt = n; e.alt = alts;
    why[0] = 0;
    return obs_eval(&F, o, &e, why, sizeof why);
}
static int eval1(const tgs_obs *o, sc_cond k) { return eval_at(o, &k, 1, 5); }

static obs_event *handler(tgs_obs *o, int step, int t, int sig, long code, int pid)
{
    obs_event *e = obs_add(o, OBS_HANDLER, step, t);
    e->sig = sig; e->code = code; e->other = pid; e->depth = 1;
    return e;
}
static void proc_end(tgs_obs *o, int step, int p, int how, long code)
{
    obs_event *e = obs_add(o, OBS_PROC_END, step, -1);
    e->other = p; e->value = how; e->code = code;
}
static void thread_end(tgs_obs *o, int step, int t, char st)
{
    obs_add(o, OBS_THREAD_END, step, t)->code = st;
}

TEST(proc_exited_killed_dumped)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    proc_end(&o, 4, APP, OBS_END_KILLED, 15);
    proc_end(&o, 4, KID, OBS_END_EXITED, 3);
    sc_cond k = cond(SC_C_KILLED_BY, APP, -1); k.sig = 15;
    CHECK_EQ(eval1(&o, k), 1);
    k.sig = 9;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app killed-by SIGKILL; app killed-by SIGTERM");
    k = cond(SC_C_EXITED, APP, -1); k.num = 0;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app exited 0; app killed-by SIGTERM");
    k = cond(SC_C_EXITED, KID, -1); k.num = 3;
    CHECK_EQ(eval1(&o, k), 1);
    k = cond(SC_C_KILLED_BY, KID, -1); k.sig = 15;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected kid killed-by SIGTERM; kid exited 3");
    k = cond(SC_C_DUMPED, APP, -1); k.sig = 15;
    CHECK_EQ(eval1(&o, k), 0);
    obs_free(&o);
}

TEST(proc_state_mid_run_from_exits)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_add(&o, OBS_EXIT, 1, T1); obs_add(&o, OBS_EXIT, 1, T2); obs_add(&o, OBS_EXIT, 1, T3);
    proc_end(&o, 4, APP, OBS_END_KILLED, 15);       /* only at the end */
    sc_cond k = cond(SC_C_KILLED_BY, APP, -1); k.sig = 15;
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);             /* dead after step 1: how from the end record */
    CHECK_EQ(eval_at(&o, &k, 1, 1), 0);             /* after step 0 it was still alive */
    CHECK_STR(why, "expected app killed-by SIGTERM; app is alive");
    k = cond(SC_C_ALIVE, APP, -1);
    CHECK_EQ(eval_at(&o, &k, 1, 1), 1);
    CHECK_EQ(eval_at(&o, &k, 1, 2), 0);
    obs_free(&o);
}

TEST(proc_dead_unknown_how_is_unobservable)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_add(&o, OBS_EXIT, 0, K_MAIN);
    sc_cond k = cond(SC_C_EXITED, KID, -1); k.num = 0;
    CHECK_EQ(eval_at(&o, &k, 1, 2), -1);
    CHECK_CONTAINS(why, "kid is dead (how is not recorded)");
    /* a wait report tells */
    obs_event *w = obs_add(&o, OBS_WAIT, 3, SH_MAIN); w->other = KID; w->value = 0;
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);
    obs_free(&o);
}

TEST(proc_stopped)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    proc_end(&o, 2, APP, OBS_END_STOPPED, 19);
    proc_end(&o, 4, APP, OBS_END_ALIVE, 0);
    sc_cond k = cond(SC_C_STOPPED, APP, -1);
    CHECK_EQ(eval_at(&o, &k, 1, 3), 1);
    k.sig = 19;
    CHECK_EQ(eval_at(&o, &k, 1, 3), 1);
    k.sig = 20;
    CHECK_EQ(eval_at(&o, &k, 1, 3), 0);
    CHECK_STR(why, "expected app stopped SIGTSTP; app is stopped by SIGSTOP");
    k.sig = 0;
    CHECK_EQ(eval1(&o, k), 0);                      /* continued by the end */
    CHECK_STR(why, "expected app stopped; app is alive");
    k = cond(SC_C_STOPPED, KID, -1);                /* no snapshot, alive: unknown */
    CHECK_EQ(eval1(&o, k), -1);
    obs_free(&o);
}

TEST(stopped_from_thread_states)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    thread_end(&o, 4, T1, 'T'); thread_end(&o, 4, T2, 'T'); thread_end(&o, 4, T3, 'Z');
    sc_cond k = cond(SC_C_STOPPED, APP, -1);
    CHECK_EQ(eval1(&o, k), 1);
    obs_free(&o);
}

TEST(thread_alive_and_state)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_add(&o, OBS_EXIT, 2, T2);
    thread_end(&o, 4, T1, 'S'); thread_end(&o, 4, T2, 'X'); thread_end(&o, 4, T3, 'R');
    sc_cond k = cond(SC_C_ALIVE, APP, T1);
    CHECK_EQ(eval1(&o, k), 1);
    k.thread = T2;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t2 alive; app.t2 has exited");
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);
    k = cond(SC_C_STATE, APP, T3); k.state = 'S';
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t3 state S; app.t3 is in state R");
    k.state = 'R';
    CHECK_EQ(eval1(&o, k), 1);
    CHECK_EQ(eval_at(&o, &k, 1, 3), -1);            /* no snapshot before the end */
    obs_free(&o);
}

TEST(handled_not_handled_times)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T2, 10, 0, SHELL);
    sc_cond k = cond(SC_C_HANDLED, APP, T1); k.sig = 10;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 handled SIGUSR1; app.t2 handled it instead");
    k.thread = T2;
    CHECK_EQ(eval1(&o, k), 1);
    k.num_set = 1; k.num = 2;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t2 handled SIGUSR1 times=2; app.t2 handled it 1 time");
    k.sig = 12; k.num_set = 0;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "no thread handled it");
    k = cond(SC_C_NOT_HANDLED, APP, T1); k.sig = 10;
    CHECK_EQ(eval1(&o, k), 1);
    k.thread = T2;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "app.t2 handled it 1 time");
    CHECK_EQ(eval_at(&o, &k, 1, 1), 1);             /* not yet at that point */
    obs_free(&o);
}

TEST(or_alternatives)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T3, 10, 0, SHELL);
    sc_cond a[3] = { cond(SC_C_HANDLED, APP, T1), cond(SC_C_HANDLED, APP, T2), cond(SC_C_HANDLED, APP, T3) };
    for (int i = 0; i < 3; i++) a[i].sig = 10;
    CHECK_EQ(eval_at(&o, a, 3, 5), 1);
    CHECK_EQ(eval_at(&o, a, 2, 5), 0);
    CHECK_STR(why, "expected app.t1 handled SIGUSR1 or app.t2 handled SIGUSR1; app.t3 handled it instead");
    /* fails + unobservable = unobservable */
    sc_cond b[2] = { cond(SC_C_HANDLED, APP, T1), cond(SC_C_DELIVERED, APP, T1) };
    b[0].sig = 10; b[1].sig = 10;
    CHECK_EQ(eval_at(&o, b, 2, 5), -1);
    CHECK_CONTAINS(why, "tracefs");
    obs_free(&o);
}

TEST(every_thread)
{
    world();
    tgs_obs o; obs_init(&o, OBS_CAP_TRACE);
    obs_add(&o, OBS_DELIVER, 1, T1)->sig = 15;
    obs_add(&o, OBS_DELIVER, 1, T1)->sig = 9;
    obs_add(&o, OBS_DELIVER, 1, T2)->sig = 9;
    obs_add(&o, OBS_DELIVER, 1, T3)->sig = 9;
    sc_cond k = cond(SC_C_DELIVERED, APP, -2); k.sig = 9;
    CHECK_EQ(eval1(&o, k), 1);
    obs_add(&o, OBS_DELIVER, 2, T2)->sig = 15;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.* delivered SIGKILL; the last signal delivered to app.t2 was SIGTERM");
    k.thread = T3;
    CHECK_EQ(eval1(&o, k), 1);
    o.caps = 0;
    CHECK_EQ(eval1(&o, k), -1);
    CHECK_CONTAINS(why, "not traced");
    obs_free(&o);
}

TEST(every_thread_skips_threads_not_created_yet)
{
    world();
    threads[T3].created_by_step = 3;                /* app.t3 comes from a clone at step 3 */
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T1, 10, 0, SHELL);
    handler(&o, 1, T2, 10, 0, SHELL);
    sc_cond k = cond(SC_C_HANDLED, APP, -2); k.sig = 10;
    CHECK_EQ(eval_at(&o, &k, 1, 3), 1);
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.* handled SIGUSR1; app.t3 did not handle it; app.t1, app.t2 handled it instead");
    obs_free(&o);
}

TEST(proc_alone_means_leader)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T1, 10, 0, SHELL);
    sc_cond k = cond(SC_C_HANDLED, APP, -1); k.sig = 10;
    CHECK_EQ(eval1(&o, k), 1);
    obs_free(&o);
}

TEST(handler_order)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T1, 12, 0, SHELL);
    handler(&o, 1, T1, 14, 0, SHELL);
    handler(&o, 1, T1, 10, 0, SHELL);
    sc_cond k = cond(SC_C_HANDLER_ORDER, APP, T1);
    k.list_len = 2; k.list[0] = 12; k.list[1] = 10;
    CHECK_EQ(eval1(&o, k), 1);                      /* SIGALRM is not listed: ignored */
    k.list[0] = 10; k.list[1] = 12;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 handler-order SIGUSR1 SIGUSR2; app.t1 ran handlers SIGUSR2 SIGUSR1");
    k.thread = T2;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "app.t2 ran none of those handlers");
    obs_free(&o);
}

TEST(handler_mask_code_value_pid)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_event *h = handler(&o, 1, T1, 10, -1, SHELL);
    h->mask = (1ULL << 9) | (1ULL << 11); h->value = 42;
    sc_cond k = cond(SC_C_HANDLER_MASK, APP, T1); k.sig = 10; k.set = 1ULL << 9;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 handler-mask SIGUSR1 SIGUSR1; app.t1's SIGUSR1 handler saw mask SIGUSR1,SIGUSR2");
    k.set = h->mask;
    CHECK_EQ(eval1(&o, k), 1);
    k = cond(SC_C_HANDLER_CODE, APP, T1); k.sig = 10; k.num = 0;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 handler-code SIGUSR1 SI_USER; app.t1's SIGUSR1 handler saw code SI_QUEUE");
    k.num = -1;
    CHECK_EQ(eval1(&o, k), 1);
    k = cond(SC_C_HANDLER_VALUE, APP, T1); k.sig = 10; k.num = 42;
    CHECK_EQ(eval1(&o, k), 1);
    k.num = 7;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "saw value 42");
    k = cond(SC_C_HANDLER_PID, APP, T1); k.sig = 10; k.other_proc = SHELL;
    CHECK_EQ(eval1(&o, k), 1);
    k.other_proc = -1;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 handler-pid SIGUSR1 0; app.t1's SIGUSR1 handler saw pid shell");
    h->other = -2;
    CHECK_EQ(eval1(&o, k), -1);
    k = cond(SC_C_HANDLER_CODE, APP, T2); k.sig = 10;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t2 handler-code SIGUSR1 SI_USER; app.t2 never ran the SIGUSR1 handler; app.t1 handled it instead");
    obs_free(&o);
}

TEST(handler_fields_use_the_latest_run)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    handler(&o, 1, T1, 10, 0, SHELL);
    handler(&o, 3, T1, 10, -6, APP);
    sc_cond k = cond(SC_C_HANDLER_CODE, APP, T1); k.sig = 10; k.num = 0;
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "code SI_TKILL");
    obs_free(&o);
}

static void status(tgs_obs *o, int step, int t, obs_status st)
{
    obs_add(o, OBS_STATUS, step, t)->st = st;
}

TEST(field)
{
    world();
    tgs_obs o; obs_init(&o, OBS_CAP_STATUS);
    obs_status st = { 'S', T1, T2, SHELL, 3, 1, 100, 1ULL << 9, 1ULL << 14, 0, 0, 1ULL << 9 };
    status(&o, 2, T2, st);
    F.n_steps = 3;
    sc_cond k = cond(SC_C_FIELD, APP, T2);
    strcpy(k.field, "SigPnd"); strcpy(k.text, "0000000000000200");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.text, "0000000000000000");
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t2 field SigPnd 0000000000000000; app.t2 has SigPnd 0000000000000200");
    strcpy(k.field, "ShdPnd"); strcpy(k.text, "0000000000004000");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.field, "State"); strcpy(k.text, "S");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.field, "Tgid"); strcpy(k.text, "app");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.field, "Pid"); strcpy(k.text, "app.t2");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.text, "app");                          /* t2 does not hold the tgid */
    CHECK_EQ(eval1(&o, k), 0);
    o.ev[0].st.tgid_thread = T2;                    /* after exec, t2 holds the leader's pid */
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.field, "Tgid");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.text, "shell");
    CHECK_EQ(eval1(&o, k), 0);
    o.ev[0].st.tgid_thread = T1;
    strcpy(k.field, "Pid");
    strcpy(k.text, "app.t3");
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "has Pid app.t2");
    strcpy(k.field, "PPid"); strcpy(k.text, "shell");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.text, "0");
    CHECK_EQ(eval1(&o, k), 0);
    strcpy(k.field, "Threads"); strcpy(k.text, "3");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.field, "SigQ"); strcpy(k.text, "1/100");
    CHECK_EQ(eval1(&o, k), 1);
    strcpy(k.text, "2");
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_EQ(eval_at(&o, &k, 1, 2), -1);            /* no status yet at that point */
    CHECK_CONTAINS(why, "no status of app.t2 was recorded at this point");
    strcpy(k.text, "1");
    CHECK_EQ(eval_at(&o, &k, 1, 3), 1);             /* taken during step 2 = after 3 steps */
    status(&o, 0, T3, st);
    k.thread = T3;
    CHECK_EQ(eval_at(&o, &k, 1, 1), 1);
    CHECK_EQ(eval_at(&o, &k, 1, 2), -1);            /* stale one step later */
    obs_free(&o);
}

TEST(result)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_add(&o, OBS_RESULT, 0, T1)->blocked = 1;
    obs_add(&o, OBS_RESULT, 2, T1)->err = 4;
    sc_cond k = cond(SC_C_RESULT, APP, T1);
    k.result.kind = SC_R_BLOCKED;
    CHECK_EQ(eval_at(&o, &k, 1, 1), 1);
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected app.t1 result blocked; app.t1's last syscall returned EINTR");
    k.result.kind = SC_R_ERRNO; k.result.value = 4;
    CHECK_EQ(eval1(&o, k), 1);
    k.result.kind = SC_R_VALUE; k.result.value = 0;
    CHECK_EQ(eval_at(&o, &k, 1, 1), 0);
    CHECK_CONTAINS(why, "still blocked");
    k.thread = T3;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "app.t3 made no syscall step");
    obs_free(&o);
}

TEST(waited)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_event *w = obs_add(&o, OBS_WAIT, 1, SH_MAIN); w->other = KID; w->value = 0x137f;  /* stopped SIGSTOP */
    w = obs_add(&o, OBS_WAIT, 2, SH_MAIN); w->other = KID; w->value = 0xffff;             /* continued */
    w = obs_add(&o, OBS_WAIT, 3, SH_MAIN); w->other = KID; w->value = 0x0f;               /* killed SIGTERM */
    w = obs_add(&o, OBS_WAIT, 4, SH_MAIN); w->other = APP; w->code = 1; w->value = 7;     /* waitid exited 7 */
    sc_cond k = cond(SC_C_WAITED, SHELL, SH_MAIN); k.other_proc = KID;
    k.wait_kind = 's'; k.sig = 19;
    CHECK_EQ(eval1(&o, k), 1);
    k.wait_kind = 'c';
    CHECK_EQ(eval1(&o, k), 1);
    CHECK_EQ(eval_at(&o, &k, 1, 2), 0);
    CHECK_STR(why, "expected shell.main waited kid continued; stopped SIGSTOP (reported to shell.main)");
    k.wait_kind = 'k'; k.sig = 15;
    CHECK_EQ(eval1(&o, k), 1);
    k.wait_kind = 'e'; k.num = 0;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "stopped SIGSTOP, then continued, then killed SIGTERM");
    k.other_proc = APP; k.num = 7;
    CHECK_EQ(eval1(&o, k), 1);
    w = obs_add(&o, OBS_WAIT, 4, SH_MAIN); w->other = KID; w->value = 0x8b;               /* SIGSEGV, core */
    k.other_proc = KID; k.wait_kind = 'd'; k.sig = 11;
    CHECK_EQ(eval1(&o, k), 1);
    k.wait_kind = 'k';
    CHECK_EQ(eval1(&o, k), 1);                      /* killed matches with or without core */
    k.wait_kind = 'd'; k.sig = 15;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "expected shell.main waited kid dumped SIGTERM; ");
    CHECK_CONTAINS(why, "killed SIGSEGV (core dumped)");
    k.thread = -1; k.proc = APP; k.other_proc = KID;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "no wait by app.t1 reported kid");
    obs_free(&o);
}

TEST(exit_order)
{
    world();
    tgs_obs o; obs_init(&o, OBS_CAP_EXIT_ORDER);
    obs_add(&o, OBS_EXIT, 1, T2); obs_add(&o, OBS_EXIT, 1, T3); obs_add(&o, OBS_EXIT, 1, T1);
    sc_cond k = cond(SC_C_EXIT_ORDER, -1, -1);
    k.list_len = 3; k.list[0] = T2; k.list[1] = T3; k.list[2] = T1;
    CHECK_EQ(eval1(&o, k), 1);
    k.list[0] = T1; k.list[2] = T2;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected exit-order app.t1 app.t3 app.t2; the exit order was app.t2 app.t3 app.t1");
    k.list_len = 2; k.list[0] = T2; k.list[1] = K_MAIN;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_CONTAINS(why, "kid.main did not exit");
    o.n = 0;
    CHECK_EQ(eval1(&o, k), 0);
    CHECK_STR(why, "expected exit-order app.t2 kid.main; the exit order was (none of them exited); app.t2 did not exit; kid.main did not exit");
    o.caps = 0;
    CHECK_EQ(eval1(&o, k), -1);
    obs_free(&o);
}

TEST(bad_indexes_do_not_crash)
{
    world();
    tgs_obs o; obs_init(&o, 0);
    obs_add(&o, OBS_HANDLER, 1, 77)->sig = 99;
    sc_cond k = cond(SC_C_HANDLED, 9, 3); k.sig = 200;
    CHECK_EQ(eval1(&o, k), 0);
    k = cond(SC_C_RESULT, APP, 55);
    CHECK_EQ(eval1(&o, k), 0);
    k = cond(SC_C_EXITED, -4, -1);
    CHECK_EQ(eval1(&o, k), 0);
    k = cond(SC_C_EXIT_ORDER, 0, 0); k.list_len = 99; k.list[0] = -5;
    o.caps = OBS_CAP_EXIT_ORDER;
    CHECK_EQ(eval1(&o, k), 0);
    char small[8];
    sc_expect e = { 5, 1, &k, { 0, 0 } };
    obs_eval(&F, &o, &e, small, sizeof small);
    CHECK_EQ(strlen(small), 7);
    obs_free(&o);
}

TEST(obs_format_lines)
{
    world();
    char buf[256];
    tgs_obs o; obs_init(&o, 0);
    obs_event *h = handler(&o, 1, T1, 10, -1, SHELL);
    h->value = 5; h->mask = 1ULL << 11;
    obs_format(&F, h, buf, sizeof buf);
    CHECK_STR(buf, "step 1: app.t1 handler SIGUSR1 code=SI_QUEUE pid=shell value=5 mask=SIGUSR2 depth=1");
    proc_end(&o, 4, APP, OBS_END_DUMPED, 3);
    obs_format(&F, &o.ev[1], buf, sizeof buf);
    CHECK_STR(buf, "step 4: app end dumped SIGQUIT");
    obs_event *w = obs_add(&o, OBS_WAIT, -1, SH_MAIN); w->other = KID; w->value = 0x300;
    obs_format(&F, w, buf, sizeof buf);
    CHECK_STR(buf, "setup: shell.main waited kid exited 3");
    for (int i = 0; i < 1000; i++) CHECK(obs_add(&o, OBS_EXIT, 1, T1) != NULL);
    CHECK_EQ(o.n, 1003);
    obs_free(&o);
    CHECK_EQ(o.n, 0);
}

TEST(state_from_a_status_record)
{
    world();
    tgs_obs o; obs_init(&o, OBS_CAP_STATUS);
    obs_status st = { 'T', T1, T1, SHELL, 3, 0, 0, 0, 0, 0, 0, 0 };
    for (int t = T1; t <= T3; t++) { st.pid_thread = t; status(&o, 1, t, st); }
    sc_cond k = cond(SC_C_STATE, APP, -2); k.state = 'T';
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);
    k.state = 'S';
    CHECK_EQ(eval_at(&o, &k, 1, 2), 0);
    CHECK_STR(why, "expected app.* state S; app.t1 is in state T");
    CHECK_EQ(eval_at(&o, &k, 1, 3), -1);            /* the record is stale after step 2 */
    k = cond(SC_C_STOPPED, APP, -1);
    CHECK_EQ(eval_at(&o, &k, 1, 2), 1);             /* all threads T at that point */
    k.sig = 19;
    CHECK_EQ(eval_at(&o, &k, 1, 2), -1);            /* which signal is not known */
    obs_free(&o);
}

T_MAIN()
