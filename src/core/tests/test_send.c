/* test_send.c - the send path: entry points, errno order (§18), prepare_signal, sig_ignored,
 * coalescing, RLIMIT_SIGPENDING (§25 row 4), trace res codes. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>
#include <limits.h>

static const tgs_event *last_gen(th_host *h)
{
    const tgs_event *e = NULL;
    for (int i = 0; i < h->nev; i++) if (h->ev[i].type == TGS_EV_GENERATE) e = &h->ev[i];
    return e;
}

TEST(kill_to_process_lands_in_shared_queue)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1)), 0);
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000200");
    CHECK_STR(th_status(h, app, "SigPnd"), "0000000000000000");
    const tgs_event *e = last_gen(h);
    CHECK(e != NULL);
    if (e) { CHECK_EQ(e->tid, sh); CHECK_EQ(e->target, app); CHECK_EQ(e->group, 1); CHECK_EQ(e->res, 0); CHECK_EQ(e->code, TGS_SI_USER); }
    th_free(h);
}

TEST(tgkill_lands_in_private_queue)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, app, SIGUSR1)), 0);
    CHECK_STR(th_status(h, app, "SigPnd"), "0000000000000200");
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000000");
    const tgs_event *e = last_gen(h);
    CHECK(e && e->group == 0 && e->code == TGS_SI_TKILL);
    th_free(h);
}

TEST(standard_signal_coalesces_per_queue_res2)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(last_gen(h)->res, TGS_RES_ALREADY_PENDING);
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGUSR1));
    CHECK_EQ(last_gen(h)->res, TGS_RES_DELIVERED);
    CHECK_EQ(th_ledger(h).coalesced, 1);
    CHECK_EQ(th_ledger(h).pending, 2);
    th_free(h);
}

TEST(same_standard_signal_private_and_shared_delivered_twice)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGUSR1));
    th_unblock(h, app, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_handled_count(h, app, SIGUSR1), 2);
    CHECK_EQ(th_ledger(h).delivered, 2);
    th_free(h);
}

TEST(rt_signals_queue_every_instance)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(40));
    for (int i = 0; i < 5; i++) th_sys(h, app, tgs_kill(h->w, app, app, 40));
    CHECK_EQ(th_info(h, app).sigq, 5);
    CHECK_EQ(th_ledger(h).pending, 5);
    th_free(h);
}

TEST(ignored_signal_dropped_at_send_res1)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TGS_SIG_IGN, 0, 0);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000000");
    CHECK_EQ(th_ledger(h).ignored, 1);
    th_free(h);
}

TEST(default_ignore_signals_dropped_unless_blocked)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    int ign[] = { SIGCHLD, SIGURG, SIGWINCH };
    for (int i = 0; i < 3; i++) {
        th_sys(h, app, tgs_kill(h->w, app, app, ign[i]));
        CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    }
    th_block(h, app, TGS_SIGMASK(SIGWINCH));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGWINCH));
    CHECK_EQ(last_gen(h)->res, TGS_RES_DELIVERED);
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000008000000");
    th_free(h);
}

TEST(blocked_but_ignored_is_queued)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR2, TGS_SIG_IGN, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR2));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR2));
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000800");
    th_free(h);
}

TEST(kill_errno_order)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_clear_log(h);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, 999, 65)), -ESRCH);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, 65)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, -1)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, INT_MIN, SIGUSR1)), -ESRCH);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, 0)), 0);
    CHECK_EQ(h->nev, 0);
    th_free(h);
}

TEST(kill_permission_rules)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1);
    tgs_cred ua = { 1000, 1000, 1000, 0 }, ub = { 2000, 2000, 2000, 0 };
    tgs_set_cred(h->w, a, &ua);
    tgs_set_cred(h->w, b, &ub);
    th_block(h, b, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR1)), -EPERM);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, 0)), -EPERM);
    tgs_cred setuid = { 1000, 0, 0, 0 };          /* target ruid = sender's uid */
    tgs_set_cred(h->w, b, &setuid);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR1)), 0);
    tgs_cred eu = { 3000, 1000, 3000, 0 };        /* target euid matches: never compared */
    tgs_set_cred(h->w, b, &eu);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR1)), -EPERM);
    tgs_cred su = { 3000, 3000, 1000, 0 };        /* target suid matches the sender's euid */
    tgs_set_cred(h->w, b, &su);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR1)), 0);
    tgs_cred cap = { 5, 5, 5, 1 };
    tgs_set_cred(h->w, a, &cap);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR1)), 0);
    th_free(h);
}

