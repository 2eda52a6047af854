/* test_waits.c - pause, sigsuspend, sigtimedwait (§9 W1-W2), signalfd (W3), host-completed
 * blocking calls, nanosleep, timers. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

TEST(pause_returns_eintr_after_handler)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, TGS_SA_RESTART, 0);
    CHECK_EQ(th_sys(h, a, tgs_pause(h->w, a)), TGS_ASLEEP);
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    CHECK_STR(th_status(h, a, "State"), "S (sleeping)");
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR1));
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], -EINTR);                 /* ERESTARTNOHAND: EINTR even with SA_RESTART */
    CHECK_EQ(h->done[a], 1);
    CHECK_STR(th_status(h, a, "State"), "R (running)");
    th_free(h);
}

TEST(pause_restarts_after_stop_and_continue)
{
    th_host *h = th_new(NULL);
    tgs_pid s = th_fork(h, 1), a = th_fork(h, s);
    th_sys(h, a, tgs_setpgid(h->w, a, 0, 0));
    th_sys(h, a, tgs_pause(h->w, a));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGSTOP));
    CHECK_EQ(h->result[a], TGS_RUN_STOPPED);
    CHECK_STR(th_status(h, a, "State"), "T (stopped)");
    th_sys(h, s, tgs_kill(h->w, s, a, SIGCONT));
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    CHECK_EQ(th_count(h, TGS_EV_SYSCALL_RESTART, a, 0), 1);
    th_free(h);
}

TEST(sigsuspend_installs_mask_and_restores)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1);
    th_handler(h, a, SIGUSR2, TH_H, 0, 0);
    th_block(h, a, TGS_SIGMASK(SIGUSR2));
    CHECK_EQ(th_sys(h, a, tgs_sigsuspend(h->w, a, TGS_SIGMASK(SIGKILL) | TGS_SIGMASK(SIGHUP), 8)), TGS_ASLEEP);
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGHUP));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR2));
    CHECK_EQ(h->ret[a], -EINTR);
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGUSR2));
    CHECK_EQ(th_sys(h, a, tgs_sigsuspend(h->w, a, 0, 4)), -EINVAL);
    th_free(h);
}

TEST(sigsuspend_pending_at_entry_returns_at_once)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_sys(h, a, tgs_kill(h->w, a, a, SIGUSR1));
    th_sys(h, a, tgs_sigsuspend(h->w, a, 0, 8));
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], -EINTR);
    CHECK_EQ(th_handled_count(h, a, SIGUSR1), 1);
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGUSR1));
    th_free(h);
}

TEST(sigsuspend_never_wakes_for_default_ignored_sigchld)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGCHLD));
    th_sys(h, a, tgs_sigsuspend(h->w, a, 0, 8));
    tgs_pid c = th_fork(h, 1);
    th_sys(h, c, tgs_kill(h->w, c, a, SIGCHLD));
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    CHECK_EQ(th_ev(h, TGS_EV_GENERATE, 0)->res, TGS_RES_IGNORED);
    th_free(h);
}

TEST(sigtimedwait_zero_timeout_eagain)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, 0, 8)), -EAGAIN);
    CHECK_EQ(th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, 0, 16)), -EINVAL);
    th_free(h);
}

TEST(sigtimedwait_timeout_fires_eagain_and_restores_mask)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGINT));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, 5000, 8)), TGS_ASLEEP);
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGINT));
    CHECK_EQ(h->timer[a], 5000);
    th_advance(h, 4999);
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    th_advance(h, 1);
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], -EAGAIN);
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGINT));
    th_free(h);
}

TEST(sigtimedwait_eintr_on_unrelated_signal)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1);
    th_handler(h, a, SIGUSR2, TH_H, TGS_SA_RESTART, 0);
    tgs_siginfo si;
    th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, -1, 8));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR2));
    CHECK_EQ(h->ret[a], -EINTR);                /* never restarted, even with SA_RESTART */
    CHECK_EQ(th_handled_count(h, a, SIGUSR2), 1);
    th_free(h);
}

/* §25 row 20: sigtimedwait across SIGSTOP/SIGCONT -> EINTR */
TEST(sigtimedwait_eintr_after_stop_continue_row20)
{
    th_host *h = th_new(NULL);
    tgs_pid s = th_fork(h, 1), a = th_fork(h, s);
    th_sys(h, a, tgs_setpgid(h->w, a, 0, 0));
    tgs_siginfo si;
    th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, -1, 8));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGSTOP));
    CHECK_EQ(h->result[a], TGS_RUN_STOPPED);
    th_sys(h, s, tgs_kill(h->w, s, a, SIGCONT));
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], -EINTR);
    th_free(h);
}

