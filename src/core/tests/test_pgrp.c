/* test_pgrp.c - sessions, process groups, orphaned process groups (§10 J5), prctl (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(setsid_rules)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_setsid(h->w, a)), a);
    tgs_task_info i = th_info(h, a);
    CHECK_EQ(i.sid, a);
    CHECK_EQ(i.pgid, a);
    CHECK_EQ(th_sys(h, a, tgs_setsid(h->w, a)), -EPERM);          /* already a session leader */
    tgs_pid b = th_fork(h, 1);
    CHECK_EQ(th_sys(h, b, tgs_setpgid(h->w, b, 0, 0)), 0);
    CHECK_EQ(th_sys(h, b, tgs_setsid(h->w, b)), -EPERM);          /* a pgrp with its id exists */
    tgs_pid t = th_thread(h, a);
    CHECK_EQ(th_sys(h, t, tgs_setsid(h->w, t)), -EPERM);          /* the group leader's rules apply */
    th_free(h);
}

TEST(setpgid_basics)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = th_fork(h, a);
    CHECK_EQ(tgs_getpgid(h->w, c), 1);
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, c, 0)), 0);        /* parent moves its child */
    CHECK_EQ(tgs_getpgid(h->w, c), c);
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, 0, c)), 0);        /* and joins it */
    CHECK_EQ(tgs_getpgid(h->w, a), c);
    CHECK_EQ(tgs_getpgid(h->w, 999), -ESRCH);
    CHECK_EQ(tgs_getpgid(h->w, 0), -ESRCH);
    int n = 0;
    for_each_pgrp_member(h->w, c, p) { (void)p; n++; }
    CHECK_EQ(n, 2);
    th_free(h);
}

TEST(setpgid_errors_in_kernel_order)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid a = th_proc(h, 1, 2, tids), c = th_fork(h, a), other = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, 0, -1)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, 777, 0)), -ESRCH);
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, tids[1], 0)), -EINVAL);   /* not a leader */
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, other, 0)), -ESRCH);      /* not mine */
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, 0, 555)), -EPERM);        /* no such pgrp */
    th_sys(h, c, tgs_exec(h->w, c));
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, c, 0)), -EACCES);         /* child exec'd */
    tgs_pid d = th_fork(h, a);
    th_sys(h, d, tgs_setsid(h->w, d));
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, d, 0)), -EPERM);          /* other session */
    CHECK_EQ(th_sys(h, d, tgs_setpgid(h->w, d, 0, 0)), -EPERM);          /* session leader */
    CHECK_EQ(th_sys(h, a, tgs_setpgid(h->w, a, 0, d)), -EPERM);          /* pgrp in another session */
    th_free(h);
}

TEST(orphaned_pgrp_drops_tstp_but_sigstop_stops)
{
    /* §25 row 13: a child of init in its own pgrp is orphaned */
    th_host *h = th_new(NULL);
    tgs_pid c = th_fork(h, 1);
    th_sys(h, c, tgs_setpgid(h->w, c, 0, 0));
    CHECK(is_current_pgrp_orphaned(T(h, c)));
    tgs_pid s = th_fork(h, 1);
    th_sys(h, s, tgs_kill(h->w, s, c, SIGTSTP));
    th_sys(h, s, tgs_kill(h->w, s, c, SIGTTIN));
    CHECK(strcmp(th_status(h, c, "State"), "T (stopped)"));
    th_sys(h, s, tgs_kill(h->w, s, c, SIGSTOP));
    CHECK_STR(th_status(h, c, "State"), "T (stopped)");
    th_free(h);
}

TEST(non_orphaned_pgrp_tstp_stops)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1);
    th_sys(h, sh, tgs_setsid(h->w, sh));
    tgs_pid j = th_fork(h, sh);
    th_sys(h, j, tgs_setpgid(h->w, j, 0, 0));
    CHECK(!is_current_pgrp_orphaned(T(h, j)));
    CHECK(will_become_orphaned_pgrp(h->w, j, T(h, j)));
    th_sys(h, sh, tgs_kill(h->w, sh, j, SIGTSTP));
    CHECK_STR(th_status(h, j, "State"), "T (stopped)");
    th_free(h);
}

TEST(newly_orphaned_stopped_pgrp_gets_hup_and_cont_on_reparent)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1);
    th_sys(h, sh, tgs_setsid(h->w, sh));
    tgs_pid j = th_fork(h, sh);
    th_sys(h, j, tgs_setpgid(h->w, j, 0, 0));
    th_sys(h, sh, tgs_kill(h->w, sh, j, SIGSTOP));
    CHECK_STR(th_status(h, j, "State"), "T (stopped)");
    th_clear_log(h);
    th_sys(h, sh, tgs_exit(h->w, sh, 0));           /* j moves to init: its pgrp is orphaned */
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGHUP), 1);
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGCONT), 1);
    const tgs_event *g = th_ev(h, TGS_EV_GENERATE, 0);
    CHECK(g && g->sig == SIGHUP && g->code == TGS_SI_KERNEL);
    CHECK_STR(th_status(h, j, "State"), "Z (zombie)");   /* died of SIGHUP */
    CHECK_EQ(th_info(h, j).group_exit_code, SIGHUP);
    CHECK_EQ(th_info(h, j).ppid, 1);
    th_free(h);
}

