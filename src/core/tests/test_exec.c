/* test_exec.c - execve: de_thread, pid takeover, the signal state after exec (§13) (core-B). */
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

TEST(exec_single_thread_resets_and_keeps)
{
    /* §25 row 17: pending, blocked and SIG_IGN kept; caught handlers reset */
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_handler(h, a, SIGUSR1, TH_H, TGS_SA_RESTART | TGS_SA_SIGINFO, TGS_SIGMASK(SIGHUP));
    th_handler(h, a, SIGUSR2, TGS_SIG_IGN, TGS_SA_RESTART, 0);
    th_block(h, a, TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGTERM));
    th_sys(h, a, tgs_tkill(h->w, a, a, SIGUSR1));
    th_sys(h, a, tgs_kill(h->w, a, a, SIGTERM));
    tgs_stack ss = { .ss_sp = 0x20000, .ss_flags = 0, .ss_size = 16384 };
    th_sys(h, a, tgs_sigaltstack(h->w, a, &ss, NULL));
    uint64_t id = T(h, a)->self_exec_id;
    th_clear_log(h);
    CHECK_EQ(th_sys(h, a, tgs_exec(h->w, a)), 0);
    CHECK_EQ(h->ret[a], 0);
    CHECK_STR(th_status(h, a, "SigCgt"), "0000000000000000");
    CHECK_STR(th_status(h, a, "SigIgn"), "0000000000000800");
    CHECK_STR(th_status(h, a, "SigBlk"), "0000000000004200");
    CHECK_STR(th_status(h, a, "SigPnd"), "0000000000000200");
    CHECK_STR(th_status(h, a, "ShdPnd"), "0000000000004000");
    struct k_sigaction *k = T(h, a)->sighand->action;
    CHECK_EQ(k[SIGUSR1 - 1].flags, 0);
    CHECK_EQ(k[SIGUSR1 - 1].mask, 0);
    CHECK_EQ(k[SIGUSR2 - 1].flags, 0);
    CHECK_EQ(T(h, a)->sas_ss_size, 0);
    CHECK_EQ(T(h, a)->self_exec_id, id + 1);
    const tgs_event *e = th_ev(h, TGS_EV_EXEC, 0);
    CHECK(e && e->tid == a && e->value == a);
    th_free(h);
}

TEST(exec_from_leader_kills_other_threads)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[4];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 4, tids);
    th_handler(h, c, SIGUSR1, TH_H + 1, 0, 0);
    th_sys(h, tids[2], tgs_pause(h->w, tids[2]));
    th_clear_log(h);
    int rc = th_sys(h, c, tgs_exec(h->w, c));
    CHECK_EQ(rc, TGS_ASLEEP);                       /* de_thread waits for the others */
    CHECK_EQ(h->result[c], TGS_RUN_USER);
    CHECK_EQ(h->ret[c], 0);
    for (int i = 1; i < 4; i++) { CHECK(T(h, tids[i]) == NULL); CHECK_EQ(h->result[tids[i]], TGS_RUN_DEAD); }
    CHECK_STR(th_status(h, c, "Threads"), "1");
    CHECK_EQ(th_count(h, TGS_EV_EXIT, 0, 0), 3);
    const tgs_event *x = th_ev(h, TGS_EV_EXIT, 0);
    CHECK(x && x->value == 0);                      /* killed by exec: exit code 0 */
    CHECK_EQ(th_count(h, TGS_EV_NOTIFY_PARENT, 0, 0), 0);
    CHECK_EQ(th_count(h, TGS_EV_GROUP_EXIT, 0, 0), 0);
    CHECK_EQ(h->nhandled, 0);
    CHECK(T(h, c)->signal->group_exec_task == NULL);
    CHECK(!(T(h, c)->signal->flags & SIGNAL_GROUP_EXIT));
    CHECK(th_alive(h, c));
    th_free(h);
}

