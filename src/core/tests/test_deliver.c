/* test_deliver.c - handler frames (§6 D4-D7): nested frames, masks, SA_* flags, altstack,
 * sigreturn, syscall restart rules, trace events. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

/* §25 row 1: block USR1+USR2, raise both, unblock: handlers run 12 then 10 */
TEST(nested_handlers_row1)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_sys(h, app, tgs_tgkill(h->w, app, app, app, SIGUSR1));
    th_sys(h, app, tgs_tgkill(h->w, app, app, app, SIGUSR2));
    th_clear_log(h);
    th_unblock(h, app, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    CHECK_EQ(h->nhandled, 2);
    CHECK_EQ(h->handled[0].sig, SIGUSR2);
    CHECK_EQ(h->handled[0].depth, 2);
    CHECK_EQ(h->handled[1].sig, SIGUSR1);
    CHECK_EQ(h->handled[1].depth, 1);
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 0)->sig, SIGUSR1);        /* dequeue order */
    CHECK_EQ(th_ev(h, TGS_EV_DELIVER, 1)->sig, SIGUSR2);
    CHECK_EQ(th_ev(h, TGS_EV_HANDLER_ENTER, 0)->sig, SIGUSR2);  /* execution order */
    CHECK_EQ(th_ev(h, TGS_EV_HANDLER_RETURN, 0)->value, 2);
    CHECK_EQ(th_ev(h, TGS_EV_HANDLER_RETURN, 1)->value, 1);
    CHECK_HEX(h->handled[0].mask, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    CHECK_HEX(h->handled[1].mask, TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(h->result[app], TGS_RUN_USER);
    CHECK_EQ(h->ret[app], 0);
    CHECK_EQ(th_info(h, app).blocked, 0);
    CHECK_EQ(th_info(h, app).depth, 0);
    th_free(h);
}

TEST(handler_mask_sa_mask_plus_sig_minus_kill_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, TGS_SIGMASK(SIGHUP) | TGS_SIGMASK(SIGKILL) | TGS_SIGMASK(SIGSTOP));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_HEX(h->handled[0].mask, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGHUP));
    th_free(h);
}

TEST(sa_nodefer_does_not_add_sig_but_keeps_sa_mask)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_NODEFER, TGS_SIGMASK(SIGHUP));
    th_handler(h, app, SIGUSR2, TH_H, TGS_SA_NODEFER, TGS_SIGMASK(SIGUSR2));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_HEX(h->handled[0].mask, TGS_SIGMASK(SIGHUP));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR2));
    CHECK_HEX(h->handled[1].mask, TGS_SIGMASK(SIGUSR2));
    th_free(h);
}

static void reraise(th_host *h, tgs_pid tid, const tgs_upcall *up)
{
    if (up->depth < 3 && h->nhandled < 3) th_callr(h, tid, tgs_tkill(h->w, tid, tid, up->sig));
}

TEST(nodefer_handler_reentered_nested)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_body(h, TH_H + 1, reraise);
    th_handler(h, app, SIGUSR1, TH_H + 1, TGS_SA_NODEFER, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(h->nhandled, 3);
    CHECK_EQ(h->handled[2].depth, 3);
    CHECK_EQ(th_info(h, app).depth, 0);
    th_free(h);
}

TEST(deferred_signal_runs_after_handler_returns)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_body(h, TH_H + 1, reraise);
    th_handler(h, app, SIGUSR1, TH_H + 1, 0, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(h->nhandled, 3);
    for (int i = 0; i < 3; i++) CHECK_EQ(h->handled[i].depth, 1);
    th_free(h);
}

