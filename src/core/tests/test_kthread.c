/* test_kthread.c - kthreadd and kernel threads ignore every signal (seed 001, §15) (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(kthreadd_created_on_first_use)
{
    th_host *h = th_new(NULL);
    CHECK(h->w->kthreadd == NULL);
    tgs_pid k = 0;
    CHECK(tgs_kthread_create(h->w, &k) > 0);
    CHECK(h->w->kthreadd != NULL);
    CHECK_EQ(h->w->kthreadd->pid, 2);               /* the first task after init */
    CHECK_EQ(k, 3);
    CHECK_EQ(th_info(h, 2).ppid, 0);
    CHECK_EQ(th_info(h, k).ppid, 2);
    CHECK(th_info(h, k).is_kthread);
    CHECK(th_info(h, 2).is_kthread);
    tgs_pid k2 = 0;
    CHECK(tgs_kthread_create(h->w, &k2) > 0);
    CHECK_EQ(k2, 4);
    CHECK(h->w->kthreadd->pid == 2);
    CHECK(T(h, 1)->children == NULL);               /* not children of init */
    th_free(h);
}

TEST(kthread_status_sigign_all_ones)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0;
    tgs_kthread_create(h->w, &k);
    for (tgs_pid p = 2; p <= k; p++) {
        CHECK_STR(th_status(h, p, "SigIgn"), "ffffffffffffffff");
        CHECK_STR(th_status(h, p, "SigBlk"), "0000000000000000");
        CHECK_STR(th_status(h, p, "SigCgt"), "0000000000000000");
    }
    CHECK_EQ(T(h, k)->signal->uid, 0);
    CHECK(T(h, k)->flags & PF_KTHREAD);
    th_free(h);
}

TEST(signals_to_kthread_are_dropped)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, s = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    th_clear_log(h);
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGTERM)), 0);
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGKILL)), 0);
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGSTOP)), 0);
    CHECK_STR(th_status(h, k, "SigPnd"), "0000000000000000");
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000000");
    CHECK(th_alive(h, k));
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, 0), 3);
    for (int i = 0; i < h->nev; i++)
        if (h->ev[i].type == TGS_EV_GENERATE) CHECK_EQ(h->ev[i].res, TGS_RES_IGNORED);
    th_free(h);
}

TEST(non_root_gets_eperm)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, s = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    tgs_cred c = { .uid = 1000, .euid = 1000, .suid = 1000 };
    tgs_set_cred(h->w, s, &c);
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGKILL)), -EPERM);
    th_free(h);
}

TEST(allow_signal_lets_kthread_take_sigkill)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, s = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_allow_signal(h->w, k, SIGKILL), 0);
    CHECK_STR(th_status(h, k, "SigCgt"), "0000000000000100");
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGKILL)), 0);
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000100");     /* kill(): process-directed */
    CHECK_STR(th_status(h, k, "SigQ"), "0/1024");    /* no sigqueue for a kthread */
    tgs_siginfo si;
    CHECK_EQ(tgs_kernel_dequeue_signal(h->w, k, &si), SIGKILL);
    CHECK_EQ(tgs_kernel_dequeue_signal(h->w, k, &si), 0);
    CHECK(th_alive(h, k));                           /* it decides itself: it exits */
    CHECK_EQ(tgs_exit(h->w, k, 0), 0);
    CHECK(T(h, k) == NULL);                          /* kthreadd ignores SIGCHLD: auto-reaped */
    th_free(h);
}

TEST(kthread_exit_autoreaped_by_kthreadd)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0;
    tgs_kthread_create(h->w, &k);
    th_clear_log(h);
    CHECK_EQ(tgs_exit(h->w, k, 0), 0);
    CHECK(T(h, k) == NULL);
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->sig == 0 && n->target == 2);
    CHECK(T(h, 2)->children == NULL);
    th_free(h);
}

TEST(kthread_create_enomem_and_eagain)
{
    th_host *h = th_new(NULL);
    h->w->alloc_fail_at = (int)h->w->alloc_count + 1;
    tgs_pid k = 0;
    CHECK_EQ(tgs_kthread_create(h->w, &k), -ENOMEM);
    CHECK(h->w->kthreadd == NULL);
    th_free(h);
    tgs_config c = { .rlimit_sigpending = 1024, .max_tasks = 2 };
    h = th_new(&c);
    CHECK_EQ(tgs_kthread_create(h->w, &k), -EAGAIN);  /* kthreadd took the last pid */
    th_free(h);
}

TEST(forced_kernel_sigkill_still_ignored_by_kthread)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0;
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_send_kernel(h->w, k, SIGKILL, TGS_KSEND_TGID), 0);
    CHECK_EQ(tgs_send_kernel(h->w, k, SIGTERM, TGS_KSEND_PID), 0);
    CHECK(th_alive(h, k));
    CHECK_STR(th_status(h, k, "SigPnd"), "0000000000000000");
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000000");
    th_free(h);
}

TEST(allow_kernel_signal_accepts_only_kernel_sends)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, s = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_allow_kernel_signal(h->w, k, SIGUSR1), 0);
    CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, k, SIGUSR1)), 0);
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000000");      /* from user space: dropped */
    CHECK_EQ(tgs_send_kernel(h->w, k, SIGUSR1, TGS_KSEND_TGID), 0);
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000200");      /* forced: accepted */
    CHECK_EQ(tgs_disallow_signal(h->w, k, SIGUSR1), 0);
    CHECK_STR(th_status(h, k, "ShdPnd"), "0000000000000000");      /* SIG_IGN flushes it */
    CHECK_STR(th_status(h, k, "SigIgn"), "ffffffffffffffff");
    th_free(h);
}

TEST(kthreads_share_nothing_with_user_processes)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), k = 0;
    tgs_kthread_create(h->w, &k);
    CHECK(T(h, k)->sighand != T(h, 2)->sighand);    /* each kthread copies kthreadd's table */
    CHECK_EQ(th_info(h, k).pgid, 0);
    CHECK_EQ(th_info(h, k).sid, 0);
    CHECK_EQ(th_info(h, a).pgid, 1);
    CHECK_STR(th_status(h, a, "SigIgn"), "0000000000000000");
    th_free(h);
}

TEST(kthread_cannot_take_a_user_fault)
{
    /* found by fuzzing: a forced fault made kthreadd SIG_DFL and killed its group */
    th_host *h = th_new(NULL);
    tgs_pid k = 0;
    CHECK(tgs_kthread_create(h->w, &k) > 0);    /* returns the new tid */
    CHECK_EQ(tgs_force_fault(h->w, k, SIGSEGV, 1, 0x10), -EINVAL);
    CHECK(th_alive(h, k));
    th_free(h);
}

T_MAIN()
