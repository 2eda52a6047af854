/* test_wait.c - wait4/waitid: option rules, ECHILD, statuses, blocking, auto-reap (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(wait4_option_einval)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1);
    th_fork(h, p);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WNOWAIT)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WEXITED)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0x100)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, INT32_MIN, &st, 0)), -ESRCH);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WNOHANG | TGS_WUNTRACED | TGS_WCONTINUED | TGS_WALL | TGS_WNOTHREAD)), 0);
    th_free(h);
}

TEST(wait_echild_cases)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), q = th_fork(h, 1);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), -ECHILD);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, q, &st, 0)), -ECHILD);      /* not my child */
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, 555, &st, 0)), -ECHILD);    /* no such pid */
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -555, &st, 0)), -ECHILD);   /* no such pgrp */
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_ALL, 0, &si, TGS_WEXITED)), -ECHILD);
    th_free(h);
}

TEST(waitid_option_einval)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1);
    th_fork(h, p);
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_ALL, 0, &si, TGS_WNOHANG)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, 0, &si, TGS_WEXITED)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PGID, -1, &si, TGS_WEXITED)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, 7, 0, &si, TGS_WEXITED)), -EINVAL);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_ALL, 0, &si, TGS_WEXITED | 0x100)), -EINVAL);
    th_free(h);
}

TEST(wnohang_running_child_is_zero)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = th_fork(h, p);
    int st = 1234;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WNOHANG)), 0);
    CHECK_EQ(st, 1234);
    tgs_siginfo si;
    memset(&si, 0x55, sizeof si);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WEXITED | TGS_WNOHANG)), 0);
    CHECK_EQ(si.si_pid, 0);
    CHECK_EQ(si.si_signo, 0);
    th_free(h);
}

TEST(waitid_reports_siginfo_and_wnowait)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = th_fork(h, p);
    tgs_cred cr = { .uid = 1000, .euid = 1000, .suid = 1000 };
    tgs_set_cred(h->w, c, &cr);
    th_sys(h, c, tgs_exit(h->w, c, 42));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WEXITED | TGS_WNOWAIT)), 0);
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_code, TGS_CLD_EXITED);
    CHECK_EQ(si.si_status, 42);
    CHECK_EQ(si.si_pid, c);
    CHECK_EQ(si.si_uid, 1000);
    CHECK(T(h, c) != NULL);                          /* WNOWAIT: still a zombie */
    memset(&si, 0, sizeof si);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_ALL, 0, &si, TGS_WEXITED)), 0);
    CHECK_EQ(si.si_pid, c);
    CHECK(T(h, c) == NULL);
    th_free(h);
}

TEST(waitid_killed_and_dumped_codes)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p), b = th_fork(h, p);
    th_sys(h, p, tgs_kill(h->w, p, a, SIGKILL));
    th_sys(h, p, tgs_kill(h->w, p, b, SIGQUIT));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, a, &si, TGS_WEXITED)), 0);
    CHECK_EQ(si.si_code, TGS_CLD_KILLED);
    CHECK_EQ(si.si_status, SIGKILL);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, b, &si, TGS_WEXITED)), 0);
    CHECK_EQ(si.si_code, TGS_CLD_DUMPED);
    CHECK_EQ(si.si_status, SIGQUIT);
    th_free(h);
}

TEST(blocking_wait_wakes_on_child_exit)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = th_fork(h, p);
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), TGS_ASLEEP);
    CHECK_EQ(h->result[p], TGS_RUN_SLEEP);
    CHECK_STR(th_status(h, p, "State"), "S (sleeping)");
    th_sys(h, c, tgs_exit(h->w, c, 3));
    CHECK_EQ(h->result[p], TGS_RUN_USER);
    CHECK_EQ(h->ret[p], c);
    CHECK_HEX(st, 0x300);
    th_free(h);
}

TEST(blocking_wait_eintr_without_sa_restart)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), s = th_fork(h, 1);
    th_fork(h, p);
    th_handler(h, p, SIGUSR1, TH_H, 0, 0);
    int st;
    th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0));
    th_sys(h, s, tgs_kill(h->w, s, p, SIGUSR1));
    CHECK_EQ(th_handled_count(h, p, SIGUSR1), 1);
    CHECK_EQ(h->result[p], TGS_RUN_USER);
    CHECK_EQ(h->ret[p], -EINTR);
    th_free(h);
}

TEST(blocking_wait_restarts_with_sa_restart)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), s = th_fork(h, 1), c = th_fork(h, p);
    th_handler(h, p, SIGUSR1, TH_H, TGS_SA_RESTART, 0);
    int st = 0;
    th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0));
    th_sys(h, s, tgs_kill(h->w, s, p, SIGUSR1));
    CHECK_EQ(th_handled_count(h, p, SIGUSR1), 1);
    CHECK_EQ(h->result[p], TGS_RUN_SLEEP);          /* back to waiting */
    th_sys(h, c, tgs_exit(h->w, c, 9));
    CHECK_EQ(h->ret[p], c);
    CHECK_HEX(st, 0x900);
    th_free(h);
}