/* §25 row 10: SA_RESETHAND resets the handler at delivery, flags kept */
TEST(sa_resethand_row10)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_RESETHAND | TGS_SA_SIGINFO | TGS_SA_RESTART, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(th_handled_count(h, app, SIGUSR1), 1);
    CHECK_HEX(h->handled[0].mask, TGS_SIGMASK(SIGUSR1));       /* no implied NODEFER */
    struct tgs_sigaction old;
    CHECK_EQ(th_sys(h, app, tgs_sigaction(h->w, app, SIGUSR1, NULL, &old, 8)), 0);
    CHECK_EQ(old.handler, TGS_SIG_DFL);
    CHECK_HEX(old.flags, 0x94000004UL);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK(!th_alive(h, app));
    th_free(h);
}

TEST(sigreturn_restores_mask_and_saved_mask_edit)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_SIGINFO, 0);
    th_block(h, app, TGS_SIGMASK(SIGHUP));
    CHECK_EQ(tgs_kill(h->w, app, app, SIGUSR1), 0);
    tgs_upcall up;
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_HANDLER);
    CHECK_HEX(up.mask, TGS_SIGMASK(SIGHUP) | TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(tgs_sigreturn(h->w, app, TGS_SIGMASK(SIGINT) | TGS_SIGMASK(SIGKILL), TGS_SIGMASK(SIGHUP)), 0);
    CHECK_HEX(th_info(h, app).blocked, TGS_SIGMASK(SIGINT));
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_USER);
    CHECK_EQ(up.syscall_done, 1);
    CHECK_EQ(up.ret, 0);
    CHECK_EQ(tgs_sigreturn(h->w, app, 0, 0), -EINVAL);          /* no frame */
    th_inv(h, "sigreturn");
    th_free(h);
}

TEST(sigreturn_unblocking_delivers_pending)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, TGS_SIGMASK(SIGUSR2));
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    tgs_kill(h->w, app, app, SIGUSR1);
    tgs_upcall up;
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_HANDLER);
    CHECK_EQ(tgs_kill(h->w, app, app, SIGUSR2), 0);              /* from the handler: deferred */
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_USER);
    CHECK_EQ(up.syscall_done, 1);
    CHECK_EQ(tgs_sigreturn(h->w, app, 0, 0), 0);
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_HANDLER);
    CHECK_EQ(up.sig, SIGUSR2);
    CHECK_EQ(up.depth, 1);
    tgs_sigreturn(h->w, app, 0, 0);
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_USER);
    h->nrunq = 0;
    th_inv(h, "manual");
    th_free(h);
}

TEST(frame_without_sa_restorer_forces_sigsegv)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    struct tgs_sigaction a = { .handler = TH_H, .flags = 0, .mask = 0 };
    th_sys(h, app, tgs_sigaction(h->w, app, SIGUSR1, &a, NULL, 8));
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGSEGV | 0x80);
    CHECK_EQ(h->nhandled, 0);
    th_free(h);
}

TEST(frame_failure_in_sigsegv_handler_is_fatal_even_if_caught)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    struct tgs_sigaction a = { .handler = TH_H, .flags = TGS_SA_ONSTACK | TGS_SA_RESTORER };
    th_sys(h, app, tgs_sigaction(h->w, app, SIGSEGV, &a, NULL, 8));
    tgs_stack ss = { .ss_sp = 0x10000, .ss_size = 2048, .ss_flags = 0 };
    th_sys(h, app, tgs_sigaltstack(h->w, app, &ss, NULL));
    tgs_force_fault(h->w, app, SIGSEGV, 1, 0);
    tgs_upcall up;
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_HANDLER);          /* on the altstack */
    CHECK_EQ(up.on_altstack, 1);
    tgs_force_fault(h->w, app, SIGSEGV, 1, 0);                   /* blocked in its handler */
    CHECK_EQ(tgs_run(h->w, app, &up), TGS_RUN_DEAD);
    h->nrunq = 0;
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGSEGV | 0x80);
    th_free(h);
}

