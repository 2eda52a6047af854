/* test_actions.c - sigaction (§7), sigprocmask (§8), sigaltstack errors (§18), flush on ignore
 * (§25 row 16). */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

TEST(sigaction_errno_order)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    struct tgs_sigaction act = { .handler = TH_H, .flags = TGS_SA_RESTORER }, old;
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, 65, &act, NULL, 4)), -EINVAL);   /* size first */
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, 0, &act, NULL, 8)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, 65, NULL, &old, 8)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, SIGKILL, &act, NULL, 8)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, SIGSTOP, &act, NULL, 8)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, SIGKILL, NULL, &old, 8)), 0);
    CHECK_EQ(old.handler, TGS_SIG_DFL);
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, 32, &act, NULL, 8)), 0);   /* raw syscall: ok */
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, 64, &act, NULL, 8)), 0);
    th_free(h);
}

TEST(sigaction_clears_unknown_flags_and_kill_stop_from_mask)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    struct tgs_sigaction act = { .handler = TH_H, .flags = 0x04000000UL | 0x400 | 0x00800000UL | TGS_SA_SIGINFO,
                                 .mask = ~0ULL }, old;
    th_sys(h, a, tgs_sigaction(h->w, a, SIGUSR1, &act, NULL, 8));
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, SIGUSR1, NULL, &old, 8)), 0);
    CHECK_HEX(old.flags, 0x04000004UL);
    CHECK_HEX(old.mask, ~0ULL & ~(TGS_SIGMASK(SIGKILL) | TGS_SIGMASK(SIGSTOP)));
    CHECK_EQ(old.handler, TH_H);
    th_free(h);
}

TEST(sigaction_old_value_returned_with_new)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGINT, TH_H, TGS_SA_RESTART, TGS_SIGMASK(SIGHUP));
    struct tgs_sigaction act = { .handler = TGS_SIG_IGN }, old;
    CHECK_EQ(th_sys(h, a, tgs_sigaction(h->w, a, SIGINT, &act, &old, 8)), 0);
    CHECK_EQ(old.handler, TH_H);
    CHECK_HEX(old.flags, TGS_SA_RESTART | TGS_SA_RESTORER);
    CHECK_HEX(old.mask, TGS_SIGMASK(SIGHUP));
    CHECK_STR(th_status(h, a, "SigIgn"), "0000000000000002");
    th_free(h);
}

TEST(handlers_shared_by_threads)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    (void)app;
    th_handler(h, t[1], SIGUSR1, TH_H, 0, 0);
    CHECK_STR(th_status(h, t[0], "SigCgt"), "0000000000000200");
    th_free(h);
}

/* §25 row 16: SIG_IGN / SIG_DFL flush another thread's private pending */
TEST(flush_on_ignore_every_thread_row16)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGWINCH));
    th_handler(h, app, SIGWINCH, TH_H, 0, 0);
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGUSR1));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGWINCH));
    CHECK_STR(th_status(h, t[1], "SigPnd"), "0000000008000200");
    th_handler(h, app, SIGUSR1, TGS_SIG_IGN, 0, 0);
    CHECK_STR(th_status(h, t[1], "SigPnd"), "0000000008000000");
    th_handler(h, app, SIGWINCH, TGS_SIG_DFL, 0, 0);
    CHECK_STR(th_status(h, t[1], "SigPnd"), "0000000000000000");
    CHECK_EQ(th_ledger(h).flushed, 2);
    th_free(h);
}

TEST(flush_on_ignore_includes_shared_and_rt_entries)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(40));
    for (int i = 0; i < 3; i++) th_sys(h, app, tgs_kill(h->w, app, app, 40));
    CHECK_EQ(th_info(h, app).sigq, 3);
    th_handler(h, app, 40, TGS_SIG_IGN, 0, 0);
    CHECK_EQ(th_info(h, app).sigq, 0);
    CHECK_EQ(th_info(h, app).shared_pending, 0);
    CHECK_EQ(th_ledger(h).flushed, 3);
    th_free(h);
}

TEST(setting_a_handler_does_not_flush)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_handler(h, app, SIGUSR1, TGS_SIG_DFL, 0, 0);          /* DFL of a terminate signal */
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGUSR1));
    th_free(h);
}

