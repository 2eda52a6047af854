/* test_reparent.c - reparenting (§12 E3), pdeath_signal, subreapers, pid-namespace init (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(children_move_to_another_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid a = th_proc(h, 1, 3, tids);
    tgs_pid c1 = th_fork(h, tids[1]), c2 = th_fork(h, tids[1]);
    th_clear_log(h);
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 0));
    CHECK(T(h, c1)->real_parent == T(h, a));        /* the first live thread */
    CHECK(T(h, c2)->real_parent == T(h, a));
    CHECK_EQ(th_info(h, c1).ppid, a);
    CHECK_EQ(th_count(h, TGS_EV_REPARENT, 0, 0), 2);
    const tgs_event *e = th_ev(h, TGS_EV_REPARENT, 0);
    CHECK(e && e->target == c1 && e->value == a);
    CHECK_EQ(th_count(h, TGS_EV_NOTIFY_PARENT, 0, 0), 0);
    CHECK(T(h, a)->children == T(h, c1));
    CHECK(T(h, c1)->sibling_next == T(h, c2));
    th_free(h);
}

TEST(pdeathsig_fires_on_thread_to_thread_reparent)
{
    /* §25 row 8 */
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid a = th_proc(h, 1, 2, tids);
    tgs_pid c = th_fork(h, tids[1]);
    th_handler(h, c, SIGUSR1, TH_H, TGS_SA_SIGINFO, 0);
    th_sys(h, c, tgs_prctl_set_pdeathsig(h->w, c, SIGUSR1));
    th_sys(h, tids[1], tgs_exit(h->w, tids[1], 0));
    CHECK_EQ(th_handled_count(h, c, SIGUSR1), 1);
    if (h->nhandled) {
        CHECK_EQ(h->handled[0].info.si_code, TGS_SI_USER);
        CHECK_EQ(h->handled[0].info.si_pid, a);    /* the old parent's tgid */
    }
    CHECK_EQ(th_info(h, c).ppid, a);                /* getppid() unchanged */
    th_free(h);
}

TEST(children_go_to_init_without_subreaper)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, a), c = th_fork(h, b);
    th_sys(h, b, tgs_exit(h->w, b, 0));
    CHECK_EQ(th_info(h, c).ppid, 1);
    CHECK(T(h, c)->real_parent == h->w->init);
    (void)a;
    th_free(h);
}

TEST(children_go_to_nearest_subreaper)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 1));
    tgs_pid b = th_fork(h, a), c = th_fork(h, b), d = th_fork(h, c);
    th_clear_log(h);
    th_sys(h, c, tgs_exit(h->w, c, 0));
    CHECK_EQ(th_info(h, d).ppid, a);                /* skips b, which is no subreaper */
    const tgs_event *e = th_ev(h, TGS_EV_REPARENT, 0);
    CHECK(e && e->target == d && e->value == a);
    th_sys(h, b, tgs_prctl_set_child_subreaper(h->w, b, 1));
    tgs_pid f = th_fork(h, d), g = th_fork(h, f);
    th_sys(h, f, tgs_exit(h->w, f, 0));
    CHECK_EQ(th_info(h, g).ppid, a);                /* d is not a subreaper; b not an ancestor */
    th_free(h);
}

TEST(zombie_child_moves_to_subreaper_and_is_reported)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 1));
    th_handler(h, a, SIGCHLD, TH_H, TGS_SA_SIGINFO, 0);
    tgs_pid b = th_fork(h, a), c = 0;
    th_handler(h, b, SIGUSR2, TGS_SIG_IGN, 0, 0);
    th_sys(h, b, tgs_clone(h->w, b, 0, SIGUSR2, &c));
    th_sys(h, c, tgs_exit(h->w, c, 4));
    CHECK_STR(th_status(h, c, "State"), "Z (zombie)");
    h->nhandled = 0;
    th_sys(h, b, tgs_exit(h->w, b, 0));
    CHECK_EQ(T(h, c)->exit_signal, SIGCHLD);
    int n = 0;
    for (int i = 0; i < h->nhandled; i++)
        if (h->handled[i].sig == SIGCHLD && h->handled[i].info.si_pid == c) n++;
    CHECK_EQ(n, 1);                                 /* the new parent hears of the zombie */
    int st;
    CHECK_EQ(th_sys(h, a, tgs_wait4(h->w, a, c, &st, 0)), c);
    CHECK_HEX(st, 0x400);
    th_free(h);
}

