/* test_fork.c - copy_process: inheritance rules, flag errors, namespaces, failures (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"
#include <errno.h>

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(fork_child_basics)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_clear_log(h);
    tgs_pid c = th_fork(h, a);
    tgs_task_info i = th_info(h, c);
    CHECK_EQ(i.tgid, c);
    CHECK_EQ(i.ppid, a);
    CHECK_EQ(i.nr_threads, 1);
    CHECK(i.is_leader);
    CHECK_EQ(T(h, c)->exit_signal, SIGCHLD);
    CHECK(T(h, c)->real_parent == T(h, a));
    CHECK(T(h, a)->children == T(h, c));
    const tgs_event *e = th_ev(h, TGS_EV_FORK, 0);
    CHECK(e != NULL);
    if (e) { CHECK_EQ(e->tid, a); CHECK_EQ(e->target, c); CHECK_EQ(e->value, 0); }
    CHECK_EQ(h->ret[a], c);                         /* fork returns the child's pid */
    th_free(h);
}

TEST(thread_joins_group)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_clear_log(h);
    tgs_pid t = th_thread(h, a);
    tgs_pid t2 = th_thread(h, t);                   /* a thread created by a thread */
    CHECK_EQ(th_info(h, t).tgid, a);
    CHECK_EQ(th_info(h, t2).tgid, a);
    CHECK_EQ(th_info(h, a).nr_threads, 3);
    CHECK_EQ(th_info(h, t2).ppid, 1);               /* a thread's parent is the group's parent */
    CHECK_EQ(T(h, t)->exit_signal, -1);
    CHECK(T(h, t)->sighand == T(h, a)->sighand);
    CHECK_EQ(T(h, a)->signal->live, 3);
    CHECK_EQ(T(h, a)->signal->quick_threads, 3);
    CHECK(T(h, a)->signal->thread_head == T(h, a));
    CHECK(T(h, a)->signal->thread_tail == T(h, t2));
    CHECK(T(h, 1)->children == T(h, a));           /* threads are not children */
    CHECK(T(h, a)->sibling_next == NULL);
    const tgs_event *e = th_ev(h, TGS_EV_FORK, 0);
    CHECK(e && e->value == 1);
    th_free(h);
}

TEST(blocked_inherited_pending_not)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_block(h, a, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    th_sys(h, a, tgs_tkill(h->w, a, a, SIGUSR1));
    th_sys(h, a, tgs_kill(h->w, a, a, SIGUSR2));
    CHECK_HEX(th_info(h, a).pending, TGS_SIGMASK(SIGUSR1));
    tgs_pid c = th_fork(h, a);
    tgs_pid t = th_thread(h, a);
    CHECK_HEX(th_info(h, c).blocked, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    CHECK_HEX(th_info(h, t).blocked, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2));
    CHECK_HEX(th_info(h, c).pending, 0);
    CHECK_HEX(th_info(h, c).shared_pending, 0);     /* a new process: empty shared queue */
    CHECK_HEX(th_info(h, t).pending, 0);
    CHECK_HEX(th_info(h, t).shared_pending, TGS_SIGMASK(SIGUSR2));
    th_free(h);
}

TEST(handlers_copied_not_shared)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, TGS_SA_RESTART, TGS_SIGMASK(SIGUSR2));
    tgs_pid c = th_fork(h, a);
    CHECK(T(h, c)->sighand != T(h, a)->sighand);
    CHECK_EQ(T(h, c)->sighand->action[SIGUSR1 - 1].handler, TH_H);
    CHECK_HEX(T(h, c)->sighand->action[SIGUSR1 - 1].mask, TGS_SIGMASK(SIGUSR2));
    th_handler(h, c, SIGUSR1, TGS_SIG_IGN, 0, 0);
    CHECK_EQ(T(h, a)->sighand->action[SIGUSR1 - 1].handler, TH_H);
    th_free(h);
}

TEST(clone_sighand_shares_table)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_SIGHAND, SIGCHLD, &c)) > 0);
    CHECK(T(h, c)->sighand == T(h, a)->sighand);
    CHECK_EQ(T(h, a)->sighand->count, 2);
    CHECK(T(h, c)->signal != T(h, a)->signal);       /* a separate process */
    th_handler(h, c, SIGUSR2, TH_H, 0, 0);
    CHECK_EQ(T(h, a)->sighand->action[SIGUSR2 - 1].handler, TH_H);
    th_free(h);
}

TEST(clone_clear_sighand)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    th_handler(h, a, SIGUSR1, TH_H, TGS_SA_RESTART, TGS_SIGMASK(SIGHUP));
    th_handler(h, a, SIGUSR2, TGS_SIG_IGN, 0, 0);
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_CLEAR_SIGHAND, SIGCHLD, &c)) > 0);
    struct k_sigaction *k = T(h, c)->sighand->action;
    CHECK_EQ(k[SIGUSR1 - 1].handler, TGS_SIG_DFL);
    CHECK_EQ(k[SIGUSR1 - 1].flags, 0);
    CHECK_EQ(k[SIGUSR1 - 1].mask, 0);
    CHECK_EQ(k[SIGUSR2 - 1].handler, TGS_SIG_IGN);  /* SIG_IGN is kept */
    CHECK_EQ(T(h, a)->sighand->action[SIGUSR1 - 1].handler, TH_H);
    th_free(h);
}