TEST(exec_from_non_leader_takes_leader_pid)
{
    /* §25 row 14 */
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, tids);
    struct task *me = T(h, tids[2]);
    th_clear_log(h);
    th_sys(h, tids[2], tgs_exec(h->w, tids[2]));
    CHECK(T(h, c) == me);                           /* same task, leader's pid */
    CHECK_EQ(me->pid, c);
    CHECK(T(h, tids[2]) == NULL);
    CHECK(T(h, tids[1]) == NULL);
    CHECK_EQ(h->last_up[c].tid, c);                 /* the upcall carries the new tid */
    CHECK_EQ(h->ret[c], 0);
    tgs_task_info i = th_info(h, c);
    CHECK_EQ(i.tid, c);
    CHECK_EQ(i.tgid, c);
    CHECK_EQ(i.ppid, p);
    CHECK_EQ(i.nr_threads, 1);
    CHECK(i.is_leader);
    CHECK_EQ(me->exit_signal, SIGCHLD);
    const tgs_event *e = th_ev(h, TGS_EV_EXEC, 0);
    CHECK(e && e->tid == tids[2] && e->value == c);
    CHECK(T(h, p)->children == me);
    CHECK_EQ(th_count(h, TGS_EV_NOTIFY_PARENT, 0, 0), 0);   /* the old leader goes silently */
    th_sys(h, c, tgs_exit(h->w, c, 5));
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, 0)), c);
    CHECK_HEX(st, 0x500);
    th_free(h);
}

TEST(exec_with_zombie_leader)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 2, tids);
    th_sys(h, c, tgs_exit(h->w, c, 1));
    CHECK_STR(th_status(h, c, "State"), "Z (zombie)");
    CHECK_EQ(th_sys(h, tids[1], tgs_exec(h->w, tids[1])), 0);
    CHECK(th_alive(h, c));
    CHECK_EQ(T(h, c)->signal->nr_threads, 1);
    CHECK_EQ(th_handled_count(h, p, SIGCHLD), 0);     /* the zombie leader is released silently */
    th_free(h);
}

TEST(exec_during_group_exit_is_eagain)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, tids);
    CHECK_EQ(tgs_exit_group(h->w, tids[1], 2), 0);  /* tids[2] is zapped but not yet dead */
    CHECK_EQ(tgs_exec(h->w, c), -EAGAIN);
    th_sys(h, c, -EAGAIN);
    CHECK_EQ(h->result[c], TGS_RUN_DEAD);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, 0)), c);
    CHECK_HEX(st, 0x200);
    th_free(h);
}

TEST(second_exec_while_first_waits_is_eagain)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    th_proc(h, 1, 3, tids);
    CHECK_EQ(tgs_exec(h->w, tids[1]), TGS_ASLEEP);
    CHECK_EQ(tgs_exec(h->w, tids[2]), -EAGAIN);
    th_sys(h, tids[2], -EAGAIN);
    th_sys(h, tids[1], TGS_ASLEEP);
    CHECK_EQ(h->result[tids[0]], TGS_RUN_USER);     /* tids[1] now has the leader's pid */
    CHECK_EQ(T(h, tids[0])->signal->nr_threads, 1);
    th_free(h);
}

TEST(fatal_signal_during_de_thread_wait)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[3];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 3, tids);
    CHECK_EQ(tgs_exec(h->w, tids[1]), TGS_ASLEEP);
    CHECK_EQ(th_info(h, tids[1]).state, TGS_TASK_SLEEPING);
    CHECK_EQ(tgs_kill(h->w, p, c, SIGKILL), 0);
    th_sys(h, p, 0);
    for (int i = 0; i < 3; i++) CHECK_EQ(h->result[tids[i]], TGS_RUN_DEAD);
    int st;
    CHECK_EQ(th_sys(h, p, tgs_wait4(h->w, p, c, &st, 0)), c);
    CHECK_HEX(st, SIGKILL);
    th_free(h);
}

