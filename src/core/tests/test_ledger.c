/* test_ledger.c - the signal ledger: every generated signal ends in exactly one bucket, and
 * the invariant checker. */
#include "host.h"
#include "core/internal.h"
#include <errno.h>

TEST(ledger_starts_empty_and_balanced)
{
    th_host *h = th_new(NULL);
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.generated, 0);
    CHECK(tgs_ledger_balanced(h->w));
    char why[128];
    CHECK_EQ(tgs_check(h->w, why, sizeof why), 0);
    CHECK_STR(why, "");
    th_free(h);
}

TEST(ledger_every_bucket)
{
    th_host *h = th_new(NULL);
    tgs_pid sh = th_fork(h, 1), app = th_fork(h, sh);
    tgs_set_rlimit_sigpending(h->w, app, 2);
    th_handler(h, app, SIGUSR1, TH_H, 0, 0);
    th_handler(h, app, SIGHUP, TGS_SIG_IGN, 0, 0);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));         /* delivered */
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGHUP));          /* ignored */
    th_block(h, app, TGS_SIGMASK(SIGUSR2) | TGS_SIGMASK(40) | TGS_SIGMASK(SIGCONT) | TGS_SIGMASK(SIGTSTP));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR2));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR2));         /* coalesced */
    tgs_siginfo q = { .si_code = TGS_SI_QUEUE };
    th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, 40, &q));
    th_sys(h, app, tgs_rt_sigqueueinfo(h->w, app, app, 40, &q));   /* overflowed */
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGCONT));
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTSTP));         /* flushes SIGCONT */
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.generated, 8);
    CHECK_EQ(l.delivered, 1);
    CHECK_EQ(l.ignored, 1);
    CHECK_EQ(l.coalesced, 1);
    CHECK_EQ(l.overflowed, 1);
    CHECK_EQ(l.flushed, 1);
    CHECK_EQ(l.pending, 3);                                  /* USR2, 40, TSTP */
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGKILL));
    l = th_ledger(h);
    CHECK_EQ(l.delivered, 2);                                /* SIGKILL */
    int st;
    th_sys(h, sh, tgs_wait4(h->w, sh, app, &st, 0));
    l = th_ledger(h);
    CHECK_EQ(l.pending, 0);
    CHECK_EQ(l.discarded, 3);
    CHECK(tgs_ledger_balanced(h->w));
    th_free(h);
}

TEST(ledger_group_exit_fast_path_counts_cause_delivered)
{
    th_host *h = th_new(NULL);
    tgs_pid t[3];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 3, t);
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGTERM));
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.delivered, 1);                                /* zap SIGKILLs are not generated */
    CHECK_EQ(l.generated, 2);                                /* SIGTERM + SIGCHLD to the shell */
    CHECK_EQ(l.pending + l.ignored, 1);
    th_free(h);
}

TEST(ledger_private_signals_discarded_with_thread)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_block(h, t[1], TGS_SIGMASK(SIGTERM) | TGS_SIGMASK(40));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGTERM));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], 40));
    th_sys(h, t[1], tgs_exit(h->w, t[1], 0));
    tgs_ledger l = th_ledger(h);
    CHECK_EQ(l.discarded, 2);
    CHECK_EQ(l.pending, 0);
    CHECK(th_alive(h, app));
    th_free(h);
}

TEST(ledger_exec_discards_killed_threads_private)
{
    th_host *h = th_new(NULL);
    tgs_pid t[2];
    tgs_pid app = th_proc(h, 1, 2, t);
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));
    th_sys(h, app, tgs_tkill(h->w, app, t[1], SIGUSR1));
    th_sys(h, app, tgs_exec(h->w, app));
    CHECK_EQ(th_ledger(h).discarded, 1);
    CHECK(tgs_ledger_balanced(h->w));
    th_free(h);
}

TEST(ledger_many_rt_signals_balance_after_drain)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, ~0ULL);
    for (int s = 32; s <= 64; s++)
        for (int k = 0; k < 3; k++) th_sys(h, app, tgs_kill(h->w, app, app, s));
    CHECK_EQ(th_ledger(h).pending, 99);
    tgs_siginfo si;
    int n = 0;
    while (th_sys(h, app, tgs_sigtimedwait(h->w, app, ~0ULL, &si, 0, 8)) > 0) n++;
    CHECK_EQ(n, 99);
    CHECK_EQ(th_ledger(h).delivered, 99);
    CHECK_EQ(th_info(h, app).sigq, 0);
    th_free(h);
}

