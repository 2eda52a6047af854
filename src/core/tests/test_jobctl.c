/* test_jobctl.c - group stop and continue (seed 004, §10 J1-J6), CLD_STOPPED/CONTINUED (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }
static tgs_pid mkparent(th_host *h)
{
    tgs_pid p = th_fork(h, 1);
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO | TGS_SA_RESTART, 0);
    return p;
}
/* a process of n threads in its own (non-orphaned) process group */
static tgs_pid mkapp(th_host *h, tgs_pid parent, int n, tgs_pid *tids)
{
    tgs_pid c = th_proc(h, parent, n, tids);
    th_sys(h, c, tgs_setpgid(h->w, c, 0, 0));
    return c;
}
static int cld_count(th_host *h, tgs_pid p, int code)
{
    int n = 0;
    for (int i = 0; i < h->nhandled; i++)
        if (h->handled[i].tid == p && h->handled[i].sig == SIGCHLD && h->handled[i].info.si_code == code) n++;
    return n;
}
static bool all_state(th_host *h, tgs_pid *tids, int n, const char *st)
{
    for (int i = 0; i < n; i++)
        if (strcmp(th_status(h, tids[i], "State"), st)) return false;
    return true;
}

TEST(seed004_tkill_sigstop_stops_whole_group)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 3, tids);
    th_clear_log(h);
    th_sys(h, p, tgs_tkill(h->w, p, tids[1], SIGSTOP));
    CHECK(all_state(h, tids, 3, "T (stopped)"));
    CHECK_EQ(th_count(h, TGS_EV_STOP, 0, 0), 3);
    const tgs_event *e0 = th_ev(h, TGS_EV_STOP, 0), *e2 = th_ev(h, TGS_EV_STOP, 2);
    CHECK(e0 && e0->tid == tids[1] && e0->value == 2);   /* the dequeuer stops first */
    CHECK(e2 && e2->value == 0);                          /* count goes down thread by thread */
    tgs_task_info i = th_info(h, c);
    CHECK_EQ(i.group_stop_count, 0);
    CHECK(i.signal_flags & SIGNAL_STOP_STOPPED);
    CHECK_EQ(i.group_exit_code, SIGSTOP);
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->code == TGS_CLD_STOPPED && n->value == SIGSTOP && n->target == p);
    for (int k = 0; k < 3; k++) CHECK_EQ(h->result[tids[k]], TGS_RUN_STOPPED);
    th_free(h);
}

TEST(last_stopper_notifies_with_status)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h);
    mkapp(h, p, 2, tids);
    th_sys(h, p, tgs_kill(h->w, p, tids[0], SIGTSTP));
    CHECK(all_state(h, tids, 2, "T (stopped)"));
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    for (int i = 0; i < h->nhandled; i++)
        if (h->handled[i].sig == SIGCHLD) {
            CHECK_EQ(h->handled[i].info.si_status, SIGTSTP);
            CHECK_EQ(h->handled[i].info.si_pid, tids[0]);
        }
    th_free(h);
}

TEST(wuntraced_reports_stop_once)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    th_sys(h, p, tgs_tkill(h->w, p, tids[1], SIGSTOP));
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WNOHANG)), 0);   /* needs WUNTRACED */
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED)), c);
    CHECK_HEX(st, (SIGSTOP << 8) | 0x7f);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED | TGS_WNOHANG)), 0);
    th_free(h);
}

TEST(waitid_wstopped_wnowait_keeps_report)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[1];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 1, tids);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WSTOPPED | TGS_WNOWAIT)), 0);
    CHECK_EQ(si.si_code, TGS_CLD_STOPPED);
    CHECK_EQ(si.si_status, SIGSTOP);
    memset(&si, 0, sizeof si);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WSTOPPED)), 0);
    CHECK_EQ(si.si_pid, c);
    memset(&si, 0, sizeof si);
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WSTOPPED | TGS_WNOHANG)), 0);
    CHECK_EQ(si.si_pid, 0);
    th_free(h);
}

TEST(thread_exiting_during_stop_counts_as_stopped)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 3, tids);
    CHECK_EQ(tgs_tkill(h->w, p, tids[0], SIGSTOP), 0);
    th_run1(h, tids[0]);                            /* starts the stop: 2 threads left */
    CHECK_EQ(T(h, c)->signal->group_stop_count, 2);
    CHECK(T(h, tids[2])->jobctl & JOBCTL_STOP_PENDING);
    CHECK_EQ(tgs_exit(h->w, tids[2], 0), 0);        /* it exits instead of stopping */
    CHECK_EQ(T(h, c)->signal->group_stop_count, 1);
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 0);
    th_sys(h, p, 0);                                /* tids[1] stops last and notifies */
    CHECK_EQ(T(h, c)->signal->group_stop_count, 0);
    CHECK(T(h, c)->signal->flags & SIGNAL_STOP_STOPPED);
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    th_free(h);
}

