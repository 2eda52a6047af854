/* test_dequeue.c - dequeue order (§6 D3, §25 row 2), synchronous signals first, RT FIFO,
 * bit-only instances, last_dequeued / last_sender. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

static int drain(th_host *h, tgs_pid tid, tgs_siginfo *si)
{
    return th_sys(h, tid, tgs_sigtimedwait(h->w, tid, ~0ULL, si, 0, 8));
}

/* §25 row 2: private {62, USR1}, shared {HUP, USR1, SEGV, 40, 40} */
TEST(dequeue_order_row2)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_block(h, app, ~0ULL);
    th_sys(h, app, tgs_tkill(h->w, app, app, 62));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGUSR1));
    int shared[] = { SIGHUP, SIGUSR1, SIGSEGV, 40, 40 };
    for (int i = 0; i < 5; i++) th_sys(h, sh, tgs_kill(h->w, sh, app, shared[i]));
    CHECK_STR(th_status(h, app, "SigPnd"), "2000000000000200");
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000008000000601");
    CHECK_STR(th_status(h, app, "SigQ"), "7/1024");
    int want[] = { 10, 62, 11, 1, 10, 40, 40 };
    tgs_siginfo si;
    for (int i = 0; i < 7; i++) CHECK_EQ(drain(h, app, &si), want[i]);
    CHECK_EQ(drain(h, app, &si), -EAGAIN);
    CHECK_STR(th_status(h, app, "SigQ"), "0/1024");
    CHECK_EQ(th_ledger(h).delivered, 7);
    th_free(h);
}

TEST(lowest_number_first_within_a_queue)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, ~0ULL);
    int s[] = { 50, SIGTERM, 33, SIGHUP, SIGUSR2 };
    for (int i = 0; i < 5; i++) th_sys(h, app, tgs_kill(h->w, app, app, s[i]));
    int want[] = { SIGHUP, SIGUSR2, SIGTERM, 33, 50 };
    tgs_siginfo si;
    for (int i = 0; i < 5; i++) CHECK_EQ(drain(h, app, &si), want[i]);
    th_free(h);
}

TEST(synchronous_bit_beats_lower_numbers)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, ~0ULL);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGHUP));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGFPE));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGINT));
    tgs_siginfo si;
    CHECK_EQ(drain(h, app, &si), SIGFPE);
    CHECK_EQ(drain(h, app, &si), SIGHUP);
    CHECK_EQ(drain(h, app, &si), SIGINT);
    th_free(h);
}

TEST(rt_fifo_per_number_bit_cleared_after_last)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, ~0ULL);
    for (int v = 1; v <= 3; v++) {
        tgs_siginfo q = { .si_code = TGS_SI_QUEUE, .si_value = v };
        th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, 45, &q));
    }
    tgs_siginfo si;
    for (int v = 1; v <= 3; v++) {
        CHECK_EQ(drain(h, app, &si), 45);
        CHECK_EQ(si.si_value, v);
        CHECK_HEX(th_info(h, app).shared_pending, v < 3 ? TGS_SIGMASK(45) : 0);
    }
    th_free(h);
}

TEST(bit_only_instance_gets_zeroed_info)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGUSR1));
    tgs_set_rlimit_sigpending(h->w, app, 0);
    tgs_siginfo q = { .si_code = TGS_SI_QUEUE, .si_pid = 99, .si_uid = 5, .si_value = 3 };
    th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, SIGUSR1, &q));
    tgs_siginfo si;
    memset(&si, 0xff, sizeof si);
    CHECK_EQ(drain(h, app, &si), SIGUSR1);
    CHECK_EQ(si.si_signo, SIGUSR1);
    CHECK_EQ(si.si_code, 0);
    CHECK_EQ(si.si_pid, 0);
    CHECK_EQ(si.si_uid, 0);
    CHECK_EQ(si.si_errno, 0);
    th_free(h);
}

TEST(synchronous_fault_dequeued_first_fifo)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGSEGV, TH_H, 0, 0);
    th_handler(h, app, SIGBUS, TH_H + 2, 0, 0);
    th_handler(h, app, SIGHUP, TH_H + 1, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGHUP));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGHUP));
    th_unblock(h, app, TGS_SIGMASK(SIGHUP));                  /* HUP handled now */
    tgs_force_fault(h->w, app, SIGSEGV, 1, 0x1000);
    tgs_force_fault(h->w, app, SIGBUS, 2, 0x2000);
    th_clear_log(h);
    th_interrupt(h, app);
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 0)->sig, SIGSEGV);       /* FIFO, not lowest number */
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 0)->code, 1);
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 1)->sig, SIGBUS);
    CHECK_EQ(h->nhandled, 2);
    CHECK_EQ(h->handled[0].sig, SIGBUS);                       /* nested: runs first */
    CHECK_EQ(h->handled[0].info.si_addr, 0x2000);
    CHECK_EQ(h->handled[1].info.si_addr, 0x1000);
    th_free(h);
}