TEST(altstack_used_with_sa_onstack_only)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_stack ss = { .ss_sp = 0x100000, .ss_size = 65536, .ss_flags = 0 };
    CHECK_EQ(th_sys(h, app, tgs_sigaltstack(h->w, app, &ss, NULL)), 0);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_ONSTACK, 0);
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(h->handled[0].on_altstack, 1);
    CHECK(h->handled[0].frame_sp > 0x100000 && h->handled[0].frame_sp < 0x110000);
    CHECK_EQ(th_ev(h, TGS_EV_HANDLER_ENTER, 0)->flag, 1);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR2));
    CHECK_EQ(h->handled[1].on_altstack, 0);
    CHECK(h->handled[1].frame_sp > 0x110000);
    th_free(h);
}

static void query_stack(th_host *h, tgs_pid tid, const tgs_upcall *up)
{
    (void)up;
    tgs_stack old, ss = { .ss_sp = 0x900000, .ss_size = 4096 };
    CHECK_EQ(th_call(h, tgs_sigaltstack(h->w, tid, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, TGS_SS_ONSTACK);
    CHECK_EQ(th_call(h, tgs_sigaltstack(h->w, tid, &ss, &old)), -EPERM);
}

TEST(sigaltstack_eperm_while_on_it)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_stack ss = { .ss_sp = 0x100000, .ss_size = 8192, .ss_flags = TGS_SS_ONSTACK };
    CHECK_EQ(th_sys(h, app, tgs_sigaltstack(h->w, app, &ss, NULL)), 0);
    th_body(h, TH_H + 3, query_stack);
    th_handler(h, app, SIGUSR1, TH_H + 3, TGS_SA_ONSTACK, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(h->nhandled, 1);
    tgs_stack old;
    CHECK_EQ(th_sys(h, app, tgs_sigaltstack(h->w, app, NULL, &old)), 0);
    CHECK_EQ(old.ss_flags, 0);
    th_free(h);
}

static void nested_usr2(th_host *h, tgs_pid tid, const tgs_upcall *up)
{
    if (up->sig == SIGUSR1) th_callr(h, tid, tgs_tkill(h->w, tid, tid, SIGUSR2));
}

TEST(ss_autodisarm_nested_signal_uses_normal_stack)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    tgs_stack ss = { .ss_sp = 0x100000, .ss_size = 8192, .ss_flags = TGS_SS_AUTODISARM };
    CHECK_EQ(th_sys(h, app, tgs_sigaltstack(h->w, app, &ss, NULL)), 0);
    th_body(h, TH_H + 4, nested_usr2);
    th_handler(h, app, SIGUSR1, TH_H + 4, TGS_SA_ONSTACK, 0);
    th_handler(h, app, SIGUSR2, TH_H + 4, TGS_SA_ONSTACK, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    CHECK_EQ(h->nhandled, 2);
    CHECK_EQ(h->handled[0].on_altstack, 1);
    CHECK_EQ(h->handled[1].sig, SIGUSR2);
    /* disarmed while in USR1: no switch, the frame continues below sp - which is still in the
     * altstack's memory (live 6.18 reports it on the altstack) */
    CHECK_EQ(h->handled[1].on_altstack, 1);
    CHECK(h->handled[1].frame_sp < h->handled[0].frame_sp);
    tgs_stack old;
    th_sys(h, app, tgs_sigaltstack(h->w, app, NULL, &old));      /* re-armed by sigreturn */
    CHECK_EQ(old.ss_sp, 0x100000);
    CHECK_EQ(old.ss_flags, TGS_SS_AUTODISARM);
    th_free(h);
}

TEST(nested_onstack_without_autodisarm_continues_below_and_overflows)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    tgs_stack ss = { .ss_sp = 0x100000, .ss_size = 2048 };
    th_sys(h, app, tgs_sigaltstack(h->w, app, &ss, NULL));
    th_body(h, TH_H + 4, nested_usr2);
    th_handler(h, app, SIGUSR1, TH_H + 4, TGS_SA_ONSTACK, 0);
    th_handler(h, app, SIGUSR2, TH_H + 4, TGS_SA_ONSTACK, 0);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    /* 2048 bytes hold one 1024-byte frame; the nested one overflows -> SIGSEGV (SIG_DFL) */
    CHECK_EQ(h->nhandled, 1);
    int st = 0;
    CHECK_EQ(th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, TGS_WNOHANG)), app);
    CHECK_EQ(st, SIGSEGV | 0x80);
    th_free(h);
}

