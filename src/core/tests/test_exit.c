/* test_exit.c - thread and process exit, group exit, zombies, exit codes (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }
/* a parent process that catches SIGCHLD with SA_SIGINFO */
static tgs_pid mkparent(th_host *h)
{
    tgs_pid p = th_fork(h, 1);
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO | TGS_SA_RESTART, 0);
    return p;
}
static const struct th_handled *last_chld(th_host *h, tgs_pid parent)
{
    for (int i = h->nhandled - 1; i >= 0; i--)
        if (h->handled[i].sig == SIGCHLD && h->handled[i].tid == parent) return &h->handled[i];
    return NULL;
}
static int reap(th_host *h, tgs_pid parent, tgs_pid child)
{
    int st = -1;
    int r = th_sys(h, parent, tgs_wait4(h->w, parent, child, &st, 0));
    CHECK_EQ(r, child);
    return st;
}

TEST(exit_code_is_shifted)
{
    th_host *h = th_new(NULL);
    tgs_pid p = mkparent(h), c = th_fork(h, p);
    th_sys(h, c, tgs_exit(h->w, c, 7));
    CHECK_EQ(h->result[c], TGS_RUN_DEAD);
    const struct th_handled *e = last_chld(h, p);
    CHECK(e != NULL);
    if (e) {
        CHECK_EQ(e->info.si_code, TGS_CLD_EXITED);
        CHECK_EQ(e->info.si_status, 7);
        CHECK_EQ(e->info.si_pid, c);
    }
    CHECK_HEX(reap(h, p, c), 0x700);
    th_free(h);
}

TEST(exit_code_truncated_to_byte)
{
    th_host *h = th_new(NULL);
    tgs_pid p = mkparent(h), c = th_fork(h, p);
    th_sys(h, c, tgs_exit_group(h->w, c, 0x1ff));
    CHECK_HEX(reap(h, p, c), 0xff00);
    th_free(h);
}

TEST(killed_by_signal_status_and_cld_killed)
{
    th_host *h = th_new(NULL);
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, NULL);
    th_sys(h, p, tgs_kill(h->w, p, c, SIGTERM));
    const struct th_handled *e = last_chld(h, p);
    CHECK(e && e->info.si_code == TGS_CLD_KILLED && e->info.si_status == SIGTERM);
    CHECK_HEX(reap(h, p, c), SIGTERM);
    th_free(h);
}

TEST(multithreaded_core_dump_is_group_exit_with_core_flag)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, tids);
    th_clear_log(h);
    th_sys(h, tids[1], tgs_force_fault(h->w, tids[1], SIGSEGV, 1, 0x1234));
    for (int i = 0; i < 3; i++) CHECK(!th_alive(h, tids[i]));
    CHECK_EQ(th_count(h, TGS_EV_EXIT, 0, 0), 3);
    const tgs_event *g = th_ev(h, TGS_EV_GROUP_EXIT, 0);
    CHECK(g && g->cause_sig == SIGSEGV);
    const struct th_handled *e = last_chld(h, p);
    CHECK(e && e->info.si_code == TGS_CLD_DUMPED && e->info.si_status == SIGSEGV);
    CHECK_HEX(reap(h, p, c), SIGSEGV | 0x80);
    th_free(h);
}

TEST(last_thread_exit_code_wins_6_0)
{
    /* §25 row 6: the leader SYS_exit(3), another thread SYS_exit(5): the parent sees 5 */
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 2, tids);
    th_sys(h, c, tgs_exit(h->w, c, 3));
    CHECK_STR(th_status(h, c, "State"), "Z (zombie)");
    CHECK_STR(th_status(h, c, "Threads"), "2");
    CHECK(last_chld(h, p) == NULL);                 /* not yet: a live thread remains */
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WNOHANG)), 0);   /* counts, not ECHILD */
    /* tgkill to the zombie leader returns 0 (whether the bit shows in its SigPnd is the send
     * path's business: see tests/conformance/divergences.md, ew-003) */
    CHECK_EQ(th_sys(h, p, tgs_tgkill(h->w, p, c, c, SIGUSR1)), 0);
    CHECK_EQ(th_handled_count(h, tids[1], SIGUSR1), 0);       /* never redirected */
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 5));
    const struct th_handled *e = last_chld(h, p);
    CHECK(e && e->info.si_code == TGS_CLD_EXITED && e->info.si_status == 5);
    CHECK_HEX(reap(h, p, c), 0x500);
    th_free(h);
}

