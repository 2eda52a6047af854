/* test_select.c - thread selection (§4), seed 000's action types for every signal, seed 002's
 * thread choice, seed 003's group exit, the fatal fast path. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

/* A process of n threads (own pgrp, child of a shell); pause_all puts every thread to sleep. */
static tgs_pid setup(th_host *h, int n, tgs_pid *t, tgs_pid *shell)
{
    *shell = th_fork(h, 1);
    tgs_pid app = th_proc(h, *shell, n, t);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    return app;
}
static void pause_all(th_host *h, const tgs_pid *t, int n)
{
    for (int i = 0; i < n; i++) CHECK_EQ(th_sys(h, t[i], tgs_pause(h->w, t[i])), TGS_ASLEEP);
}

static int reap(th_host *h, tgs_pid parent, tgs_pid child)
{
    int status = -1;
    int r = th_sys(h, parent, tgs_wait4(h->w, parent, child, &status, TGS_WNOHANG | TGS_WUNTRACED));
    return r == child ? status : -1000 + r;
}

static int nstopped(th_host *h, const tgs_pid *t, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += th_info(h, t[i]).state == TGS_TASK_STOPPED;
    return k;
}

/* Seed 000: the action type of sig sent to a 3-thread process, with or without a handler. */
static void action_type(int sig, int with_handler)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    bool catchable = sig != SIGKILL && sig != SIGSTOP;
    if (with_handler && catchable) th_handler(h, app, sig, TH_H, 0, 0);
    pause_all(h, t, 3);
    if (sig == SIGCONT) th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    th_clear_log(h);
    CHECK_EQ(th_sys(h, sh, tgs_kill(h->w, sh, app, sig)), 0);
    int cls = sig_props_table[sig].dfl;
    if (with_handler && catchable) {                       /* specific / load-balance */
        if (th_handled_count(h, 0, sig) != 1) printf("  sig %d handler\n", sig);
        CHECK_EQ(th_handled_count(h, 0, sig), 1);
        CHECK_EQ(th_handled_count(h, app, sig), 1);        /* main thread first */
        CHECK(th_alive(h, app));
        CHECK_EQ(nstopped(h, t, 3), 0);
        CHECK_EQ(h->ret[app], -EINTR);
    } else if (cls == SIGDFL_TERM || cls == SIGDFL_CORE) {  /* kill-all (+core) */
        int want = sig | (cls == SIGDFL_CORE ? 0x80 : 0);
        if (reap(h, sh, app) != want) printf("  sig %d status %#x want %#x\n", sig, reap(h, sh, app), want);
        CHECK_EQ(th_count(h, TGS_EV_EXIT, 0, 0), 3);
        CHECK_EQ(th_count(h, TGS_EV_HANDLER_ENTER, 0, 0), 0);
    } else if (cls == SIGDFL_STOP) {                       /* stop-all */
        CHECK_EQ(nstopped(h, t, 3), 3);
        CHECK_EQ(reap(h, sh, app), (sig << 8) | 0x7f);
        th_sys(h, sh, tgs_kill(h->w, sh, app, SIGKILL));
    } else if (cls == SIGDFL_CONT) {                       /* continue-all */
        CHECK_EQ(nstopped(h, t, 3), 0);
        for (int i = 0; i < 3; i++) CHECK_EQ(h->result[t[i]], TGS_RUN_SLEEP);
    } else {                                               /* ignore */
        CHECK_EQ(th_ev(h, TGS_EV_GENERATE, 0)->res, TGS_RES_IGNORED);
        CHECK_EQ(h->nwakes, 0);
        CHECK(th_alive(h, app));
    }
    th_free(h);
}

TEST(seed000_default_actions_1_to_16) { for (int s = 1; s <= 16; s++) action_type(s, 0); }
TEST(seed000_default_actions_17_to_31) { for (int s = 17; s <= 31; s++) action_type(s, 0); }
TEST(seed000_default_actions_rt_32_to_64) { for (int s = 32; s <= 64; s++) action_type(s, 0); }
TEST(seed000_handler_actions_1_to_16) { for (int s = 1; s <= 16; s++) action_type(s, 1); }
TEST(seed000_handler_actions_17_to_31) { for (int s = 17; s <= 31; s++) action_type(s, 1); }
TEST(seed000_handler_actions_rt_32_to_64) { for (int s = 32; s <= 64; s++) action_type(s, 1); }