TEST(sigsuspend_frame_saves_old_mask)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGHUP));
    CHECK_EQ(th_sys(h, app, tgs_sigsuspend(h->w, app, TGS_SIGMASK(SIGINT), 8)), TGS_ASLEEP);
    CHECK_STR(th_status(h, app, "SigBlk"), "0000000000000002");
    tgs_pid s = th_fork(h, 1);
    th_sys(h, s, tgs_kill(h->w, s, app, SIGUSR1));
    CHECK_HEX(h->handled[0].mask, TGS_SIGMASK(SIGINT) | TGS_SIGMASK(SIGUSR1));
    CHECK_EQ(h->ret[app], -EINTR);
    CHECK_HEX(th_info(h, app).blocked, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGHUP));
    th_free(h);
}

/* ---- D7 restart table -------------------------------------------------------------------- */
enum { R_HANDLER_RESTART, R_HANDLER, R_NONE };
/* A thread in tgs_block(code) gets a signal: handler with/without SA_RESTART, or none (stop
 * then continue). Returns the final user-visible result, or 1 if the call went back to sleep
 * and was then completed with 1. */
static long restart_case(int code, int mode)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    if (mode != R_NONE) th_handler(h, app, SIGUSR1, TH_H, mode == R_HANDLER_RESTART ? TGS_SA_RESTART : 0, 0);
    CHECK_EQ(th_sys(h, app, tgs_block(h->w, app, code)), TGS_ASLEEP);
    if (mode == R_NONE) {
        th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
        CHECK_EQ(h->result[app], TGS_RUN_STOPPED);
        th_sys(h, sh, tgs_kill(h->w, sh, app, SIGCONT));
    } else {
        th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
        CHECK_EQ(th_handled_count(h, app, SIGUSR1), 1);
    }
    long r = h->ret[app];
    if (h->result[app] == TGS_RUN_SLEEP) {
        CHECK_EQ(tgs_complete(h->w, app, 1), 0);
        th_run_until_quiet(h);
        CHECK_EQ(h->result[app], TGS_RUN_USER);
        r = h->ret[app];
        CHECK_EQ(th_count(h, TGS_EV_SYSCALL_RESTART, app, 0), 1);
    }
    th_free(h);
    return r;
}

TEST(restart_erestartsys)
{
    CHECK_EQ(restart_case(TGS_ERESTARTSYS, R_HANDLER_RESTART), 1);
    CHECK_EQ(restart_case(TGS_ERESTARTSYS, R_HANDLER), -EINTR);
    CHECK_EQ(restart_case(TGS_ERESTARTSYS, R_NONE), 1);
}
TEST(restart_erestartnointr)
{
    CHECK_EQ(restart_case(TGS_ERESTARTNOINTR, R_HANDLER_RESTART), 1);
    CHECK_EQ(restart_case(TGS_ERESTARTNOINTR, R_HANDLER), 1);
    CHECK_EQ(restart_case(TGS_ERESTARTNOINTR, R_NONE), 1);
}
TEST(restart_erestartnohand)
{
    CHECK_EQ(restart_case(TGS_ERESTARTNOHAND, R_HANDLER_RESTART), -EINTR);
    CHECK_EQ(restart_case(TGS_ERESTARTNOHAND, R_HANDLER), -EINTR);
    CHECK_EQ(restart_case(TGS_ERESTARTNOHAND, R_NONE), 1);
}
TEST(restart_erestart_restartblock)
{
    CHECK_EQ(restart_case(TGS_ERESTART_RESTARTBLOCK, R_HANDLER_RESTART), -EINTR);
    CHECK_EQ(restart_case(TGS_ERESTART_RESTARTBLOCK, R_HANDLER), -EINTR);
    CHECK_EQ(restart_case(TGS_ERESTART_RESTARTBLOCK, R_NONE), 1);
}