TEST(exec_unshares_sighand_shared_with_process)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = 0;
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    CHECK(th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_SIGHAND, SIGCHLD, &b)) > 0);
    CHECK(T(h, a)->sighand == T(h, b)->sighand);
    CHECK_EQ(th_sys(h, b, tgs_exec(h->w, b)), 0);
    CHECK(T(h, a)->sighand != T(h, b)->sighand);
    CHECK_EQ(T(h, a)->sighand->count, 1);
    CHECK_EQ(T(h, a)->sighand->action[SIGUSR1 - 1].handler, TH_H);   /* the other keeps it */
    CHECK_EQ(T(h, b)->sighand->action[SIGUSR1 - 1].handler, TGS_SIG_DFL);
    th_free(h);
}

TEST(exec_unshare_enomem)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = 0;
    th_handler(h, a, SIGUSR1, TH_H, 0, 0);
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_SIGHAND, SIGCHLD, &b));
    h->w->alloc_fail_at = (int)h->w->alloc_count + 1;
    CHECK_EQ(th_sys(h, b, tgs_exec(h->w, b)), -ENOMEM);
    h->w->alloc_fail_at = 0;
    CHECK(T(h, a)->sighand == T(h, b)->sighand);
    CHECK_EQ(T(h, a)->sighand->action[SIGUSR1 - 1].handler, TH_H);
    th_free(h);
}

TEST(exec_resets_exit_signal)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), b = 0;
    th_sys(h, a, tgs_clone(h->w, a, 0, SIGUSR1, &b));
    CHECK_EQ(T(h, b)->exit_signal, SIGUSR1);
    th_sys(h, b, tgs_exec(h->w, b));
    CHECK_EQ(T(h, b)->exit_signal, SIGCHLD);
    th_free(h);
}

TEST(exec_private_pending_of_killed_threads_lost)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid c = th_proc(h, 1, 2, tids);
    th_block(h, tids[1], TGS_SIGMASK(SIGUSR2));
    th_sys(h, c, tgs_tkill(h->w, c, tids[1], SIGUSR2));
    tgs_ledger l0 = th_ledger(h);
    th_sys(h, c, tgs_exec(h->w, c));
    tgs_ledger l1 = th_ledger(h);
    CHECK_EQ(l1.discarded - l0.discarded, 1);
    CHECK_STR(th_status(h, c, "SigPnd"), "0000000000000000");
    th_free(h);
}

TEST(non_leader_exec_keeps_its_own_pending_under_new_pid)
{
    th_host *h = th_new(NULL);
    tgs_pid tids[2];
    tgs_pid p = mkparent(h), c = th_proc(h, p, 2, tids);
    th_sys(h, c, tgs_setpgid(h->w, c, 0, 0));
    th_block(h, tids[1], TGS_SIGMASK(SIGUSR1));
    th_sys(h, c, tgs_tkill(h->w, c, tids[1], SIGUSR1));
    th_sys(h, tids[1], tgs_exec(h->w, tids[1]));
    CHECK_STR(th_status(h, c, "SigPnd"), "0000000000000200");
    CHECK_STR(th_status(h, c, "SigBlk"), "0000000000000200");
    tgs_task_info i = th_info(h, c);
    CHECK_EQ(i.pgid, c);                            /* pgrp and session kept */
    CHECK_EQ(i.sid, 1);
    CHECK_EQ(i.ppid, p);
    CHECK_EQ(tgs_getpgid(h->w, c), c);
    int n = 0;
    for_each_pgrp_member(h->w, c, q) { CHECK(q == T(h, c)); n++; }
    CHECK_EQ(n, 1);
    th_free(h);
}

TEST(exec_of_container_init_thread_keeps_reaper)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1), ci = 0;
    th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_NEWPID, SIGCHLD, &ci));
    tgs_pid t2 = th_thread(h, ci);
    tgs_pid x = th_fork(h, ci);
    th_sys(h, t2, tgs_exec(h->w, t2));
    struct task *me = T(h, ci);
    CHECK(me != NULL && me->signal->pid_ns->child_reaper == me);
    CHECK(me->signal->flags & SIGNAL_UNKILLABLE);
    CHECK(T(h, x)->real_parent == me);               /* the old leader's children moved to t2 */
    th_free(h);
}

T_MAIN()