TEST(seed000_property_table_classes)
{
    CHECK_EQ(sig_props_table[SIGKILL].kernel_only, 1);
    CHECK_EQ(sig_props_table[SIGSTOP].kernel_only, 1);
    uint64_t core = 0, stop = 0, ign = 0, sync = 0;
    for (int s = 1; s <= 64; s++) {
        if (sig_props_table[s].dfl == SIGDFL_CORE) core |= TGS_SIGMASK(s);
        if (sig_props_table[s].dfl == SIGDFL_STOP) stop |= TGS_SIGMASK(s);
        if (sig_props_table[s].dfl == SIGDFL_IGN || sig_props_table[s].dfl == SIGDFL_CONT) ign |= TGS_SIGMASK(s);
        if (sig_props_table[s].synchronous) sync |= TGS_SIGMASK(s);
    }
    CHECK_HEX(core, 0x418004fcULL);
    CHECK_HEX(stop, 0x3c0000ULL);
    CHECK_HEX(ign, 0x8430000ULL);
    CHECK_HEX(sync, 0x400004d8ULL);
    CHECK_STR(sig_props_table[34].name, "SIGRTMIN+2");
    CHECK_STR(sig_props_table[64].name, "SIGRTMAX");
}

TEST(handled_signal_is_never_broadcast)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4], sh;
    tgs_pid app = setup(h, 4, t, &sh);
    th_handler(h, app, SIGTERM, TH_H, 0, 0);
    pause_all(h, t, 4);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTERM));
    CHECK_EQ(th_handled_count(h, 0, 0), 1);
    for (int i = 1; i < 4; i++) CHECK_EQ(h->result[t[i]], TGS_RUN_SLEEP);
    th_free(h);
}

/* §25 row 5: main blocks USR1, three idle threads: six kill()s all go to thread 1 */
TEST(seed002_sticky_choice_row5)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4], sh;
    tgs_pid app = th_proc(h, th_fork(h, 1), 4, t);
    sh = 1;
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1));
    for (int i = 0; i < 4; i++) th_sys(h, t[i], tgs_pause(h->w, t[i]));
    for (int k = 0; k < 6; k++) {
        th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
        CHECK_EQ(h->handled[h->nhandled - 1].tid, t[1]);
        th_sys(h, t[1], tgs_pause(h->w, t[1]));
    }
    CHECK_EQ(th_handled_count(h, t[1], SIGUSR1), 6);
    th_sys(h, sh, tgs_kill(h->w, sh, t[3], SIGUSR1));      /* kill(tid): that thread first */
    CHECK_EQ(h->handled[h->nhandled - 1].tid, t[3]);
    CHECK_EQ(th_ev(h, TGS_EV_GENERATE, 6)->group, 1);
    th_free(h);
}

TEST(seed002_main_thread_tried_first)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    pause_all(h, t, 3);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR2));
    CHECK_EQ(th_handled_count(h, app, SIGUSR2), 1);
    th_free(h);
}

TEST(seed002_scan_moves_curr_target_and_wraps)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4], sh;
    tgs_pid app = setup(h, 4, t, &sh);          /* threads spin in user space: candidates */
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    for (int i = 0; i < 3; i++) th_block(h, t[i], TGS_SIGMASK(SIGUSR1));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    CHECK_EQ(h->handled[0].tid, t[3]);          /* curr_target = t3 */
    th_unblock(h, t[1], TGS_SIGMASK(SIGUSR1));
    th_block(h, t[3], TGS_SIGMASK(SIGUSR1));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));   /* from t3 (blocked) wrap: t0 blocked, t1 */
    CHECK_EQ(h->handled[1].tid, t[1]);
    th_free(h);
}

TEST(seed002_no_sigwait_preference)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4], sh;
    tgs_pid app = th_proc(h, th_fork(h, 1), 4, t);
    sh = 1;
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1));
    th_block(h, t[3], TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, t[3], tgs_sigtimedwait(h->w, t[3], TGS_SIGMASK(SIGUSR1), &si, -1, 8)), TGS_ASLEEP);
    th_sys(h, t[1], tgs_pause(h->w, t[1]));
    th_sys(h, t[2], tgs_pause(h->w, t[2]));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    CHECK_EQ(th_handled_count(h, t[1], SIGUSR1), 1);
    CHECK_EQ(h->result[t[3]], TGS_RUN_SLEEP);
    th_free(h);
}

TEST(seed002_sigwaiter_is_a_candidate_via_real_blocked)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = th_proc(h, th_fork(h, 1), 3, t);
    sh = 1;
    for (int i = 0; i < 3; i++) th_block(h, t[i], TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si;
    memset(&si, 0, sizeof si);
    CHECK_EQ(th_sys(h, t[2], tgs_sigtimedwait(h->w, t[2], TGS_SIGMASK(SIGUSR1), &si, -1, 8)), TGS_ASLEEP);
    CHECK_STR(th_status(h, t[2], "SigBlk"), "0000000000000000");
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    CHECK_EQ(h->ret[t[2]], SIGUSR1);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_pid, 1);
    CHECK_STR(th_status(h, t[2], "SigBlk"), "0000000000000200");
    th_free(h);
}