/* §25 row 19: the raw syscall reports SI_TKILL (-6) after tgkill */
TEST(sigtimedwait_raw_code_after_tgkill_row19)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_sys(h, a, tgs_tgkill(h->w, a, a, a, SIGUSR1));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGUSR1), &si, -1, 8)), SIGUSR1);
    CHECK_EQ(si.si_code, -6);
    CHECK_EQ(si.si_pid, a);
    th_free(h);
}

TEST(sigtimedwait_cannot_wait_for_kill_or_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, a, tgs_sigtimedwait(h->w, a, TGS_SIGMASK(SIGKILL) | TGS_SIGMASK(SIGSTOP), &si, 0, 8)), -EAGAIN);
    th_free(h);
}

TEST(sigtimedwait_woken_but_signal_taken_by_another_thread_eintr)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1));
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si;
    th_sys(h, t[1], tgs_sigtimedwait(h->w, t[1], TGS_SIGMASK(SIGUSR1), &si, -1, 8));
    tgs_kill(h->w, 1, app, SIGUSR1);                /* t1 is chosen and woken ... */
    h->nrunq = 0;
    th_unblock(h, t[0], TGS_SIGMASK(SIGUSR1));       /* ... but t0 takes it first */
    CHECK_EQ(th_handled_count(h, t[0], SIGUSR1), 1);
    th_interrupt(h, t[1]);
    CHECK_EQ(h->ret[t[1]], -EINTR);
    th_free(h);
}

TEST(signalfd_reads_own_private_then_shared)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    tgs_sigset m = TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2);
    th_block(h, t[0], m);
    th_block(h, t[1], m);
    CHECK_EQ(th_sys(h, t[0], tgs_signalfd(h->w, t[0], m, 1)), 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    th_sys(h, app, tgs_tkill(h->w, app, t[0], SIGUSR2));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGUSR1));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, t[0], tgs_signalfd_read(h->w, t[0], &si, 128)), 128);
    CHECK_EQ(si.si_signo, SIGUSR2);
    CHECK_EQ(th_sys(h, t[0], tgs_signalfd_read(h->w, t[0], &si, 256)), 128);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_code, TGS_SI_USER);
    CHECK_EQ(th_sys(h, t[0], tgs_signalfd_read(h->w, t[0], &si, 128)), -EAGAIN);   /* t1's stays */
    CHECK_HEX(th_info(h, t[1]).pending, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, t[0], tgs_signalfd_read(h->w, t[0], &si, 127)), -EINVAL);
    CHECK_EQ(th_sys(h, t[1], tgs_signalfd_read(h->w, t[1], &si, 128)), -EBADF);
    th_free(h);
}

TEST(signalfd_blocking_read_woken_by_send)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_sys(h, a, tgs_signalfd(h->w, a, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGKILL), 0));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, a, tgs_signalfd_read(h->w, a, &si, 128)), TGS_ASLEEP);
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR1));
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], 128);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_pid, s);
    th_free(h);
}

TEST(signalfd_read_interrupted_erestartsys)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_handler(h, a, SIGUSR2, TH_H, TGS_SA_RESTART, 0);
    th_handler(h, a, SIGHUP, TH_H, 0, 0);
    th_sys(h, a, tgs_signalfd(h->w, a, TGS_SIGMASK(SIGUSR1), 0));
    tgs_siginfo si;
    th_sys(h, a, tgs_signalfd_read(h->w, a, &si, 128));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR2));             /* SA_RESTART: reads again */
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    th_sys(h, s, tgs_kill(h->w, s, a, SIGHUP));              /* no SA_RESTART: EINTR */
    CHECK_EQ(h->ret[a], -EINTR);
    th_free(h);
}

TEST(signalfd_does_not_block_signals)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), a = th_fork(h, sh);
    th_sys(h, a, tgs_signalfd(h->w, a, TGS_SIGMASK(SIGUSR1), 0));
    tgs_siginfo si;
    th_sys(h, a, tgs_signalfd_read(h->w, a, &si, 128));
    th_sys(h, sh, tgs_kill(h->w, sh, a, SIGUSR1));           /* unblocked + SIG_DFL: fatal */
    CHECK(!th_alive(h, a));
    th_free(h);
}

TEST(block_completed_by_host)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_block(h->w, a, TGS_ERESTARTSYS)), TGS_ASLEEP);
    CHECK_EQ(tgs_complete(h->w, a, 42), 0);
    CHECK_EQ(tgs_complete(h->w, a, 43), -EINVAL);
    th_run_until_quiet(h);
    CHECK_EQ(h->ret[a], 42);
    CHECK_EQ(tgs_complete(h->w, a, 1), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_block(h->w, a, 0)), -EINVAL);
    th_free(h);
}

