/* test_fork_window.c - signals that arrive while copy_process runs (tgs_clone_begin/finish):
 * process-group signals reach the child, others do not, a fatal one aborts the fork. */
#include "t.h"
#include "host.h"
#include "core/internal.h"
#include <errno.h>


/* shell (own pgrp) -> app (own pgrp, SIGUSR1/SIGUSR2/SIGTERM blocked so pending bits stay) */
static tgs_pid app_in_own_group(th_host *h, tgs_pid *shell)
{
    *shell = th_fork(h, 1);
    tgs_pid app = th_fork(h, *shell);
    th_sys(h, app, tgs_setpgid(h->w, app, 0, 0));
    th_block(h, app, sigmask(SIGUSR1) | sigmask(SIGUSR2) | sigmask(SIGTERM));
    return app;
}

TEST(pgrp_signal_during_fork_reaches_child)
{
    th_host *h = th_new(NULL);
    tgs_pid shell, app = app_in_own_group(h, &shell), child = 0;
    CHECK_EQ(th_sys(h, app, tgs_clone_begin(h->w, app, 0, SIGCHLD)), 0);
    th_sys(h, shell, tgs_kill(h->w, shell, -app, SIGUSR1));     /* process group: delayed */
    th_sys(h, shell, tgs_kill(h->w, shell, app, SIGUSR2));      /* the process only: not */
    int r = th_sys(h, app, tgs_clone_finish(h->w, app, &child));
    CHECK(child > 0);
    CHECK_EQ(r, child);
    CHECK_STR(th_status(h, app, "ShdPnd"), "0000000000000a00");
    CHECK_STR(th_status(h, child, "ShdPnd"), "0000000000000200");
    CHECK_STR(th_status(h, child, "SigBlk"), "0000000000004a00");
    /* the child's copy has no siginfo: it dequeues as SI_USER from pid 0 */
    tgs_siginfo si;
    CHECK_EQ(th_sys(h, child, tgs_sigtimedwait(h->w, child, sigmask(SIGUSR1), &si, 0, sizeof(tgs_sigset))), SIGUSR1);
    CHECK_EQ(si.si_code, TGS_SI_USER);
    CHECK_EQ(si.si_pid, 0);
    th_free(h);
}

TEST(stop_and_cont_cancel_each_other_in_the_window)
{
    th_host *h = th_new(NULL);
    tgs_pid shell, app = app_in_own_group(h, &shell), child = 0;
    th_block(h, app, sigmask(SIGTSTP) | sigmask(SIGCONT));
    CHECK_EQ(th_sys(h, app, tgs_clone_begin(h->w, app, 0, SIGCHLD)), 0);
    th_sys(h, shell, tgs_kill(h->w, shell, -app, SIGCONT));
    th_sys(h, shell, tgs_kill(h->w, shell, -app, SIGTSTP));     /* drops the delayed SIGCONT */
    th_sys(h, app, tgs_clone_finish(h->w, app, &child));
    CHECK_STR(th_status(h, child, "ShdPnd"), "0000000000080000");   /* SIGTSTP only */
    th_free(h);
}

TEST(fatal_signal_in_the_window_aborts_the_fork)
{
    th_host *h = th_new(NULL);
    tgs_pid shell, app = app_in_own_group(h, &shell), child = 0;
    CHECK_EQ(th_sys(h, app, tgs_clone_begin(h->w, app, 0, SIGCHLD)), 0);
    CHECK_EQ(tgs_run(h->w, app, NULL), -EBUSY);                 /* inside the syscall */
    CHECK_EQ(tgs_kill(h->w, app, app, SIGUSR1), -EBUSY);
    th_sys(h, shell, tgs_kill(h->w, shell, -app, SIGKILL));
    CHECK_EQ(th_sys(h, app, tgs_clone_finish(h->w, app, &child)), -EINTR);
    CHECK_EQ(child, 0);
    CHECK(!th_alive(h, app));
    CHECK_EQ(tgs_clone_finish(h->w, shell, &child), -EINVAL);  /* no window open */
    th_free(h);
}

TEST(pending_signal_at_begin_restarts_the_fork)
{
    th_host *h = th_new(NULL);
    tgs_pid shell, app = app_in_own_group(h, &shell);
    tgs_pid t = th_thread(h, app);
    th_handler(h, app, SIGHUP, TH_H, 0, 0);
    th_block(h, t, sigmask(SIGHUP));
    CHECK_EQ(tgs_kill(h->w, shell, app, SIGHUP), 0);            /* pending, app not yet run */
    CHECK_EQ(tgs_clone_begin(h->w, app, 0, SIGCHLD), -TGS_ERESTARTNOINTR);
    th_sys(h, app, 0);                                          /* handler, then the restart */
    CHECK_EQ(th_handled_count(h, app, SIGHUP), 1);
    CHECK(h->ret[app] > 0);                                     /* the restarted fork's child */
    CHECK_EQ(th_info(h, (tgs_pid)h->ret[app]).ppid, app);
    th_free(h);
}

TEST(thread_clone_window_collects_nothing)
{
    th_host *h = th_new(NULL);
    tgs_pid shell, app = app_in_own_group(h, &shell), t = 0;
    CHECK_EQ(th_sys(h, app, tgs_clone_begin(h->w, app, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1)), 0);
    th_sys(h, shell, tgs_kill(h->w, shell, -app, SIGUSR1));
    CHECK(th_sys(h, app, tgs_clone_finish(h->w, app, &t)) > 0);
    CHECK_STR(th_status(h, t, "SigPnd"), "0000000000000000");
    CHECK_STR(th_status(h, t, "ShdPnd"), "0000000000000200");   /* the group's one copy */
    th_free(h);
}

T_MAIN()