TEST(newly_orphaned_stopped_pgrp_on_member_exit)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1);
    th_sys(h, sh, tgs_setsid(h->w, sh));
    tgs_pid j = th_fork(h, sh);
    th_sys(h, j, tgs_setpgid(h->w, j, 0, 0));
    tgs_pid k = th_fork(h, j);                      /* same pgrp as j */
    th_handler(h, k, SIGHUP, TH_H, 0, 0);           /* k survives SIGHUP: sees it, then continues */
    th_sys(h, j, tgs_kill(h->w, j, k, SIGSTOP));
    CHECK_STR(th_status(h, k, "State"), "T (stopped)");
    th_clear_log(h);
    th_sys(h, j, tgs_exit(h->w, j, 0));             /* j was the pgrp's only link outside */
    CHECK_EQ(th_handled_count(h, k, SIGHUP), 1);
    CHECK(strcmp(th_status(h, k, "State"), "T (stopped)"));
    CHECK_EQ(th_count(h, TGS_EV_CONTINUE, k, 0), 1);
    th_free(h);
}

TEST(no_hup_when_pgrp_still_linked)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1);
    th_sys(h, sh, tgs_setsid(h->w, sh));
    tgs_pid j = th_fork(h, sh), j2 = th_fork(h, sh);
    th_sys(h, j, tgs_setpgid(h->w, j, 0, 0));
    th_sys(h, sh, tgs_setpgid(h->w, sh, j2, j));
    th_sys(h, sh, tgs_kill(h->w, sh, j2, SIGSTOP));
    th_clear_log(h);
    th_sys(h, j, tgs_exit(h->w, j, 0));             /* j2 still links the pgrp to sh's pgrp */
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGHUP), 0);
    CHECK_STR(th_status(h, j2, "State"), "T (stopped)");
    th_free(h);
}

TEST(no_hup_without_stopped_member)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1);
    th_sys(h, sh, tgs_setsid(h->w, sh));
    tgs_pid j = th_fork(h, sh);
    th_sys(h, j, tgs_setpgid(h->w, j, 0, 0));
    th_clear_log(h);
    th_sys(h, sh, tgs_exit(h->w, sh, 0));
    CHECK_EQ(th_count(h, TGS_EV_GENERATE, 0, SIGHUP), 0);
    CHECK(th_alive(h, j));
    th_free(h);
}

TEST(pdeathsig_prctl_validation)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_pdeathsig(h->w, a, 65)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_pdeathsig(h->w, a, -1)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_pdeathsig(h->w, a, SIGUSR1)), 0);
    CHECK_EQ(T(h, a)->pdeath_signal, SIGUSR1);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_pdeathsig(h->w, a, 0)), 0);
    CHECK_EQ(T(h, a)->pdeath_signal, 0);
    th_free(h);
}

TEST(subreaper_prctl_marks_descendants)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, a), c = th_fork(h, b);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 1)), 0);
    CHECK(T(h, a)->signal->is_child_subreaper);
    CHECK(T(h, b)->signal->has_child_subreaper);
    CHECK(T(h, c)->signal->has_child_subreaper);
    tgs_pid d = th_fork(h, c);                      /* inherited by later forks */
    CHECK(T(h, d)->signal->has_child_subreaper);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 0)), 0);
    CHECK(!T(h, a)->signal->is_child_subreaper);
    th_free(h);
}

TEST(any_thread_of_parent_may_setpgid_child)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    th_proc(h, 1, 2, tids);
    tgs_pid c = th_fork(h, tids[1]);
    CHECK_EQ(th_sys(h, tids[0], tgs_setpgid(h->w, tids[0], c, c)), 0);
    CHECK_EQ(tgs_getpgid(h->w, c), c);
    th_free(h);
}

TEST(pgrp_membership_follows_exit_and_reap)
{
    th_host *h = th_new(NULL);
    tgs_pid p = th_fork(h, 1), a = th_fork(h, p), b = th_fork(h, p);
    th_sys(h, p, tgs_setpgid(h->w, p, a, a));
    th_sys(h, p, tgs_setpgid(h->w, p, b, a));
    th_sys(h, a, tgs_exit(h->w, a, 0));
    CHECK_EQ(tgs_getpgid(h->w, a), a);              /* a zombie keeps its pgrp */
    int st;
    th_sys(h, p, tgs_wait4(h->w, p, a, &st, 0));
    int n = 0;
    for_each_pgrp_member(h->w, a, q) { CHECK(q == T(h, b)); n++; }
    CHECK_EQ(n, 1);                                 /* the pgrp outlives its leader */
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, -a, &st, TGS_WNOHANG)), 0);
    th_free(h);
}

T_MAIN()