TEST(zombie_autoreaped_by_ignoring_new_parent)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 1));
    tgs_pid b = th_fork(h, a), c = th_fork(h, b);
    th_handler(h, a, SIGCHLD, TGS_SIG_IGN, 0, 0);   /* after the forks: b keeps SIG_DFL */
    th_sys(h, c, tgs_exit(h->w, c, 4));
    CHECK(T(h, c) != NULL);
    th_sys(h, b, tgs_exit(h->w, b, 0));
    CHECK(T(h, c) == NULL);                         /* reaped on the move */
    CHECK(T(h, b) == NULL);
    th_free(h);
}

TEST(reparent_is_o1_per_child)
{
    th_host *h = th_new(NULL);
    for (int i = 0; i < 300; i++) th_fork(h, 1);    /* unrelated tasks */
    tgs_pid tids[4];
    th_proc(h, 1, 4, tids);
    for (int i = 0; i < 10; i++) th_fork(h, tids[2]);
    long before = h->w->reparent_steps;
    th_sys(h, tids[2], tgs_exit(h->w, tids[2], 0));
    CHECK_EQ(h->w->reparent_steps - before, 10);    /* 10 children touched, not 300+ tasks */
    before = h->w->reparent_steps;
    th_sys(h, tids[3], tgs_exit(h->w, tids[3], 0)); /* no children: no work */
    CHECK_EQ(h->w->reparent_steps - before, 0);
    before = h->w->reparent_steps;
    th_sys(h, tids[0], tgs_exit_group(h->w, tids[0], 0));
    /* tids[0] exits first: its children go to tids[1] (not yet exiting, as in the kernel),
     * then to init when tids[1] dies: 10 children x 2 moves */
    CHECK_EQ(h->w->reparent_steps - before, 20);
    th_free(h);
}

TEST(mass_thread_exit_reparents_in_linear_time)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[32];
    th_proc(h, 1, 32, tids);
    for (int i = 0; i < 32; i++) th_fork(h, tids[i]);
    long before = h->w->reparent_steps;
    th_sys(h, tids[0], tgs_exit_group(h->w, tids[0], 0));
    /* each child moves at most to the next live thread, then to init: bounded by 32 * 32 /
     * 2 in the worst order, and far below it when the zapped threads exit in order */
    CHECK(h->w->reparent_steps - before <= 32 * 33 / 2);
    for (tgs_pid p = tgs_next_task(h->w, 1); p; p = tgs_next_task(h->w, p))
        if (th_alive(h, p)) CHECK_EQ(th_info(h, p).ppid, 1);
    th_free(h);
}

TEST(container_init_protection)
{
    /* §25 row 18 */
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), ci = 0;
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &ci)) > 0);
    tgs_pid inner = th_fork(h, ci);
    CHECK_EQ(th_sys(h, ci, tgs_kill(h->w, ci, ci, SIGKILL)), 0);
    CHECK(th_alive(h, ci));
    CHECK_EQ(th_sys(h, ci, tgs_kill(h->w, ci, ci, SIGTERM)), 0);
    CHECK(th_alive(h, ci));
    CHECK_EQ(th_sys(h, inner, tgs_kill(h->w, inner, ci, SIGKILL)), 0);
    CHECK(th_alive(h, ci));
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, ci, SIGTERM)), 0);   /* from the parent ns: still no */
    CHECK(th_alive(h, ci));
    CHECK_EQ(th_sys(h, a, tgs_kill(h->w, a, ci, SIGKILL)), 0);   /* SIGKILL from outside kills */
    CHECK(!th_alive(h, ci));
    CHECK(!th_alive(h, inner));                      /* and the namespace goes with it */
    int st;
    CHECK_EQ(th_sys(h, a, tgs_wait4(h->w, a, ci, &st, 0)), ci);
    CHECK_HEX(st, SIGKILL);
    th_free(h);
}

TEST(container_init_exit_kills_namespace)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), ci = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &ci));
    tgs_pid x = th_fork(h, ci), y = th_fork(h, x);
    th_sys(h, ci, tgs_exit(h->w, ci, 0));
    CHECK(!th_alive(h, x));
    CHECK(!th_alive(h, y));
    th_free(h);
}