TEST(sigcont_allowed_in_same_session)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, a);
    tgs_cred ua = { 1000, 1000, 1000, 0 }, ub = { 2000, 2000, 2000, 0 };
    tgs_set_cred(h->w, a, &ua);
    tgs_set_cred(h->w, b, &ub);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGCONT)), 0);
    CHECK_EQ(th_sys(h, b, tgs_setsid(h->w, b)), b);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, b, SIGCONT)), -EPERM);
    th_free(h);
}

TEST(kernel_send_skips_permission)
{
    th_host *h = th_new(NULL);
    tgs_pid b = th_fork(h, 1);
    tgs_cred ub = { 2000, 2000, 2000, 0 };
    tgs_set_cred(h->w, b, &ub);
    th_block(h, b, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(tgs_send_kernel(h->w, b, SIGUSR1, TGS_KSEND_TGID), 0);
    const tgs_event *e = last_gen(h);
    CHECK(e && e->tid == 0 && e->code == TGS_SI_KERNEL && e->group == 1);
    CHECK_EQ(tgs_send_kernel(h->w, b, 65, TGS_KSEND_TGID), -EINVAL);
    CHECK_EQ(tgs_send_kernel(h->w, 999, SIGUSR1, TGS_KSEND_PID), -ESRCH);
    th_inv(h, "kernel send");
    th_free(h);
}

TEST(tkill_tgkill_errno_order)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    tgs_pid other = th_fork(h, 1);
    CHECK_EQ(th_sys(h, app, tgs_tkill(h->w, app, 0, SIGUSR1)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_tkill(h->w, app, -3, 65)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, 0, t[1], SIGUSR1)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, 0, SIGUSR1)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, other, t[1], SIGUSR1)), -ESRCH);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, 999, 65)), -ESRCH);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, t[1], 65)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, t[1], 0)), 0);
    th_free(h);
}

TEST(rt_sigqueueinfo_spoofing_eperm)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1);
    tgs_siginfo si = { .si_code = TGS_SI_USER, .si_pid = 4242 };
    CHECK_EQ(th_sys(h, a, tgs_rt_sigqueueinfo(h->w, a, b, 40, &si)), -EPERM);
    si.si_code = TGS_SI_TKILL;
    CHECK_EQ(th_sys(h, a, tgs_rt_sigqueueinfo(h->w, a, b, 40, &si)), -EPERM);
    si.si_code = TGS_SI_KERNEL;
    CHECK_EQ(th_sys(h, a, tgs_rt_sigqueueinfo(h->w, a, b, 40, &si)), -EPERM);
    th_block(h, a, TGS_SIGMASK(40));
    CHECK_EQ(th_sys(h, a, tgs_rt_sigqueueinfo(h->w, a, a, 40, &si)), 0);   /* to self: allowed */
    si.si_code = TGS_SI_QUEUE;
    si.si_value = 77;
    th_block(h, b, TGS_SIGMASK(41));
    CHECK_EQ(th_sys(h, a, tgs_rt_sigqueueinfo(h->w, a, b, 41, &si)), 0);
    tgs_siginfo got;
    CHECK_EQ(th_sys(h, b, tgs_sigtimedwait(h->w, b, TGS_SIGMASK(41), &got, 0, 8)), 41);
    CHECK_EQ(got.si_signo, 41);
    CHECK_EQ(got.si_pid, 4242);                /* caller-supplied, not checked */
    CHECK_EQ(got.si_value, 77);
    CHECK_EQ(th_sys(h, a, tgs_rt_tgsigqueueinfo(h->w, a, b, 0, 41, &si)), -EINVAL);
    si.si_code = TGS_SI_USER;
    CHECK_EQ(th_sys(h, a, tgs_rt_tgsigqueueinfo(h->w, a, b, b, 41, &si)), -EPERM);
    th_free(h);
}

