/* test_proc.c - /proc status lines byte for byte (§20 P1), task info, task iteration. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

TEST(status_block_byte_exact)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_handler(h, app, SIGINT, TGS_SIG_IGN, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGTERM) | TGS_SIGMASK(SIGUSR2));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTERM));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGUSR2));
    th_sys(h, app, tgs_pause(h->w, app));
    char buf[512], want[512];
    int n = tgs_proc_status(h->w, app, buf, sizeof buf);
    snprintf(want, sizeof want,
             "State:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nThreads:\t1\nSigQ:\t2/1024\n"
             "SigPnd:\t0000000000000800\nShdPnd:\t0000000000004000\nSigBlk:\t0000000000004800\n"
             "SigIgn:\t0000000000000002\nSigCgt:\t0000000000000200\n", app, app, sh);
    CHECK_STR(buf, want);
    CHECK_EQ(n, (int)strlen(want));
    th_free(h);
}

TEST(status_threads_and_ppid_of_threads)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 3, t);
    char ppid[16], tgid[16];
    snprintf(ppid, sizeof ppid, "%d", sh);
    snprintf(tgid, sizeof tgid, "%d", app);
    CHECK_STR(th_status(h, t[2], "Threads"), "3");
    CHECK_STR(th_status(h, t[2], "PPid"), ppid);
    CHECK_STR(th_status(h, t[2], "Tgid"), tgid);
    CHECK_STR(th_status(h, t[2], "State"), "R (running)");
    CHECK_STR(th_status(h, 1, "PPid"), "0");
    th_free(h);
}

TEST(status_truncation_snprintf_style)
{
    th_host *h = th_new(NULL);
    char buf[10];
    int n = tgs_proc_status(h->w, 1, buf, sizeof buf);
    CHECK(n > 100);
    CHECK_STR(buf, "State:\tR ");
    CHECK_EQ(tgs_proc_status(h->w, 999, buf, sizeof buf), -ESRCH);
    th_free(h);
}

TEST(status_zombie_leader_row6)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 2, t);
    th_sys(h, app, tgs_exit(h->w, app, 3));
    CHECK_STR(th_status(h, app, "State"), "Z (zombie)");
    CHECK_STR(th_status(h, app, "Threads"), "2");
    th_clear_log(h);
    CHECK_EQ(th_sys(h, sh, tgs_tgkill(h->w, sh, app, app, SIGUSR2)), 0);
    /* live 6.18: dropped (res=1), not queued as the spec's row 6 says */
    CHECK_STR(th_status(h, app, "SigPnd"), "0000000000000000");
    CHECK_EQ(th_ev(h, TGS_EV_GENERATE, 0)->res, TGS_RES_IGNORED);
    th_handler(h, t[1], SIGUSR1, TH_H, 0, 0);
    CHECK_EQ(th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1)), 0);   /* process-directed: t1 */
    CHECK_EQ(th_handled_count(h, t[1], SIGUSR1), 1);
    th_free(h);
}

TEST(status_stopped_state)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    CHECK_STR(th_status(h, app, "State"), "T (stopped)");
    tgs_task_info i = th_info(h, app);
    CHECK_EQ(i.state, TGS_TASK_STOPPED);
    CHECK_EQ(i.state_letter, 'T');
    th_free(h);
}

TEST(status_stop_signals_pending_while_stopped_row11)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTSTP));
    CHECK_STR(th_status(h, app, "ShdPnd"), "00000000000c0000");
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGCONT));
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000000");
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG | TGS_WCONTINUED)), app);
    CHECK_EQ(st, 0xffff);
    th_free(h);
}

TEST(status_init_and_kthread)
{
    th_host *h = th_new(NULL);
    CHECK_STR(th_status(h, 1, "SigIgn"), "0000000000000000");
    CHECK_STR(th_status(h, 1, "SigQ"), "0/1024");
    tgs_pid k = 0;
    tgs_kthread_create(h->w, &k);
    tgs_allow_signal(h->w, k, SIGHUP);
    CHECK_STR(th_status(h, k, "SigIgn"), "fffffffffffffffe");
    CHECK_STR(th_status(h, k, "SigCgt"), "0000000000000001");
    CHECK_EQ(th_info(h, k).is_kthread, 1);
    th_free(h);
}

TEST(task_info_fields)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 2, t);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, t[1], TGS_SIGMASK(SIGHUP));
    tgs_task_info i = th_info(h, t[1]);
    CHECK_EQ(i.tid, t[1]);
    CHECK_EQ(i.tgid, app);
    CHECK_EQ(i.ppid, sh);
    CHECK_EQ(i.is_leader, 0);
    CHECK_EQ(i.nr_threads, 2);
    CHECK_HEX(i.blocked, TGS_SIGMASK(SIGHUP));
    CHECK_HEX(i.caught, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(i.sigq_limit, 1024);
    CHECK_EQ(th_info(h, app).is_leader, 1);
    CHECK_EQ(tgs_task_info_get(h->w, 999, &i), -ESRCH);
    th_free(h);
}

TEST(next_task_iterates_live_tids_in_order)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1), c = th_fork(h, 1);
    CHECK_EQ(tgs_next_task(h->w, 0), 1);
    CHECK_EQ(tgs_next_task(h->w, 1), a);
    CHECK_EQ(tgs_next_task(h->w, a), b);
    th_sys(h, b, tgs_exit(h->w, b, 0));
    int st;
    th_sys(h, 1, tgs_wait4(h->w, 1, b, &st, 0));
    CHECK_EQ(tgs_next_task(h->w, a), c);
    CHECK_EQ(tgs_next_task(h->w, c), 0);
    th_free(h);
}

TEST(sigq_counts_receiver_uid_across_processes)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1);
    tgs_cred u = { 1000, 1000, 1000, 0 }, root = { 0, 0, 0, 1 };
    tgs_set_cred(h->w, a, &u);
    tgs_set_cred(h->w, b, &u);
    tgs_set_cred(h->w, 1, &root);
    th_block(h, a, TGS_SIGMASK(40));
    th_block(h, b, TGS_SIGMASK(40));
    th_sys(h, 1, tgs_kill(h->w, 1, a, 40));
    th_sys(h, 1, tgs_kill(h->w, 1, b, 40));
    CHECK_STR(th_status(h, a, "SigQ"), "2/1024");
    CHECK_STR(th_status(h, 1, "SigQ"), "0/1024");
    th_free(h);
}

T_MAIN()