TEST(any_thread_waits_for_any_threads_children)
{
    th_host *h = th_new(NULL);
    tgs_pid pt[2];
    tgs_pid p = th_proc(h, 1, 2, pt);
    tgs_pid c = th_fork(h, pt[1]);
    th_sys(h, c, tgs_exit(h->w, c, 1));
    int st;
    CHECK_EQ(th_sys(h, pt[0], tgs_wait4(h->w, pt[0], -1, &st, TGS_WNOHANG | TGS_WNOTHREAD)), -ECHILD);
    CHECK_EQ(th_sys(h, pt[0], tgs_wait4(h->w, pt[0], -1, &st, 0)), c);
    (void)p;
    th_free(h);
}

TEST(wnothread_waiter_not_woken_by_other_threads_child)
{
    th_host *h = th_new(NULL);
    tgs_pid pt[2];
    th_proc(h, 1, 2, pt);
    th_fork(h, pt[0]);
    tgs_pid c = th_fork(h, pt[1]);
    int st;
    th_sys(h, pt[0], tgs_wait4(h->w, pt[0], -1, &st, TGS_WNOTHREAD));
    th_clear_log(h);
    th_sys(h, c, tgs_exit(h->w, c, 1));
    CHECK_EQ(th_count(h, TGS_EV_WAKE, pt[0], 0), 0);
    CHECK_EQ(h->result[pt[0]], TGS_RUN_SLEEP);
    th_free(h);
}

TEST(waiter_for_other_pid_not_woken)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p), b = th_fork(h, p);
    int st;
    th_sys(h, p, tgs_wait4(h->w, p, a, &st, 0));
    th_clear_log(h);
    th_sys(h, b, tgs_exit(h->w, b, 1));
    CHECK_EQ(th_count(h, TGS_EV_WAKE, p, 0), 0);
    CHECK_EQ(h->result[p], TGS_RUN_SLEEP);
    th_sys(h, a, tgs_exit(h->w, a, 2));
    CHECK_EQ(h->ret[p], a);
    th_free(h);
}

TEST(wait_by_process_group)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p), b = th_fork(h, p);
    CHECK_EQ(th_sys(h, b, tgs_setpgid(h->w, b, 0, 0)), 0);
    th_sys(h, a, tgs_exit(h->w, a, 1));
    th_sys(h, b, tgs_exit(h->w, b, 2));
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -b, &st, 0)), b);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, 0, &st, 0)), a);      /* my own pgrp */
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PGID, 0, &si, TGS_WEXITED | TGS_WNOHANG)), -ECHILD);
    th_free(h);
}

TEST(sigchld_ign_autoreaps_and_wait_gets_echild)
{
    /* §25 row 15: SIG_IGN: no zombie, no SIGCHLD; wait blocks until all children are gone */
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p), b = th_fork(h, p);
    th_handler(h, p, SIGCHLD, TGS_SIG_IGN, 0, 0);
    int st;
    th_sys(h, a, tgs_exit(h->w, a, 1));
    CHECK(T(h, a) == NULL);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), TGS_ASLEEP);
    th_sys(h, b, tgs_exit(h->w, b, 1));
    CHECK(T(h, b) == NULL);
    CHECK_EQ(h->ret[p], -ECHILD);
    CHECK_HEX(th_info(h, p).shared_pending | th_info(h, p).pending, 0);
    th_free(h);
}

TEST(nocldwait_with_handler_still_signals)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p);
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO | TGS_SA_NOCLDWAIT, 0);
    th_sys(h, a, tgs_exit(h->w, a, 1));
    CHECK_EQ(th_handled_count(h, p, SIGCHLD), 1);
    CHECK_EQ(h->handled[0].info.si_code, TGS_CLD_EXITED);
    CHECK(T(h, a) == NULL);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), -ECHILD);
    th_free(h);
}

TEST(setting_sig_ign_does_not_reap_existing_zombies)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p);
    th_sys(h, a, tgs_exit(h->w, a, 6));
    th_handler(h, p, SIGCHLD, TGS_SIG_IGN, 0, 0);
    CHECK(T(h, a) != NULL);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), a);
    CHECK_HEX(st, 0x600);
    th_free(h);
}

TEST(zombie_leader_with_threads_not_reapable)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = th_fork(h, 1), c = th_proc(h, p, 2, tids);
    th_sys(h, c, tgs_exit(h->w, c, 1));
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WNOHANG)), 0);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0)), TGS_ASLEEP);
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 2));
    CHECK_EQ(h->ret[p], c);
    CHECK_HEX(st, 0x200);
    th_free(h);
}

TEST(default_sigchld_is_ignored_but_wakes_waiter)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = th_fork(h, p);
    int st;
    th_sys(h, p, tgs_wait4(h->w, p, -1, &st, 0));
    th_clear_log(h);
    th_sys(h, c, tgs_exit(h->w, c, 0));
    const tgs_event *g = th_ev(h, TGS_EV_GENERATE, 0);
    CHECK(g && g->sig == SIGCHLD && g->res == TGS_RES_IGNORED);
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->target == p && n->code == TGS_CLD_EXITED);
    CHECK_EQ(h->ret[p], c);
    th_free(h);
}

TEST(exit_signal_reverts_to_sigchld_after_parent_exec)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = 0;
    CHECK(th_sys(h, p, tgs_clone(h->w, p, 0, SIGUSR2, &c)) > 0);
    th_sys(h, p, tgs_exec(h->w, p));
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO, 0);
    th_sys(h, c, tgs_exit(h->w, c, 0));
    CHECK_EQ(th_handled_count(h, p, SIGCHLD), 1);   /* parent exec'd: SIGCHLD, not SIGUSR2 */
    th_free(h);
}

T_MAIN()