TEST(pidfd_send_signal_flags_and_types)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_setmask(h, t[0], TGS_SIGMASK(SIGUSR1));
    th_setmask(h, t[1], TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, app, 0, SIGUSR1, NULL, 3)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, app, 0, SIGUSR1, NULL, 8)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, t[1], 1, SIGUSR1, NULL, 0)), 0);
    CHECK_HEX(th_info(h, t[1]).pending, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(last_gen(h)->code, TGS_SI_TKILL);
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, t[1], 0, SIGUSR1, NULL, 0)), 0);
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(last_gen(h)->code, TGS_SI_USER);
    tgs_siginfo si = { .si_signo = SIGUSR2, .si_code = TGS_SI_QUEUE };
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, app, 0, SIGUSR1, &si, 0)), -EINVAL);
    CHECK_EQ(th_sys(h, app, tgs_pidfd_send_signal(h->w, app, 999, 0, SIGUSR1, NULL, 0)), -ESRCH);
    th_free(h);
}

TEST(kill_pgrp_and_zero)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_setpgid(h->w, a, 0, 0));
    tgs_pid b = th_fork(h, a), c = th_fork(h, a);
    th_block(h, b, TGS_SIGMASK(SIGUSR1));
    th_block(h, c, TGS_SIGMASK(SIGUSR1));
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, b, tgs_kill(h->w, b, -a, SIGUSR1)), 0);
    CHECK_HEX(th_info(h, a).shared_pending, TGS_SIGMASK(SIGUSR1));
    CHECK_HEX(th_info(h, c).shared_pending, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGUSR1), 3);
    CHECK_EQ(th_sys(h, b, tgs_kill(h->w, b, -777, SIGUSR1)), -ESRCH);
    CHECK_EQ(th_sys(h, b, tgs_kill(h->w, b, -a, 65)), -EINVAL);
    th_clear_log(h);
    CHECK_EQ(th_sys(h, b, tgs_kill(h->w, b, 0, SIGUSR2)), 0);   /* own pgrp: everyone dies */
    CHECK(!th_alive(h, a));
    th_free(h);
}

TEST(kill_minus_one_skips_init_and_self_never_eperm)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1), c = th_fork(h, 1);
    tgs_cred ua = { 1000, 1000, 1000, 0 }, ub = { 2000, 2000, 2000, 0 };
    tgs_set_cred(h->w, a, &ua);
    tgs_set_cred(h->w, b, &ub);
    tgs_set_cred(h->w, c, &ua);
    th_block(h, c, TGS_SIGMASK(SIGUSR1));
    th_block(h, a, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, -1, SIGUSR1)), 0);
    CHECK_HEX(th_info(h, c).shared_pending, TGS_SIGMASK(SIGUSR1));
    CHECK_HEX(th_info(h, a).shared_pending, 0);
    CHECK_HEX(th_info(h, b).shared_pending, 0);
    CHECK_HEX(th_info(h, 1).shared_pending, 0);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, -1, 0)), 0);
    th_free(h);
}

/* §25 row 4: RLIMIT_SIGPENDING = 3 */
TEST(rlimit_sigpending_row4)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_set_rlimit_sigpending(h->w, app, 3);
    th_block(h, app, ~0ULL);
    tgs_siginfo si = { .si_code = TGS_SI_QUEUE, .si_pid = app };
    int want[5] = { 0, 0, 0, -EAGAIN, -EAGAIN };
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, 40, &si)), want[i]);
    }
    CHECK_EQ(last_gen(h)->res, TGS_RES_OVERFLOW_FAIL);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, 41)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_LOSE_INFO);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, 41)), 0);
    CHECK_EQ(th_sys(h, app, tgs_tgkill(h->w, app, app, app, 42)), -EAGAIN);
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1)), 0);   /* override */
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR2)), 0);
    CHECK_STR(th_status(h, app, "SigQ"), "5/3");
    tgs_siginfo got;
    CHECK_EQ(th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(41), &got, 0, 8)), 41);
    CHECK_EQ(got.si_code, 0);
    CHECK_EQ(got.si_pid, 0);
    CHECK_EQ(th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(41), &got, 0, 8)), -EAGAIN);
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.overflowed, 3);
    CHECK_EQ(l.coalesced, 1);
    th_free(h);
}