TEST(clone_flag_errors)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_CLEAR_SIGHAND | TGS_CLONE_SIGHAND, SIGCHLD, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_CLEAR_SIGHAND | TGS_CLONE_THREAD, -1, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_THREAD | TGS_CLONE_NEWPID, -1, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, 0x1000, SIGCHLD, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, 0, 65, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, 0, -1, &c)), -EINVAL);
    CHECK_EQ(th_sys(h, 1, tgs_clone(h->w, 1, TGS_CLONE_PARENT, SIGCHLD, &c)), -EINVAL);  /* from init */
    CHECK_EQ(c, 0);
    CHECK_EQ(T(h, a)->children, NULL);
    CHECK(th_sys(h, a, tgs_clone(h->w, a, 0, 0, &c)) > 0);       /* exit_signal 0 is allowed */
    CHECK_EQ(T(h, c)->exit_signal, 0);
    th_free(h);
}

TEST(clone_parent_uses_callers_parent)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    tgs_pid b = th_fork(h, a), c = 0;
    CHECK(th_sys(h, b, tgs_clone(h->w, b, TGS_CLONE_PARENT, SIGUSR1, &c)) > 0);
    CHECK_EQ(th_info(h, c).ppid, a);
    CHECK_EQ(T(h, c)->exit_signal, SIGCHLD);        /* the caller's leader's exit_signal */
    CHECK(T(h, b)->children == NULL);
    th_free(h);
}

TEST(altstack_rules)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    tgs_stack ss = { .ss_sp = 0x10000, .ss_flags = 0, .ss_size = 8192 };
    CHECK_EQ(th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL)), 0);
    tgs_pid f = th_fork(h, a);
    CHECK_EQ(T(h, f)->sas_ss_sp, 0x10000);          /* fork inherits */
    CHECK_EQ(T(h, f)->sas_ss_size, 8192);
    tgs_pid t = th_thread(h, a);
    CHECK_EQ(T(h, t)->sas_ss_size, 0);              /* a thread (CLONE_VM) does not */
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_SIGHAND, SIGCHLD, &c)) > 0);
    CHECK_EQ(T(h, c)->sas_ss_size, 0);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_SIGHAND | TGS_CLONE_VFORK, SIGCHLD, &c)), TGS_ASLEEP);
    CHECK_EQ(T(h, c)->sas_ss_size, 8192);           /* CLONE_VFORK keeps it */
    th_sys(h, c, tgs_exit(h->w, c, 0));
    th_free(h);
}

TEST(pdeathsig_reset_and_pgrp_inherited)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    CHECK_EQ(th_sys(h, a, tgs_setsid(h->w, a)), a);
    CHECK_EQ(th_sys(h, a, tgs_prctl_set_pdeathsig(h->w, a, SIGUSR1)), 0);
    tgs_pid c = th_fork(h, a);
    tgs_pid t = th_thread(h, a);
    CHECK_EQ(T(h, c)->pdeath_signal, 0);
    CHECK_EQ(T(h, t)->pdeath_signal, 0);
    CHECK_EQ(th_info(h, c).pgid, a);
    CHECK_EQ(th_info(h, c).sid, a);
    CHECK_EQ(tgs_getpgid(h->w, c), a);
    th_free(h);
}

TEST(newpid_child_is_unkillable_reaper)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &c)) > 0);
    struct task *ct = T(h, c);
    CHECK(ct->signal->flags & SIGNAL_UNKILLABLE);
    CHECK_EQ(ct->signal->pid_ns->level, 1);
    CHECK(ct->signal->pid_ns->child_reaper == ct);
    CHECK(ct->signal->pid_ns->parent == &h->w->root_ns);
    tgs_pid g = th_fork(h, c);
    CHECK(T(h, g)->signal->pid_ns == ct->signal->pid_ns);
    CHECK(!(T(h, g)->signal->flags & SIGNAL_UNKILLABLE));
    CHECK(!(T(h, a)->signal->flags & SIGNAL_UNKILLABLE));
    th_free(h);
}

TEST(fork_restarts_when_signal_pending)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1), c = 0;
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    int rc = tgs_kill(h->w, s, a, SIGUSR1);         /* lands before a enters fork */
    CHECK_EQ(rc, 0);
    th_clear_log(h);
    rc = tgs_fork(h->w, a, &c);
    CHECK_EQ(rc, -TGS_ERESTARTNOINTR);
    CHECK_EQ(c, 0);
    CHECK_EQ(th_count(h, TGS_EV_FORK, 0, 0), 0);
    th_sys(h, a, rc);                               /* handler runs, then fork is redone */
    CHECK_EQ(th_handled_count(h, a, SIGUSR1), 1);
    CHECK_EQ(th_count(h, TGS_EV_FORK, a, 0), 1);
    CHECK(c > 0);
    CHECK_EQ(h->ret[a], c);
    th_free(h);
}