TEST(pool_reuses_sigqueue_entries)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(40));
    tgs_siginfo si;
    th_sys(h, app, tgs_kill(h->w, app, app, 40));
    th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(40), &si, 0, 8));
    long before = h->nalloc;
    for (int i = 0; i < 50; i++) {
        th_sys(h, app, tgs_kill(h->w, app, app, 40));
        th_sys(h, app, tgs_sigtimedwait(h->w, app, TGS_SIGMASK(40), &si, 0, 8));
    }
    CHECK_EQ(h->nalloc, before);
    th_free(h);
}

TEST(broadcast_kill_stop_cont_allocate_nothing)
{
    th_host *h = th_new(NULL);
    tgs_pid t[4];
    tgs_pid sh = th_fork(h, 1), app = th_proc(h, sh, 4, t);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    th_block(h, t[1], TGS_SIGMASK(SIGUSR1));                 /* warm the sigqueue pool */
    th_sys(h, sh, tgs_kill(h->w, sh, app, SIGUSR1));
    tgs_siginfo si;
    th_sys(h, t[1], tgs_sigtimedwait(h->w, t[1], TGS_SIGMASK(SIGUSR1), &si, 0, 8));
    long before = h->nalloc;
    tgs_kill(h->w, sh, app, SIGSTOP);
    tgs_kill(h->w, sh, app, SIGCONT);
    tgs_kill(h->w, sh, app, SIGKILL);
    CHECK_EQ(h->nalloc, before);
    th_sys(h, sh, 0);
    th_free(h);
}

TEST(alloc_failure_everywhere_keeps_invariants)
{
    for (int n = 1; n <= 6; n++) {
        th_host *h = th_new(NULL);
        tgs_pid app = th_fork(h, 1), s = th_fork(h, 1);
        th_block(h, app, TGS_SIGMASK(40) | TGS_SIGMASK(SIGUSR1));
        h->fail_at = n;
        tgs_siginfo q = { .si_code = TGS_SI_QUEUE };
        for (int i = 0; i < 3; i++) {
            int r = th_sys(h, s, tgs_rt_sigqueueinfo(h->w, s, app, 40, &q));
            CHECK(r == 0 || r == -EAGAIN);
            CHECK_EQ(th_sys(h, s, tgs_kill(h->w, s, app, SIGUSR1)), 0);
        }
        th_free(h);
    }
}

TEST(checker_detects_broken_state)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    struct tgs_world *w = h->w;
    struct task *t = find_task_by_pid(w, app);
    char why[160];
    t->blocked |= sigmask(SIGKILL);
    CHECK_EQ(tgs_check(w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "blocks SIGKILL");
    t->blocked = 0;
    t->signal->flags |= SIGNAL_GROUP_EXIT;
    CHECK_EQ(tgs_check(w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "no SIGKILL pending");
    t->signal->flags = 0;
    t->signal->group_stop_count = 5;
    CHECK_EQ(tgs_check(w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "group_stop_count");
    t->signal->group_stop_count = 0;
    w->ledger.generated++;
    CHECK_EQ(tgs_check(w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "ledger");
    w->ledger.generated--;
    t->sighand->action[SIGSTOP - 1].handler = TH_H;
    CHECK_EQ(tgs_check(w, why, sizeof why), -1);
    t->sighand->action[SIGSTOP - 1].handler = 0;
    CHECK_EQ(tgs_check(w, why, sizeof why), 0);
    th_free(h);
}

TEST(checker_detects_queue_and_user_mismatch)
{
    th_host *h = th_new(NULL);
    tgs_pid app = th_fork(h, 1);
    th_block(h, app, TGS_SIGMASK(40));
    th_sys(h, app, tgs_kill(h->w, app, app, 40));
    struct task *t = find_task_by_pid(h->w, app);
    char why[160];
    t->signal->shared_pending.signal = 0;
    CHECK_EQ(tgs_check(h->w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "without its bit");
    t->signal->shared_pending.signal = sigmask(40);
    h->w->user_tab[t->signal->shared_pending.head->user - 1]->sigpending++;
    CHECK_EQ(tgs_check(h->w, why, sizeof why), -1);
    CHECK_CONTAINS(why, "sigpending count");
    h->w->user_tab[t->signal->shared_pending.head->user - 1]->sigpending--;
    CHECK_EQ(tgs_check(h->w, why, sizeof why), 0);
    th_free(h);
}

T_MAIN()