TEST(standard_sigqueue_over_limit_loses_info)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_set_rlimit_sigpending(h->w, app, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si = { .si_code = TGS_SI_QUEUE, .si_pid = 55, .si_value = 9 };
    CHECK_EQ(th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, SIGUSR1, &si)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_LOSE_INFO);
    tgs_siginfo got;
    CHECK_EQ(th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(SIGUSR1), &got, 0, 8)), SIGUSR1);
    CHECK_EQ(got.si_code, TGS_SI_USER);
    CHECK_EQ(got.si_pid, 0);
    CHECK_EQ(got.si_value, 0);
    th_free(h);
}

TEST(sigkill_and_kthread_targets_are_not_charged)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_set_rlimit_sigpending(h->w, app, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGKILL));
    CHECK(!th_alive(h, app));
    tgs_pid k = 0;
    CHECK(tgs_kthread_create(h->w, &k) >= 0 && k > 0);
    tgs_allow_signal(h->w, k, 40);
    CHECK_EQ(tgs_send_kernel(h->w, k, 40, TGS_KSEND_PID), 0);
    CHECK_EQ(th_info(h, k).sigq, 0);
    CHECK_HEX(th_info(h, k).pending, TGS_SIGMASK(40));
    th_inv(h, "kthread");
    th_free(h);
}

TEST(allocation_failure_loses_info_cleanly)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(40));
    h->fail_at = 1;      /* the user counter or the sigqueue allocation fails */
    CHECK_EQ(th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_LOSE_INFO);
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGUSR1));
    tgs_siginfo si = { .si_code = TGS_SI_QUEUE };
    h->fail_at = 1;
    int r = th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, 40, &si));
    CHECK(r == 0 || r == -EAGAIN);       /* 0 if the pool had an entry */
    th_free(h);
}

TEST(signal_to_zombie_returns_0_and_is_dropped)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_sys(h, app, tgs_exit_group(h->w, app, 7));
    CHECK_EQ(th_info(h, app).state, TGS_TASK_ZOMBIE);
    th_clear_log(h);
    CHECK_EQ(th_sys(h, 1, tgs_kill(h->w, 1, app, SIGKILL)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_EQ(th_info(h, app).exit_code, 7 << 8);
    th_free(h);
}

TEST(global_init_ignores_kill_and_stop_even_from_kernel)
{
    th_host *h = th_new(NULL);
    CHECK_EQ(tgs_send_kernel(h->w, 1, SIGKILL, TGS_KSEND_TGID), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_EQ(tgs_send_kernel(h->w, 1, SIGSTOP, TGS_KSEND_TGID), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_EQ(tgs_send_kernel(h->w, 1, SIGTERM, TGS_KSEND_TGID), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK(th_alive(h, 1));
    th_inv(h, "init");
    th_free(h);
}

TEST(init_blocked_dfl_signal_queued_then_discarded)
{
    th_host *h = th_new(NULL);
    th_block(h, 1, TGS_SIGMASK(SIGTERM));
    tgs_pid a = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, 1, SIGTERM)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_DELIVERED);
    th_unblock(h, 1, TGS_SIGMASK(SIGTERM));
    CHECK(th_alive(h, 1));
    CHECK_EQ(th_count(h, TGS_EV_DELIVER, 1, SIGTERM), 1);
    CHECK_HEX(th_info(h, 1).shared_pending, 0);
    th_free(h);
}

TEST(stop_signal_flushes_pending_sigcont)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_setmask(h, t[0], TGS_SIGMASK(SIGCONT) | TGS_SIGMASK(SIGTSTP));
    th_setmask(h, t[1], TGS_SIGMASK(SIGCONT) | TGS_SIGMASK(SIGTSTP));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGCONT));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGCONT));
    CHECK_HEX(th_info(h, t[1]).pending, TGS_SIGMASK(SIGCONT));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGTSTP));
    CHECK_HEX(th_info(h, t[1]).pending, 0);
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGTSTP));
    CHECK_EQ(th_ledger(h).flushed, 2);
    th_free(h);
}