TEST(block_completion_wins_over_signal)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    th_sys(h, a, tgs_block(h->w, a, TGS_ERESTARTSYS));
    tgs_kill(h->w, 1, a, SIGUSR1);
    tgs_complete(h->w, a, 9);
    th_run_until_quiet(h);
    CHECK_EQ(th_handled_count(h, a, SIGUSR1), 1);
    CHECK_EQ(h->ret[a], 9);
    th_free(h);
}

TEST(nanosleep_completes_at_deadline)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    h->now = 100;
    CHECK_EQ(th_sys(h, a, tgs_nanosleep(h->w, a, 50)), TGS_ASLEEP);
    CHECK_EQ(h->timer[a], 150);
    th_advance(h, 50);
    CHECK_EQ(h->ret[a], 0);
    th_free(h);
}

TEST(stale_timer_fire_is_harmless)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_pause(h->w, a));
    tgs_timer_fire(h->w, a);
    tgs_timer_fire(h->w, 999);
    CHECK_EQ(h->nrunq, 0);
    th_run_until_quiet(h);
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    th_free(h);
}

TEST(sigkill_wakes_every_kind_of_sleep)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 4, t);
    tgs_siginfo si;
    th_sys(h, t[0], tgs_pause(h->w, t[0]));
    th_sys(h, t[1], tgs_nanosleep(h->w, t[1], 1000));
    th_sys(h, t[2], tgs_sigtimedwait(h->w, t[2], TGS_SIGMASK(SIGUSR1), &si, -1, 8));
    th_sys(h, t[3], tgs_block(h->w, t[3], TGS_ERESTARTNOINTR));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGKILL));
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGKILL);
    th_free(h);
}

TEST(sigsuspend_restarts_with_its_mask_after_stop_continue)
{
    th_host *h = th_new(NULL);
    tgs_pid s = th_fork(h, 1), a = th_fork(h, s);
    th_sys(h, a, tgs_setpgid(h->w, a, 0, 0));
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_sys(h, a, tgs_sigsuspend(h->w, a, TGS_SIGMASK(SIGHUP), 8));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGSTOP));
    CHECK_EQ(h->result[a], TGS_RUN_STOPPED);
    th_sys(h, s, tgs_kill(h->w, s, a, SIGCONT));
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);                   /* restarted, not EINTR */
    CHECK_HEX(th_info(h, a).blocked, TGS_SIGMASK(SIGHUP));   /* its mask re-applied */
    th_free(h);
}

TEST(run_on_unknown_or_dead_tid_reports_dead)
{
    th_host *h = th_new(NULL);
    tgs_upcall up;
    CHECK_EQ(tgs_run(h->w, 777, &up), TGS_RUN_DEAD);
    CHECK_EQ(up.tid, 777);
    tgs_pid s = th_fork(h, 1), a = th_fork(h, s);
    th_sys(h, a, tgs_exit(h->w, a, 0));
    CHECK_EQ(tgs_run(h->w, a, &up), TGS_RUN_DEAD);
    th_free(h);
}

TEST(interrupt_of_spinning_thread_runs_pending_handler)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGALRM, TH_H, 0, 0);
    tgs_send_kernel(h->w, a, SIGALRM, TGS_KSEND_TGID);   /* from "interrupt context" */
    CHECK_EQ(h->nrunq, 1);                                /* the running thread is kicked */
    h->nrunq = 0;
    CHECK_EQ(th_interrupt(h, a), TGS_RUN_USER);
    CHECK_EQ(th_handled_count(h, a, SIGALRM), 1);
    CHECK_EQ(h->handled[0].info.si_code, TGS_SI_KERNEL);
    CHECK_EQ(h->done[a], 0);
    th_free(h);
}

/* Checked on live 6.18 (corpus ws-010): main and t1 both in sigwaitinfo(USR1); kill(app):
 * main takes it, and restoring main's mask retargets the (still queued) signal, waking t1,
 * which then finds nothing and returns EINTR. */
TEST(two_sigwaiters_second_gets_eintr_from_retarget)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1));
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));
    tgs_siginfo s0, s1;
    th_sys(h, t[1], tgs_sigtimedwait(h->w, t[1], TGS_SIGMASK(SIGUSR1), &s1, -1, 8));
    th_sys(h, t[0], tgs_sigtimedwait(h->w, t[0], TGS_SIGMASK(SIGUSR1), &s0, -1, 8));
    th_sys(h, 1, tgs_kill(h->w, 1, app, SIGUSR1));
    CHECK_EQ(h->ret[t[0]], SIGUSR1);
    CHECK_EQ(h->result[t[1]], TGS_RUN_USER);
    CHECK_EQ(h->ret[t[1]], -EINTR);
    th_free(h);
}

T_MAIN()