TEST(thread_with_sigpending_set_is_skipped_unless_on_cpu)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    (void)sh;
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));
    th_block(h, t[2], TGS_SIGMASK(SIGUSR1));
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    pause_all(h, t, 3);
    /* a shared USR1 blocked by all: nobody woken */
    CHECK_EQ(tgs_kill(h->w, 1, app, SIGUSR1), 0);
    CHECK_EQ(h->nrunq, 0);
    /* USR2: t1 wants it (sigpending clear) -> chosen and woken; its flag is now set */
    CHECK_EQ(tgs_kill(h->w, 1, app, SIGUSR2), 0);
    CHECK_EQ(h->nrunq, 1);
    CHECK_EQ(h->runq[0], t[1]);
    h->nrunq = 0;
    th_run_until_quiet(h);
    th_free(h);
}

TEST(on_cpu_thread_with_sigpending_still_wanted)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    th_handler(h, app, SIGHUP, TH_H, 0, 0);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2) | TGS_SIGMASK(SIGHUP));
    pause_all(h, t, 2);
    tgs_kill(h->w, sh, app, SIGUSR2);          /* t1 chosen and woken, not yet run */
    tgs_kill(h->w, sh, app, SIGHUP);           /* t1 has sigpending: skipped, nobody else wants */
    CHECK_EQ(th_info(h, t[1]).pending, 0);
    h->on_cpu[t[1]] = 1;
    th_run_until_quiet(h);
    CHECK_EQ(th_handled_count(h, t[1], SIGUSR2), 1);
    CHECK_EQ(th_handled_count(h, t[1], SIGHUP), 1);
    th_free(h);
}

TEST(thread_directed_never_retargeted)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));
    pause_all(h, t, 3);
    h->nwakes = 0;
    th_sys(h, sh, tgs_tgkill(h->w, sh, app, t[1], SIGUSR1));
    CHECK_EQ(th_handled_count(h, 0, SIGUSR1), 0);
    CHECK_HEX(th_info(h, t[1]).pending, TGS_SIGMASK(SIGUSR1));
    for (int i = 0; i < h->nwakes; i++) CHECK(h->wakes[i] == sh);
    th_free(h);
}

TEST(blocking_retargets_shared_signal_to_another_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = th_proc(h, th_fork(h, 1), 2, t);
    sh = 1;
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_sys(h, t[1], tgs_pause(h->w, t[1]));
    /* t0 spins in user space (not on a CPU); the signal is aimed at it */
    tgs_kill(h->w, sh, app, SIGUSR1);
    h->nrunq = 0;                              /* t0 does not run yet */
    /* t0 blocks USR1 before getting there: retarget wakes t1 */
    CHECK_EQ(th_block(h, t[0], TGS_SIGMASK(SIGUSR1)), 0);
    CHECK_EQ(th_handled_count(h, t[1], SIGUSR1), 1);
    CHECK_EQ(th_handled_count(h, t[0], SIGUSR1), 0);
    th_free(h);
}

TEST(stopped_threads_not_candidates_but_sigkill_passes)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    pause_all(h, t, 2);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    CHECK_EQ(nstopped(h, t, 2), 2);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTERM));       /* §25 row 3: stays pending */
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000004000");
    CHECK(th_alive(h, app));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGCONT));
    CHECK_EQ(reap(h, sh, app), SIGTERM);
    th_free(h);
}

TEST(sigkill_to_stopped_process_kills_it)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    pause_all(h, t, 2);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    reap(h, sh, app);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGKILL));
    CHECK_EQ(reap(h, sh, app), SIGKILL);
    th_free(h);
}

/* Seed 003: SIGTERM to a 4-thread process */
TEST(seed003_sigterm_becomes_sigkill_in_every_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4], sh;
    tgs_pid app = setup(h, 4, t, &sh);
    pause_all(h, t, 4);
    th_clear_log(h);
    CHECK_EQ(tgs_kill(h->w, sh, app, SIGTERM), 0);      /* not run yet: look at the state */
    for (int i = 0; i < 4; i++) {
        tgs_task_info in = th_info(h, t[i]);
        CHECK_HEX(in.pending, TGS_SIGMASK(SIGKILL));
        CHECK_EQ(in.group_exit, 1);
        CHECK_EQ(in.group_exit_code, SIGTERM);
    }
    CHECK_STR(th_status(h, t[2], "SigPnd"), "0000000000000100");
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000004000");
    CHECK_EQ(h->nrunq, 4);
    th_inv(h, "fast path");
    th_sys(h, sh, 0);
    CHECK_EQ(th_count(h, TGS_EV_DELIVER, 0, SIGKILL), 4);
    CHECK_EQ(th_count(h, TGS_EV_DELIVER, 0, SIGTERM), 0);
    for (int i = 0; i < 4; i++) CHECK_EQ(th_count(h, TGS_EV_DELIVER, t[i], SIGKILL), 1);
    CHECK_EQ(th_info(h, app).last_dequeued, SIGKILL);
    CHECK_EQ(th_info(h, app).last_sender, sh);
    CHECK_EQ(reap(h, sh, app), SIGTERM);
    const tgs_event *g = th_ev(h, TGS_EV_GROUP_EXIT, 0);
    CHECK(g && g->cause_tid == sh && g->cause_sig == SIGTERM);
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.generated, l.delivered + l.ignored + l.discarded + l.pending + l.coalesced + l.flushed + l.overflowed);
    th_free(h);
}