TEST(blocked_fault_signal_is_fatal_with_core)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_handler(h, app, SIGBUS, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGBUS));
    tgs_force_fault(h->w, app, SIGBUS, 2, 0x2000);
    CHECK_EQ(th_info(h, app).blocked, 0);
    CHECK_EQ(th_info(h, app).caught, 0);                       /* reset to SIG_DFL */
    th_interrupt(h, app);
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGBUS | 0x80);
    th_free(h);
}

TEST(ignored_fault_signal_is_fatal)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_handler(h, app, SIGFPE, TGS_SIG_IGN, 0, 0);
    tgs_force_fault(h->w, app, SIGFPE, 1, 0);
    th_interrupt(h, app);
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGFPE | 0x80);
    th_free(h);
}

TEST(dequeue_synchronous_ignores_user_sent_entries)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGSEGV, TH_H, 0, 0);
    th_handler(h, app, SIGILL, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGSEGV) | TGS_SIGMASK(SIGILL));
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGSEGV));       /* SI_TKILL: not "synchronous" */
    th_sys(h, app, tgs_tkill(h->w, app, app, SIGILL));
    th_clear_log(h);
    th_unblock(h, app, TGS_SIGMASK(SIGSEGV) | TGS_SIGMASK(SIGILL));
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 0)->sig, SIGILL);        /* lowest synchronous bit */
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 1)->sig, SIGSEGV);
    th_free(h);
}

TEST(private_before_shared_beats_number)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, ~0ULL);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGHUP));
    th_sys(h, app, tgs_tkill(h->w, app, app, 64));
    tgs_siginfo si;
    CHECK_EQ(drain(h, app, &si), 64);
    CHECK_EQ(drain(h, app, &si), SIGHUP);
    th_free(h);
}

TEST(last_dequeued_and_sender_recorded)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, 1);
    th_block(h, b, TGS_SIGMASK(SIGUSR2));
    th_sys(h, a, tgs_kill(h->w, a, b, SIGUSR2));
    tgs_siginfo si;
    drain(h, b, &si);
    CHECK_EQ(th_info(h, b).last_dequeued, SIGUSR2);
    CHECK_EQ(th_info(h, b).last_sender, a);
    CHECK_EQ(si.si_pid, a);
    tgs_send_kernel(h->w, b, SIGUSR2, TGS_KSEND_PID);
    drain(h, b, &si);
    CHECK_EQ(th_info(h, b).last_sender, 0);
    CHECK_EQ(si.si_code, TGS_SI_KERNEL);
    th_free(h);
}

TEST(stop_signal_dequeue_sets_stop_dequeued)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(SIGTSTP));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGTSTP));
    tgs_siginfo si;
    CHECK_EQ(drain(h, app, &si), SIGTSTP);
    CHECK(th_info(h, app).jobctl & JOBCTL_STOP_DEQUEUED);
    th_free(h);
}

TEST(tkill_siginfo_has_sender_tgid_not_tid)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid a = th_proc(h, 1, 2, t), b = th_fork(h, 1);
    (void)a;
    th_block(h, b, TGS_SIGMASK(SIGUSR1));
    th_sys(h, t[1], tgs_tkill(h->w, t[1], b, SIGUSR1));
    tgs_siginfo si;
    CHECK_EQ(drain(h, b, &si), SIGUSR1);
    CHECK_EQ(si.si_code, TGS_SI_TKILL);
    CHECK_EQ(si.si_pid, t[0]);
    th_free(h);
}

TEST(sigpending_query_is_union_intersect_blocked)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_block(h, t[0], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    th_sys(h, app, tgs_tkill(h->w, app, t[0], SIGUSR2));
    tgs_sigset s0 = 0, s1 = 0;
    CHECK_EQ(th_sys(h, t[0], tgs_sigpending(h->w, t[0], &s0, 8)), 0);
    CHECK_EQ(th_sys(h, t[1], tgs_sigpending(h->w, t[1], &s1, 8)), 0);
    CHECK_HEX(s0, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    CHECK_HEX(s1, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(th_sys(h, t[0], tgs_sigpending(h->w, t[0], &s0, 9)), -EINVAL);
    uint32_t small = 0;
    CHECK_EQ(th_sys(h, t[0], tgs_sigpending(h->w, t[0], (tgs_sigset *)(void *)&small, 4)), 0);
    CHECK_HEX(small, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_free(h);
}

T_MAIN()