TEST(restart_only_for_first_frame_of_a_pass)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_RESTART, 0);
    th_handler(h, app, SIGUSR2, TH_H, 0, 0);
    th_block(h, app, TGS_SIGMASK(SIGUSR2));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR2));
    th_setmask(h, app, 0);                                       /* USR2 handled now */
    CHECK_EQ(th_sys(h, app, tgs_block(h->w, app, TGS_ERESTARTSYS)), TGS_ASLEEP);
    th_clear_log(h);
    tgs_kill(h->w, sh, app, SIGUSR1);
    tgs_kill(h->w, sh, app, SIGHUP - SIGHUP + SIGUSR1);          /* coalesced */
    th_run_until_quiet(h);
    CHECK_EQ(h->result[app], TGS_RUN_SLEEP);                     /* restarted (SA_RESTART) */
    th_free(h);
}

TEST(handler_after_restart_no_handler_sleeps_again_nanosleep_remaining)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    CHECK_EQ(th_sys(h, app, tgs_nanosleep(h->w, app, 1000)), TGS_ASLEEP);
    CHECK_EQ(h->timer[app], 1000);
    th_advance(h, 400);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGSTOP));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGCONT));
    CHECK_EQ(h->result[app], TGS_RUN_SLEEP);                     /* restart_syscall */
    CHECK_EQ(h->timer[app], 1000);                               /* same deadline: 600 left */
    CHECK_EQ(th_count(h, TGS_EV_SYSCALL_RESTART, app, 0), 1);
    CHECK_EQ(th_ev(h, TGS_EV_SYSCALL_RESTART, 0)->value, TGS_ERESTART_RESTARTBLOCK);
    th_advance(h, 600);
    CHECK_EQ(h->result[app], TGS_RUN_USER);
    CHECK_EQ(h->ret[app], 0);
    th_free(h);
}

TEST(nanosleep_interrupted_by_handler_eintr)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGALRM, TH_H, TGS_SA_RESTART, 0);
    th_sys(h, app, tgs_nanosleep(h->w, app, 1000));
    tgs_send_kernel(h->w, app, SIGALRM, TGS_KSEND_TGID);
    th_run_until_quiet(h);
    CHECK_EQ(h->ret[app], -EINTR);
    CHECK_EQ(h->timer[app], 0);
    th_free(h);
}

TEST(deliver_event_fields)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, TGS_SA_SIGINFO, 0);
    th_clear_log(h);
    th_sys(h, app, tgs_kill(h->w, app, app, SIGUSR1));
    const tgs_event *d = th_ev(h, TGS_EV_DELIVER, 0);
    CHECK(d != NULL);
    if (d) {
        CHECK_EQ(d->sig, SIGUSR1);
        CHECK_EQ(d->code, 0);
        CHECK_EQ(d->sa_handler, TH_H);
        CHECK_HEX(d->sa_flags, TGS_SA_SIGINFO | TGS_SA_RESTORER);
    }
    CHECK_CONTAINS(h->text, "signal_deliver: sig=10 errno=0 code=0 sa_handler=1000 sa_flags=4000004");
    CHECK_EQ(h->handled[0].info.si_pid, app);
    th_free(h);
}

TEST(handler_runs_only_on_the_way_to_user_mode)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1), s = th_fork(h, 1);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    CHECK_EQ(tgs_kill(h->w, s, app, SIGUSR1), 0);
    CHECK_EQ(h->nhandled, 0);                                    /* nothing until tgs_run */
    CHECK_HEX(th_info(h, app).shared_pending, TGS_SIGMASK(SIGUSR1));
    th_run_until_quiet(h);
    CHECK_EQ(th_handled_count(h, app, SIGUSR1), 1);
    CHECK_EQ(h->done[app], 0);                                   /* no syscall was in flight */
    th_free(h);
}

T_MAIN()