TEST(thread_directed_fatal_kills_whole_process)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    pause_all(h, t, 3);
    th_sys(h, sh, tgs_tgkill(h->w, sh, app, t[2], SIGUSR2));
    CHECK_EQ(reap(h, sh, app), SIGUSR2);
    CHECK_EQ(th_count(h, TGS_EV_EXIT, 0, 0), 3);
    th_free(h);
}

TEST(core_signal_zaps_threads_with_core_flag)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3], sh;
    tgs_pid app = setup(h, 3, t, &sh);
    pause_all(h, t, 3);
    th_clear_log(h);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGQUIT));
    CHECK_EQ(th_count(h, TGS_EV_DELIVER, app, SIGQUIT), 1);   /* no fast path: dequeued */
    CHECK_EQ(reap(h, sh, app), SIGQUIT | 0x80);
    const tgs_event *g = th_ev(h, TGS_EV_GROUP_EXIT, 0);
    CHECK(g && g->sig == SIGQUIT && g->flag == 1);
    th_free(h);
}

TEST(fatal_signal_blocked_everywhere_stays_pending)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    th_block(h, t[0], TGS_SIGMASK(SIGTERM));
    th_block(h, t[1], TGS_SIGMASK(SIGTERM));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTERM));
    CHECK(th_alive(h, app));
    CHECK_EQ(th_info(h, app).group_exit, 0);
    th_unblock(h, t[1], TGS_SIGMASK(SIGTERM));               /* slow path: dequeued, then die */
    CHECK_EQ(th_count(h, TGS_EV_DELIVER, t[1], SIGTERM), 1);
    CHECK_EQ(reap(h, sh, app), SIGTERM);
    th_free(h);
}

/* §25 row 9: sigwaitinfo(USR1) with USR1 unblocked and SIG_DFL: the process dies */
TEST(sigwait_for_unblocked_default_fatal_kills_row9)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(SIGUSR1), &si, -1, 8)), TGS_ASLEEP);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    CHECK_EQ(reap(h, sh, app), SIGUSR1);
    th_free(h);
}

TEST(sigwait_for_blocked_default_fatal_does_not_kill)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si;
    th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(SIGUSR1), &si, -1, 8));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    CHECK(th_alive(h, app));
    CHECK_EQ(h->ret[app], SIGUSR1);
    th_free(h);
}

TEST(signals_after_group_exit_are_dropped)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    pause_all(h, t, 2);
    tgs_kill(h->w, sh, app, SIGTERM);
    th_clear_log(h);
    tgs_kill(h->w, sh, app, SIGUSR1);
    CHECK_EQ(th_ev(h, TGS_EV_GENERATE, 0)->res, TGS_RES_IGNORED);
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGTERM));
    th_sys(h, sh, 0);
    th_free(h);
}

TEST(fast_path_clears_stop_flags_and_jobctl)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2], sh;
    tgs_pid app = setup(h, 2, t, &sh);
    pause_all(h, t, 2);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    tgs_kill(h->w, sh, app, SIGKILL);
    tgs_task_info in = th_info(h, app);
    CHECK_EQ(in.signal_flags, SIGNAL_GROUP_EXIT);
    CHECK_EQ(in.group_stop_count, 0);
    CHECK_EQ(in.group_exit_code, SIGKILL);
    th_sys(h, sh, 0);
    CHECK_EQ(reap(h, sh, app), SIGKILL);
    th_free(h);
}

TEST(container_init_protection)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), c = 0;
    CHECK(th_sys(h, sh, tgs_clone(h->w, sh, TGS_CLONE_NEWPID, SIGCHLD, &c)) > 0);
    CHECK(c > 0);
    th_sys(h, c, tgs_kill(h->w, c, c, SIGKILL));            /* from inside: dropped */
    CHECK(th_alive(h, c));
    th_sys(h, sh, tgs_kill(h->w, sh, c, SIGTERM));          /* SIG_DFL from the parent ns: dropped */
    CHECK(th_alive(h, c));
    th_sys(h, sh, tgs_kill(h->w, sh, c, SIGKILL));          /* forced from the ancestor ns */
    CHECK(!th_alive(h, c));
    th_free(h);
}

T_MAIN()