TEST(fork_in_dead_namespace_fails)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), ci = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &ci));
    tgs_pid x = th_fork(h, ci);
    th_block(h, x, 0);
    CHECK_EQ(tgs_exit(h->w, ci, 0), 0);             /* x is killed but has not run yet */
    tgs_pid c = 0;
    CHECK_EQ(tgs_fork(h->w, x, &c), -TGS_ERESTARTNOINTR);   /* SIGKILL pending comes first */
    int err = 0;
    CHECK(copy_process(T(h, x), 0, SIGCHLD, &err) == NULL);  /* then: no pids in a dead ns */
    CHECK_EQ(err, -ENOMEM);
    th_sys(h, x, -TGS_ERESTARTNOINTR);
    CHECK(!th_alive(h, x));
    th_free(h);
}

TEST(container_init_threads_take_over_reaping)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), ci = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &ci));
    tgs_pid t2 = th_thread(h, ci);
    tgs_pid x = th_fork(h, ci);
    th_sys(h, ci, tgs_exit(h->w, ci, 0));           /* the leader thread only */
    CHECK(th_alive(h, x));
    CHECK(T(h, ci)->signal->pid_ns->child_reaper == T(h, t2));
    CHECK(T(h, x)->real_parent == T(h, t2));
    th_free(h);
}

TEST(global_init_exit_is_a_panic_not_a_crash)
{
    /* The kernel panics when the global init's last thread exits; the model refuses instead. */
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = th_fork(h, a), t = 0;
    CHECK_EQ(th_sys(h, 1, tgs_exit(h->w, 1, 0)), -EPERM);
    CHECK_EQ(th_sys(h, 1, tgs_exit_group(h->w, 1, 3)), -EPERM);
    CHECK(th_alive(h, 1));
    CHECK(h->w->init == T(h, 1));
    th_sys(h, 1, tgs_clone(h->w, 1, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &t));
    CHECK_EQ(th_sys(h, 1, tgs_exit(h->w, 1, 0)), 0);       /* not the last thread: allowed */
    CHECK_STR(th_status(h, 1, "State"), "Z (zombie)");    /* zombie leader, t lives on */
    CHECK_EQ(th_sys(h, t, tgs_exit(h->w, t, 0)), -EPERM);
    CHECK_EQ(th_sys(h, t, tgs_force_fault(h->w, t, SIGSEGV, 1, 0x10)), -EPERM);
    CHECK_EQ(th_info(h, a).ppid, 1);
    th_sys(h, a, tgs_exit(h->w, a, 0));
    CHECK_EQ(th_info(h, b).ppid, 1);
    th_free(h);
}

TEST(init_thread_taking_shared_fatal_signal_survives)
{
    /* Measured on 6.18 (tests/conformance/init/init-008): no fatal fast path for an unkillable
     * group; the thread that takes the signal discards it at dequeue. */
    th_host *h = th_new(NULL);
    tgs_pid t = 0;
    tgs_sigset term = 1ULL << (SIGTERM - 1);
    th_sys(h, 1, tgs_clone(h->w, 1, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &t));
    th_sys(h, 1, tgs_sigprocmask(h->w, 1, TGS_SIG_BLOCK, &term, NULL, sizeof term));
    CHECK_EQ(th_sys(h, 1, tgs_kill(h->w, 1, 1, SIGTERM)), 0);
    CHECK(th_alive(h, 1));
    CHECK(th_alive(h, t));
    CHECK_STR(th_status(h, 1, "ShdPnd"), "0000000000000000");
    th_free(h);
}

TEST(nested_namespace_death_goes_to_outer_reaper)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c1 = 0, c2 = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &c1));
    th_sys(h, c1, tgs_clone(h->w, c1, TGS_CLONE_NEWPID, SIGCHLD, &c2));
    CHECK_EQ(T(h, c2)->signal->pid_ns->level, 2);
    tgs_pid x = th_fork(h, c2);
    th_sys(h, a, tgs_kill(h->w, a, c1, SIGKILL));     /* kills both namespaces */
    CHECK(!th_alive(h, c1));
    CHECK(!th_alive(h, c2));
    CHECK(!th_alive(h, x));
    int st;
    CHECK_EQ(th_sys(h, a, tgs_wait4(h->w, a, c1, &st, 0)), c1);
    th_free(h);
}

T_MAIN()