TEST(sigcont_flushes_pending_stop_signals)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGTSTP) | TGS_SIGMASK(SIGTTIN) | TGS_SIGMASK(SIGTTOU));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGTSTP));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGTTIN));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGCONT));
    CHECK_HEX(th_info(h, app).shared_pending, 0);
    CHECK_HEX(th_info(h, app).pending, 0);
    CHECK_EQ(th_ledger(h).flushed, 2);
    th_free(h);
}

TEST(generate_event_exactly_once_per_send)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3];
    tgs_pid app = th_proc(h, 1, 3, t);
    th_clear_log(h);
    th_sys(h, 1, tgs_kill(h->w, 1, app, SIGTERM));
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGTERM), 1);
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGKILL), 0);
    th_free(h);
}

TEST(trace_line_fields)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGTERM));
    th_clear_log(h);
    th_sys(h, 1, tgs_kill(h->w, 1, app, SIGTERM));
    char want[128];
    snprintf(want, sizeof want, "1: signal_generate: sig=15 errno=0 code=0 pid=%d grp=1 res=0\n", app);
    CHECK_STR(h->text, want);
    th_free(h);
}

TEST(kthread_drops_user_signals_root_ok_user_eperm)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, a = th_fork(h, 1), b = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    tgs_cred u = { 1000, 1000, 1000, 0 };
    tgs_set_cred(h->w, b, &u);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, k, SIGKILL)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_EQ(th_sys(h, b, tgs_kill(h->w, b, k, SIGTERM)), -EPERM);
    CHECK_STR(th_status(h, k, "SigIgn"), "ffffffffffffffff");
    CHECK_STR(th_status(h, k, "SigBlk"), "0000000000000000");
    th_free(h);
}

TEST(allow_kernel_signal_only_forced)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, a = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_allow_kernel_signal(h->w, k, SIGUSR1), 0);
    th_sys(h, a, tgs_kill(h->w, a, k, SIGUSR1));
    CHECK_EQ(last_gen(h)->res, TGS_RES_IGNORED);
    CHECK_EQ(tgs_send_kernel(h->w, k, SIGUSR1, TGS_KSEND_PID), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_DELIVERED);
    CHECK_STR(th_status(h, k, "SigCgt"), "0000000000000200");
    tgs_siginfo i;
    CHECK_EQ(tgs_kernel_dequeue_signal(h->w, k, &i), SIGUSR1);
    CHECK_EQ(tgs_kernel_dequeue_signal(h->w, k, &i), 0);
    th_inv(h, "kthread");
    th_free(h);
}

TEST(allow_signal_lets_kthread_take_sigkill)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0, a = th_fork(h, 1);
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_allow_signal(h->w, k, SIGKILL), 0);
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, k, SIGKILL)), 0);
    CHECK_EQ(last_gen(h)->res, TGS_RES_DELIVERED);
    CHECK(th_alive(h, k));
    tgs_siginfo i;
    CHECK_EQ(tgs_kernel_dequeue_signal(h->w, k, &i), SIGKILL);
    CHECK_EQ(tgs_disallow_signal(h->w, k, SIGKILL), 0);
    CHECK_EQ(tgs_allow_signal(h->w, a, SIGUSR1), -EPERM);
    th_inv(h, "kthread");
    th_free(h);
}

TEST(kernel_sigprocmask_does_not_strip_kill_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid k = 0;
    tgs_kthread_create(h->w, &k);
    CHECK_EQ(tgs_kernel_sigprocmask(h->w, k, TGS_SIG_SETMASK, ~0ULL), 0);
    CHECK_STR(th_status(h, k, "SigBlk"), "ffffffffffffffff");
    CHECK_EQ(tgs_kernel_sigprocmask(h->w, k, 7, 0), -EINVAL);
    th_inv(h, "kthread mask");
    th_free(h);
}

TEST(single_thread_target_not_woken_needlessly)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, app, tgs_pause(h->w, app)), TGS_ASLEEP);
    tgs_pid s = th_fork(h, 1);
    h->nwakes = 0;
    th_sys(h, s, tgs_kill(h->w, s, app, SIGUSR1));
    for (int i = 0; i < h->nwakes; i++) CHECK(h->wakes[i] != app);
    CHECK_EQ(h->result[app], TGS_RUN_SLEEP);
    th_free(h);
}

T_MAIN()