TEST(fork_eagain_when_pid_space_full)
{
    tgs_config cf = { .rlimit_sigpending = 1024, .max_tasks = 3 };
    th_host *h = th_new(&cf);
    tgs_pid a = th_fork(h, 1);
    th_thread(h, a);
    tgs_pid c = 0;
    CHECK_EQ(th_sys(h, a, tgs_fork(h->w, a, &c)), -EAGAIN);
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_THREAD, -1, &c)), -EAGAIN);
    CHECK_EQ(th_info(h, a).nr_threads, 2);
    th_free(h);
}

TEST(fork_enomem_each_allocation_thread_and_process)
{
    for (int flags = 0; flags < 3; flags++) {
        unsigned fl = flags == 0 ? 0 : flags == 1 ? TGS_CLONE_THREAD : TGS_CLONE_NEWPID;
        for (int n = 1; n <= 4; n++) {
            th_host *h = th_new(NULL);
            tgs_pid a = th_fork(h, 1), c = 0;
            struct task *at = T(h, a);
            int shc = at->sighand->count, nt = at->signal->nr_threads;
            h->w->alloc_fail_at = (int)h->w->alloc_count + n;
            int rc = th_sys(h, a, tgs_clone(h->w, a, fl, fl & TGS_CLONE_THREAD ? -1 : SIGCHLD, &c));
            h->w->alloc_fail_at = 0;
            if (rc < 0) {
                CHECK_EQ(rc, -ENOMEM);
                CHECK_EQ(at->sighand->count, shc);
                CHECK_EQ(at->signal->nr_threads, nt);
                CHECK_EQ(tgs_next_task(h->w, a), 0);
            }
            th_free(h);
        }
    }
}

TEST(new_thread_joins_group_stop_J3)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    struct task *cur = T(h, a);
    struct signal_struct *sig = cur->signal;
    struct task t;
    /* a stop in progress: the new thread must stop too and is counted (CONSUME) */
    memset(&t, 0, sizeof t);
    sig->group_stop_count = 1;
    cur->jobctl = SIGTSTP;
    task_join_group_stop(cur, &t);
    CHECK_HEX(t.jobctl, JOBCTL_STOP_PENDING | JOBCTL_STOP_CONSUME | SIGTSTP);
    CHECK_EQ(sig->group_stop_count, 2);
    CHECK_EQ(t.sigpending, 1);
    /* the group already stopped: pending without CONSUME, no count */
    memset(&t, 0, sizeof t);
    sig->group_stop_count = 0;
    sig->flags |= SIGNAL_STOP_STOPPED;
    task_join_group_stop(cur, &t);
    CHECK_HEX(t.jobctl, JOBCTL_STOP_PENDING | SIGTSTP);
    CHECK_EQ(sig->group_stop_count, 0);
    /* no stop: nothing */
    memset(&t, 0, sizeof t);
    sig->flags &= ~SIGNAL_STOP_STOPPED;
    task_join_group_stop(cur, &t);
    CHECK_HEX(t.jobctl, 0);
    cur->jobctl = 0;
    th_free(h);
}

TEST(vfork_parent_waits_for_child_exec)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), c = 0;
    CHECK_EQ(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_VFORK, SIGCHLD, &c)), TGS_ASLEEP);
    CHECK(c > 0);
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    CHECK_STR(th_status(h, a, "State"), "D (disk sleep)");     /* TASK_KILLABLE */
    CHECK(T(h, c)->vfork_parent == T(h, a));
    th_sys(h, c, tgs_exec(h->w, c));
    CHECK_EQ(h->result[a], TGS_RUN_USER);
    CHECK_EQ(h->ret[a], c);
    CHECK(T(h, c)->vfork_parent == NULL);
    th_free(h);
}

TEST(vfork_parent_released_by_child_exit_not_by_signals)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1), c = 0;
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_VFORK, SIGCHLD, &c));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGUSR1));
    CHECK_EQ(th_handled_count(h, a, SIGUSR1), 0);  /* a killable sleep: not interrupted */
    CHECK_EQ(h->result[a], TGS_RUN_SLEEP);
    th_sys(h, c, tgs_exit(h->w, c, 0));
    CHECK_EQ(h->ret[a], c);
    CHECK_EQ(th_handled_count(h, a, SIGUSR1), 1);  /* delivered on the way out */
    th_free(h);
}

TEST(vfork_parent_killed_detaches_child)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), s = th_fork(h, 1), c = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_VFORK, SIGCHLD, &c));
    th_sys(h, s, tgs_kill(h->w, s, a, SIGKILL));
    CHECK_EQ(h->result[a], TGS_RUN_DEAD);
    CHECK(T(h, c)->vfork_parent == NULL);
    CHECK(th_alive(h, c));
    CHECK_EQ(th_info(h, c).ppid, 1);
    th_sys(h, c, tgs_exit(h->w, c, 0));
    th_free(h);
}

T_MAIN()