TEST(non_leader_exit_is_auto_reaped)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid c = th_proc(h, 1, 3, tids);
    th_clear_log(h);
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 0));
    CHECK(T(h, tids[1]) == NULL);
    CHECK_EQ(th_info(h, c).nr_threads, 2);
    CHECK_STR(th_status(h, c, "Threads"), "2");
    CHECK_EQ(th_count(h, TGS_EV_EXIT, tids[1], 0), 1);
    CHECK_EQ(th_count(h, TGS_EV_NOTIFY_PARENT, 0, 0), 0);
    CHECK_EQ(h->result[tids[1]], TGS_RUN_DEAD);
    th_free(h);
}

TEST(curr_target_moves_on_release)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid c = th_proc(h, 1, 3, tids);
    struct signal_struct *sig = T(h, c)->signal;
    sig->curr_target = T(h, tids[1]);
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 0));
    CHECK(sig->curr_target == T(h, tids[2]));
    sig->curr_target = T(h, tids[2]);
    th_sys(h, tids[2], tgs_exit(h->w, tids[2], 0));
    CHECK(sig->curr_target == T(h, c));             /* wraps to the first thread */
    th_free(h);
}

TEST(kill_zombie_returns_zero_status_unchanged)
{
    /* §25 row 7 */
    th_host *h = th_new(NULL);
    tgs_pid p = mkparent(h), c = th_fork(h, p);
    th_sys(h, c, tgs_exit(h->w, c, 7));
    CHECK_EQ(th_sys(h, p, tgs_kill(h->w, p, c, SIGKILL)), 0);
    CHECK_EQ(th_sys(h, p, tgs_kill(h->w, p, c, SIGTERM)), 0);
    CHECK_HEX(th_info(h, c).pending | th_info(h, c).shared_pending, 0);
    CHECK_HEX(reap(h, p, c), 0x700);
    CHECK_EQ(th_sys(h, p, tgs_kill(h->w, p, c, SIGKILL)), -ESRCH);   /* reaped */
    th_free(h);
}

TEST(exit_group_kills_every_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[4];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 4, tids);
    th_sys(h, tids[2], tgs_pause(h->w, tids[2]));
    th_clear_log(h);
    th_sys(h, tids[1], tgs_exit_group(h->w, tids[1], 9));
    for (int i = 0; i < 4; i++) CHECK(!th_alive(h, tids[i]));
    const tgs_event *g = th_ev(h, TGS_EV_GROUP_EXIT, 0);
    CHECK(g != NULL);
    if (g) { CHECK_EQ(g->tid, tids[1]); CHECK_EQ(g->cause_tid, tids[1]); CHECK_EQ(g->cause_sig, 0); CHECK_EQ(g->value, 0x900); }
    CHECK_EQ(th_count(h, TGS_EV_EXIT, 0, 0), 4);
    CHECK_EQ(th_count(h, TGS_EV_GROUP_EXIT, 0, 0), 1);
    CHECK_HEX(reap(h, p, c), 0x900);
    th_free(h);
}

TEST(group_exit_event_names_the_sender)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h);
    th_proc(h, p, 3, tids);
    tgs_pid killer = th_fork(h, 1);
    th_clear_log(h);
    th_sys(h, killer, tgs_kill(h->w, killer, tids[0], SIGTERM));
    const tgs_event *g = th_ev(h, TGS_EV_GROUP_EXIT, 0);
    CHECK(g != NULL);
    if (g) { CHECK_EQ(g->cause_sig, SIGTERM); CHECK_EQ(g->cause_tid, killer); }
    const tgs_event *x = th_ev(h, TGS_EV_EXIT, 0);
    CHECK(x && x->cause_sig == SIGTERM && x->value == SIGTERM);
    th_free(h);
}