TEST(sigprocmask_strips_kill_stop_and_returns_old)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_sigset all = ~0ULL, old = 123;
    CHECK_EQ(th_sys(h, a, tgs_sigprocmask(h->w, a, TGS_SIG_SETMASK, &all, &old, 8)), 0);
    CHECK_HEX(old, 0);
    CHECK_STR(th_status(h, a, "SigBlk"), "fffffffffffbfeff");
    tgs_sigset u = TGS_SIGMASK(SIGHUP);
    CHECK_EQ(th_sys(h, a, tgs_sigprocmask(h->w, a, TGS_SIG_UNBLOCK, &u, &old, 8)), 0);
    CHECK_HEX(old, 0xfffffffffffbfeffULL);
    CHECK_STR(th_status(h, a, "SigBlk"), "fffffffffffbfefe");
    th_free(h);
}

TEST(sigprocmask_errors)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_sigset s = TGS_SIGMASK(SIGUSR1), old = 7;
    CHECK_EQ(th_sys(h, a, tgs_sigprocmask(h->w, a, TGS_SIG_BLOCK, &s, NULL, 4)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_sigprocmask(h->w, a, 9, &s, &old, 8)), -EINVAL);
    CHECK_EQ(old, 7);                                        /* not written on error */
    CHECK_EQ(th_sys(h, a, tgs_sigprocmask(h->w, a, 9, NULL, &old, 8)), 0);   /* bad how, no set */
    CHECK_EQ(old, 0);
    th_free(h);
}

TEST(sigprocmask_only_changes_calling_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    th_proc(h, 1, 2, t);
    th_block(h, t[1], TGS_SIGMASK(SIGINT));
    CHECK_EQ(th_info(h, t[0]).blocked, 0);
    CHECK_HEX(th_info(h, t[1]).blocked, TGS_SIGMASK(SIGINT));
    th_free(h);
}

TEST(unblocking_delivers_before_returning)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    th_sys(h, a, tgs_kill(h->w, a, a, SIGUSR1));
    CHECK_EQ(h->nhandled, 0);
    CHECK_EQ(th_unblock(h, a, TGS_SIGMASK(SIGUSR1)), 0);
    CHECK_EQ(h->nhandled, 1);
    CHECK_EQ(h->ret[a], 0);
    CHECK_EQ(h->done[a], 1);
    th_free(h);
}

TEST(sigaltstack_errors_and_report)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_stack old, ss = { .ss_sp = 0x5000, .ss_size = 2047 };
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, TGS_SS_DISABLE);
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL)), -ENOMEM);
    ss.ss_size = 2048;
    ss.ss_flags = 4;
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL)), -EINVAL);
    ss.ss_flags = TGS_SS_ONSTACK;                            /* means "enable" */
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL)), 0);
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, 0);
    CHECK_EQ(old.ss_size, 2048);
    ss.ss_flags = TGS_SS_DISABLE;
    ss.ss_size = 1;                                          /* size ignored when disabling */
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, &old)), 0);
    CHECK_EQ(old.ss_sp, 0x5000);
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, TGS_SS_DISABLE);
    CHECK_EQ(old.ss_size, 0);
    ss.ss_flags = TGS_SS_AUTODISARM;
    ss.ss_size = 4096;
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL)), 0);
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, TGS_SS_AUTODISARM);
    th_free(h);
}

TEST(syscalls_on_sleeping_or_dead_threads)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_pause(h->w, a));
    tgs_sigset s = 0;
    CHECK_EQ(tgs_sigprocmask(h->w, a, TGS_SIG_BLOCK, &s, NULL, 8), -EBUSY);
    CHECK_EQ(tgs_kill(h->w, a, 1, 0), -EBUSY);
    CHECK_EQ(tgs_kill(h->w, 999, 1, 0), -ESRCH);
    th_free(h);
}

TEST(exec_resets_caught_keeps_ignored_and_mask)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, TGS_SA_RESTART, TGS_SIGMASK(SIGHUP));
    th_handler(h, a, SIGUSR2, TGS_SIG_IGN, 0, 0);
    th_block(h, a, TGS_SIGMASK(SIGINT));
    th_sys(h, a, tgs_tkill(h->w, a, a, SIGINT));
    th_sys(h, a, tgs_exec(h->w, a));
    CHECK_STR(th_status(h, a, "SigCgt"), "0000000000000000");
    CHECK_STR(th_status(h, a, "SigIgn"), "0000000000000800");
    CHECK_STR(th_status(h, a, "SigBlk"), "0000000000000002");
    CHECK_STR(th_status(h, a, "SigPnd"), "0000000000000002");
    struct tgs_sigaction old;
    th_sys(h, a, tgs_sigaction(h->w, a, SIGUSR1, NULL, &old, 8));
    CHECK_EQ(old.flags, 0);
    CHECK_EQ(old.mask, 0);
    th_free(h);
}

T_MAIN()