TEST(exiting_last_thread_completes_stop_and_notifies)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    CHECK_EQ(tgs_tkill(h->w, p, tids[0], SIGSTOP), 0);
    th_run1(h, tids[0]);
    th_clear_log(h);
    CHECK_EQ(tgs_exit(h->w, tids[1], 0), 0);        /* the exit is the last "stop" */
    CHECK(T(h, c)->signal->flags & SIGNAL_STOP_STOPPED);
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->code == TGS_CLD_STOPPED);
    th_sys(h, p, 0);
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    th_free(h);
}

TEST(sigcont_to_one_thread_resumes_all)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 3, tids);
    th_sys(h, p, tgs_tkill(h->w, p, tids[1], SIGSTOP));
    CHECK(all_state(h, tids, 3, "T (stopped)"));
    th_clear_log(h);
    th_sys(h, p, tgs_tkill(h->w, p, tids[2], SIGCONT));
    for (int i = 0; i < 3; i++) CHECK(strcmp(th_status(h, tids[i], "State"), "T (stopped)"));
    CHECK_EQ(th_count(h, TGS_EV_CONTINUE, 0, 0), 3);
    CHECK_EQ(cld_count(h, p, TGS_CLD_CONTINUED), 1);     /* sent once, by the first to run */
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->code == TGS_CLD_CONTINUED && n->value == SIGCONT);
    CHECK(!(T(h, c)->signal->flags & SIGNAL_STOP_STOPPED));
    CHECK(T(h, c)->signal->flags & SIGNAL_STOP_CONTINUED);
    th_free(h);
}

TEST(wcontinued_reports_ffff_once)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED | TGS_WNOHANG)), 0);  /* no stop left */
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WCONTINUED)), c);
    CHECK_HEX(st, 0xffff);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WCONTINUED | TGS_WNOHANG)), 0);
    tgs_siginfo si;
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    CHECK_EQ(th_sys(h, p, tgs_waitid(h->w, p, TGS_P_PID, c, &si, TGS_WCONTINUED)), 0);
    CHECK_EQ(si.si_code, TGS_CLD_CONTINUED);
    CHECK_EQ(si.si_status, SIGCONT);
    th_free(h);
}

TEST(sigcont_during_stop_in_progress_cancels_and_reports_stopped)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 3, tids);
    CHECK_EQ(tgs_tkill(h->w, p, tids[0], SIGSTOP), 0);
    th_run1(h, tids[0]);                            /* stop in progress: 2 to go */
    CHECK_EQ(T(h, c)->signal->group_stop_count, 2);
    CHECK_EQ(tgs_kill(h->w, p, c, SIGCONT), 0);
    struct signal_struct *sig = T(h, c)->signal;
    CHECK_EQ(sig->group_stop_count, 0);
    CHECK(!(T(h, tids[1])->jobctl & JOBCTL_STOP_PENDING));
    th_sys(h, p, 0);
    CHECK(!all_state(h, tids, 3, "T (stopped)"));
    CHECK(strcmp(th_status(h, tids[1], "State"), "T (stopped)"));
    /* J6: the parent gets CLD_STOPPED (not CONTINUED) with status 0 */
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    CHECK_EQ(cld_count(h, p, TGS_CLD_CONTINUED), 0);
    for (int i = 0; i < h->nhandled; i++)
        if (h->handled[i].sig == SIGCHLD) CHECK_EQ(h->handled[i].info.si_status, 0);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED | TGS_WNOHANG)), 0);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WCONTINUED | TGS_WNOHANG)), c);
    CHECK_HEX(st, 0xffff);
    th_free(h);
}

TEST(sigcont_cancels_dequeued_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    struct task *t = T(h, tids[0]);
    t->jobctl |= JOBCTL_STOP_DEQUEUED;              /* SIGSTOP dequeued, not yet acted on */
    CHECK_EQ(tgs_kill(h->w, p, c, SIGCONT), 0);     /* clears STOP_DEQUEUED */
    CHECK(!(t->jobctl & JOBCTL_STOP_DEQUEUED));
    CHECK(!do_signal_stop(t, SIGSTOP));             /* the stop is abandoned */
    CHECK_EQ(t->state, TASK_RUNNING);
    CHECK_EQ(T(h, c)->signal->group_stop_count, 0);
    th_sys(h, p, 0);
    CHECK(!all_state(h, tids, 2, "T (stopped)"));
    th_free(h);
}