TEST(private_pending_discarded_at_exit)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    th_proc(h, 1, 2, tids);
    th_block(h, tids[1], TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(40));
    th_sys(h, tids[0], tgs_tkill(h->w, tids[0], tids[1], SIGUSR1));
    th_sys(h, tids[0], tgs_tkill(h->w, tids[0], tids[1], 40));
    th_sys(h, tids[0], tgs_tkill(h->w, tids[0], tids[1], 40));
    tgs_ledger before = th_ledger(h);
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 0));
    tgs_ledger after = th_ledger(h);
    CHECK_EQ(after.discarded - before.discarded, 3);
    CHECK(tgs_ledger_balanced(h->w));
    th_free(h);
}

TEST(exiting_thread_retargets_shared_signal)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid c = th_proc(h, 1, 2, tids);
    th_handler(h, c, SIGUSR1, TH_H, 0, 0);
    tgs_pid s = th_fork(h, 1);
    h->on_cpu[tids[0]] = 1;                          /* the leader is busy: it takes the signal */
    CHECK_EQ(tgs_kill(h->w, s, c, SIGUSR1), 0);     /* no run: the leader exits first */
    CHECK_EQ(tgs_exit(h->w, tids[0], 0), 0);
    th_sys(h, s, 0);
    CHECK_EQ(th_handled_count(h, tids[1], SIGUSR1), 1);
    th_free(h);
}

TEST(clone_child_needs_wclone)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), c = 0;
    CHECK(th_sys(h, p, tgs_clone(h->w, p, 0, SIGUSR1, &c)) > 0);
    th_handler(h, p, SIGUSR1, TH_H, TGS_SA_SIGINFO, 0);
    th_sys(h, c, tgs_exit(h->w, c, 2));
    CHECK_EQ(th_handled_count(h, p, SIGUSR1), 1);    /* exit_signal SIGUSR1 */
    int st = 0;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WNOHANG)), -ECHILD);
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -1, &st, TGS_WCLONE)), c);
    CHECK_HEX(st, 0x200);
    th_free(h);
}

TEST(exit_signal_zero_sends_nothing_but_zombie_stays)
{
    th_host *h = th_new(NULL);
    tgs_pid p = mkparent(h), c = 0;
    CHECK(th_sys(h, p, tgs_clone(h->w, p, 0, 0, &c)) > 0);
    th_clear_log(h);
    th_sys(h, c, tgs_exit(h->w, c, 1));
    CHECK_EQ(h->nhandled, 0);
    CHECK_STR(th_status(h, c, "State"), "Z (zombie)");
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, TGS_WALL)), c);
    th_free(h);
}

TEST(exit_during_syscall_sleep_of_other_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, tids);
    th_sys(h, tids[1], tgs_pause(h->w, tids[1]));
    th_sys(h, tids[2], tgs_nanosleep(h->w, tids[2], 1000000000ULL));
    CHECK_EQ(h->result[tids[2]], TGS_RUN_SLEEP);
    th_sys(h, c, tgs_exit_group(h->w, c, 4));
    CHECK_EQ(h->result[tids[1]], TGS_RUN_DEAD);
    CHECK_EQ(h->result[tids[2]], TGS_RUN_DEAD);
    CHECK_EQ(h->timer[tids[2]], 0);                 /* its timer is cancelled */
    CHECK_HEX(reap(h, p, c), 0x400);
    th_free(h);
}

TEST(second_exit_group_uses_first_code)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 2, tids);
    CHECK_EQ(tgs_exit_group(h->w, tids[1], 3), 0);  /* no run yet for the leader */
    CHECK_EQ(tgs_exit_group(h->w, tids[0], 8), 0);  /* already in a group exit: code 3 wins */
    th_sys(h, p, 0);
    CHECK_HEX(reap(h, p, c), 0x300);
    th_free(h);
}

TEST(sigchld_to_parent_thread_that_forked)
{
    th_host *h = th_new(NULL);
    tgs_pid pt[2];
    tgs_pid p = th_proc(h, 1, 2, pt);
    th_handler(h, p, SIGCHLD, TH_H, TGS_SA_SIGINFO, 0);
    tgs_pid c = th_fork(h, pt[1]);                   /* forked by the second thread */
    CHECK_EQ(th_info(h, c).ppid, p);
    CHECK(T(h, c)->real_parent == T(h, pt[1]));
    th_sys(h, c, tgs_exit(h->w, c, 0));
    CHECK_EQ(th_handled_count(h, pt[1], SIGCHLD), 1);   /* the parent thread is tried first */
    th_free(h);
}

T_MAIN()