TEST(do_signal_stop_needs_dequeued_flag)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h);
    mkapp(h, p, 2, tids);
    struct task *t = T(h, tids[0]);
    CHECK(!do_signal_stop(t, SIGTSTP));
    t->jobctl |= JOBCTL_STOP_DEQUEUED;
    CHECK(do_signal_stop(t, SIGTSTP));
    CHECK_EQ(t->state, TASK_STOPPED);
    CHECK(T(h, tids[1])->jobctl & JOBCTL_STOP_PENDING);
    CHECK_EQ(t->signal->group_stop_count, 1);
    CHECK_EQ(t->signal->group_exit_code, SIGTSTP);
    th_sys(h, p, 0);                                /* the other thread stops */
    CHECK(all_state(h, tids, 2, "T (stopped)"));
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 1);
    th_free(h);
}

TEST(stop_signals_while_stopped_stay_pending_until_sigcont)
{
    /* §25 row 11 */
    th_host *h = th_new(NULL);
    tgs_pid tids[1];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 1, tids);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGTSTP));
    CHECK_STR(th_status(h, c, "ShdPnd"), "00000000000c0000");
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED)), c);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED | TGS_WNOHANG)), 0);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    CHECK_STR(th_status(h, c, "ShdPnd"), "0000000000000000");
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WCONTINUED)), c);
    CHECK_HEX(st, 0xffff);
    th_free(h);
}

TEST(sigterm_to_stopped_process_waits_for_sigcont)
{
    /* §25 row 3 */
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGTERM));
    CHECK_STR(th_status(h, c, "ShdPnd"), "0000000000004000");
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WNOHANG)), 0);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, 0)), c);
    CHECK_HEX(st, SIGTERM);
    th_free(h);
}

TEST(sigkill_passes_through_stopped_group)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 3, tids);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    th_sys(h, p, tgs_kill(h->w, p, c, SIGKILL));
    for (int i = 0; i < 3; i++) CHECK_EQ(h->result[tids[i]], TGS_RUN_DEAD);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, 0)), c);
    CHECK_HEX(st, SIGKILL);
    th_free(h);
}

TEST(sa_nocldstop_silences_but_wait_reports)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[1];
    tgs_pid p = th_fork(h, 1);
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO | TGS_SA_NOCLDSTOP, 0);
    tgs_pid c = mkapp(h, p, 1, tids);
    th_clear_log(h);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
    CHECK_EQ(th_handled_count(h, p, SIGCHLD), 0);
    const tgs_event *n = th_ev(h, TGS_EV_NOTIFY_PARENT, 0);
    CHECK(n && n->sig == 0 && n->code == TGS_CLD_STOPPED);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WUNTRACED)), c);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    CHECK_EQ(th_handled_count(h, p, SIGCHLD), 0);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WCONTINUED)), c);
    th_free(h);
}

TEST(blocked_waiter_woken_by_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = th_fork(h, 1), c = mkapp(h, p, 2, tids);
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WUNTRACED)), TGS_ASLEEP);
    tgs_pid s = th_fork(h, 1);
    th_sys(h, s, tgs_kill(h->w, s, c, SIGSTOP));
    CHECK_EQ(h->ret[p], c);
    CHECK_HEX(st, 0x137f);
    th_free(h);
}

TEST(stop_signal_with_handler_does_not_stop)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    th_handler(h, c, SIGTSTP, TH_H + 1, 0, 0);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGTSTP));
    CHECK_EQ(th_handled_count(h, 0, SIGTSTP), 1);
    CHECK(!all_state(h, tids, 2, "T (stopped)"));
    CHECK_EQ(T(h, c)->signal->group_stop_count, 0);
    th_free(h);
}

TEST(second_stop_after_continue_notifies_again)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = mkapp(h, p, 2, tids);
    for (int round = 0; round < 2; round++) {
        th_sys(h, p, tgs_kill(h->w, p, c, SIGSTOP));
        th_sys(h, p, tgs_kill(h->w, p, c, SIGCONT));
    }
    CHECK_EQ(cld_count(h, p, TGS_CLD_STOPPED), 2);
    CHECK_EQ(cld_count(h, p, TGS_CLD_CONTINUED), 2);
    th_free(h);
}

TEST(task_participate_without_consume_is_not_counted)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    struct task *t = T(h, a);
    t->signal->group_stop_count = 1;
    t->jobctl = JOBCTL_STOP_PENDING | SIGSTOP;     /* joined an already stopped group */
    CHECK(!task_participate_group_stop(t));
    CHECK_EQ(t->signal->group_stop_count, 1);
    CHECK_HEX(t->jobctl & ~JOBCTL_STOP_SIGMASK, 0);
    t->jobctl = JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME | SIGSTOP;
    CHECK(task_participate_group_stop(t));
    CHECK_EQ(t->signal->group_stop_count, 0);
    CHECK(t->signal->flags & SIGNAL_STOP_STOPPED);
    t->signal->flags &= ~SIGNAL_STOP_STOPPED;
    t->jobctl = 0;
    th_free(h);
}

T_MAIN()
