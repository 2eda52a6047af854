/* test_parse.c - the scenario lexer/parser: every statement and every error path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "scenario/scenario.h"

static sc_file F;
static char E[512];

static int P(const char *text)
{
    return sc_parse("t.tgs", text, strlen(text), &F, E, sizeof E);
}

#define OK(text) do { int _r = P(text); if (_r) printf("  unexpected error: %s\n", E); CHECK_EQ(_r, 0); } while (0)
#define ERR(text, msg) do { CHECK_EQ(P(text), -1); CHECK_STR(E, msg); CHECK_EQ(F.n_procs, 0); \
    CHECK(F.procs == NULL); sc_free(&F); } while (0)

#define W "process app\n  thread main\n  thread wd\nprocess sh\n"

static int th(const char *proc, const char *name)
{
    for (int i = 0; i < F.n_threads; i++)
        if (!strcmp(F.threads[i].name, name) && !strcmp(F.procs[F.threads[i].proc].name, proc)) return i;
    return -99;
}

static sc_action *step(int i) { return &F.steps[i].act; }

/* ---------------- world ---------------- */

TEST(parse_empty_file)
{
    OK("");
    CHECK_EQ(F.n_procs, 0);
    CHECK_EQ(F.cpus, 1);
    CHECK_EQ(F.preempt, SC_PREEMPT_FULL);
    CHECK_STR(F.path, "t.tgs");
    sc_free(&F);
    OK("# only a comment\n\n   \n\t\n");
    sc_free(&F);
}

TEST(parse_machine)
{
    OK("machine cpus=4 preempt=rt\nprocess a\n");
    CHECK_EQ(F.cpus, 4);
    CHECK_EQ(F.preempt, SC_PREEMPT_RT);
    sc_free(&F);
    OK("machine preempt=none\n");
    CHECK_EQ(F.preempt, SC_PREEMPT_NONE);
    CHECK_EQ(F.cpus, 1);
    sc_free(&F);
    OK("machine cpus=0x40\n");
    CHECK_EQ(F.cpus, 64);
    sc_free(&F);
}

TEST(parse_process_defaults)
{
    OK("process app\n");
    CHECK_EQ(F.n_procs, 1);
    CHECK_EQ(F.n_threads, 1);
    sc_proc *p = &F.procs[0];
    CHECK_STR(p->name, "app");
    CHECK_EQ(p->parent, -1);
    CHECK_EQ(p->uid, 0);
    CHECK_EQ(p->cap_kill, 1);
    CHECK_EQ(p->pgrp_of, -1);
    CHECK_EQ(p->sigpending, -1);
    CHECK_EQ(p->pdeathsig, 0);
    CHECK_EQ(p->created_by_step, -1);
    CHECK_EQ(p->first_thread, 0);
    CHECK_EQ(p->loc.line, 1);
    CHECK_EQ(p->loc.col, 9);
    CHECK_STR(F.threads[0].name, "main");
    CHECK_EQ(F.threads[0].proc, 0);
    CHECK_EQ(F.threads[0].policy, SC_POLICY_OTHER);
    CHECK_EQ(F.threads[0].cpu, -1);
    CHECK_EQ(F.threads[0].created_by_step, -1);
    sc_free(&F);
}

TEST(parse_process_options)
{
    OK("process shell session=new subreaper\n"
       "process app parent=shell uid=1000 euid=1000 suid=7 pgrp=shell sigpending=5 pdeathsig=SIGHUP\n"
       "process k kernel\nprocess i init nocapkill pgrp=i\n");
    CHECK_EQ(F.n_procs, 4);
    CHECK_EQ(F.procs[0].new_session, 1);
    CHECK_EQ(F.procs[0].subreaper, 1);
    CHECK_EQ(F.procs[0].cap_kill, 1);
    sc_proc *a = &F.procs[1];
    CHECK_EQ(a->parent, 0);
    CHECK_EQ(a->uid, 1000);
    CHECK_EQ(a->euid, 1000);
    CHECK_EQ(a->suid, 7);
    CHECK_EQ(a->cap_kill, 0);
    CHECK_EQ(a->pgrp_of, 0);
    CHECK_EQ(a->sigpending, 5);
    CHECK_EQ(a->pdeathsig, 1);
    CHECK_EQ(F.procs[2].kernel, 1);
    CHECK_EQ(F.procs[3].is_init, 1);
    CHECK_EQ(F.procs[3].cap_kill, 0);
    CHECK_EQ(F.procs[3].pgrp_of, 3);
    sc_free(&F);
    OK("process a euid=5\n");
    CHECK_EQ(F.procs[0].cap_kill, 0);
    sc_free(&F);
}

TEST(parse_threads)
{
    OK("machine cpus=2\nprocess app\n  thread main policy=fifo prio=10\n\tthread wd policy=rr prio=99 cpu=1\n"
       "  thread net nice=-20\nprocess b\n  thread x nice=19\n");
    CHECK_EQ(F.n_threads, 4);
    CHECK_EQ(F.procs[0].first_thread, 0);
    CHECK_EQ(F.procs[1].first_thread, 3);
    CHECK_STR(F.threads[1].name, "wd");
    CHECK_EQ(F.threads[0].policy, SC_POLICY_FIFO);
    CHECK_EQ(F.threads[0].prio, 10);
    CHECK_EQ(F.threads[1].policy, SC_POLICY_RR);
    CHECK_EQ(F.threads[1].prio, 99);
    CHECK_EQ(F.threads[1].cpu, 1);
    CHECK_EQ(F.threads[2].nice, -20);
    CHECK_EQ(F.threads[2].prio, 0);
    CHECK_EQ(F.threads[3].nice, 19);
    CHECK_EQ(F.threads[3].proc, 1);
    CHECK_EQ(F.threads[1].loc.line, 4);
    CHECK_EQ(F.threads[1].loc.col, 9);
    sc_free(&F);
}

TEST(parse_same_thread_name_in_two_processes)
{
    OK("process a\n  thread t\nprocess b\n  thread t\n");
    CHECK_EQ(th("a", "t"), 0);
    CHECK_EQ(th("b", "t"), 1);
    sc_free(&F);
}

TEST(parse_crlf_and_comments)
{
    OK("process app # a comment\r\n  thread main\r\n# x\r\napp.main: pause\r\n");
    CHECK_EQ(F.n_steps, 1);
    CHECK_EQ(F.n_threads, 1);
    sc_free(&F);
    OK("process app\napp: pause # pause \"quoted # in comment\" \xc3\xa9\n");
    CHECK_EQ(F.n_steps, 1);
    sc_free(&F);
}

TEST(parse_seed003_example)
{
    OK("# seed 003\nmachine cpus=1 preempt=rt\nprocess shell\nprocess app parent=shell\n"
       "  thread main policy=fifo prio=10\n  thread wd   policy=fifo prio=50\n  thread net  policy=fifo prio=30\n\n"
       "app.*: pause\nshell.main: kill app SIGTERM => 0\nsettle\nexpect app killed-by SIGTERM\n"
       "expect app.* delivered SIGKILL\nexpect exit-order app.wd app.net app.main\n");
    CHECK_EQ(F.n_procs, 2);
    CHECK_EQ(F.n_threads, 4);
    CHECK_EQ(F.n_steps, 2);
    CHECK_EQ(F.steps[0].actor_proc, 1);
    CHECK_EQ(F.steps[0].actor_thread, -1);
    CHECK_EQ(step(0)->kind, SC_A_PAUSE);
    CHECK_EQ(F.steps[1].actor_thread, 0);
    CHECK_EQ(step(1)->kind, SC_A_KILL);
    CHECK_EQ(step(1)->target.kind, SC_T_PROC);
    CHECK_EQ(step(1)->target.proc, 1);
    CHECK_EQ(step(1)->sig, 15);
    CHECK_EQ(F.steps[1].expect.kind, SC_R_VALUE);
    CHECK_EQ(F.steps[1].expect.value, 0);
    CHECK_EQ(F.n_expects, 4);
    /* `=> 0` is an expectation of shell.main's result right after its step */
    CHECK_EQ(F.expects[0].after_step, 2);
    CHECK_EQ(F.expects[0].alt[0].kind, SC_C_RESULT);
    CHECK_EQ(F.expects[0].alt[0].proc, 0);
    CHECK_EQ(F.expects[0].alt[0].thread, 0);
    CHECK_EQ(F.expects[0].alt[0].result.kind, SC_R_VALUE);
    CHECK_EQ(F.expects[0].loc.line, 10);
    CHECK_EQ(F.expects[1].after_step, 2);
    CHECK_EQ(F.expects[1].alt[0].kind, SC_C_KILLED_BY);
    CHECK_EQ(F.expects[2].alt[0].thread, -2);
    CHECK_EQ(F.uses_tracefs_only, 1);
    sc_cond *c = &F.expects[3].alt[0];
    CHECK_EQ(c->kind, SC_C_EXIT_ORDER);
    CHECK_EQ(c->list_len, 3);
    CHECK_EQ(c->list[0], 2);
    CHECK_EQ(c->list[1], 3);
    CHECK_EQ(c->list[2], 1);
    sc_free(&F);
}

/* ---------------- steps ---------------- */

TEST(parse_actor_forms)
{
    OK(W "app: pause\napp.wd: pause\napp.*: pause\nsh: pause\n");
    CHECK_EQ(F.steps[0].actor_proc, 0);
    CHECK_EQ(F.steps[0].actor_thread, 0);
    CHECK_EQ(F.steps[1].actor_thread, 1);
    CHECK_EQ(F.steps[2].actor_thread, -1);
    CHECK_EQ(F.steps[3].actor_proc, 1);
    CHECK_EQ(F.steps[3].actor_thread, 2);
    CHECK_EQ(F.steps[1].loc.line, 6);
    CHECK_EQ(F.steps[1].loc.col, 1);
    CHECK_EQ(step(1)->loc.col, 9);
    sc_free(&F);
}

TEST(parse_action_defaults)
{
    OK(W "app: pause\n");
    sc_action *a = step(0);
    CHECK_EQ(a->size, 8);
    CHECK_EQ(a->timeout_ms, -1);
    CHECK_EQ(a->tgid_proc, -1);
    CHECK_EQ(a->pgid_proc, -1);
    CHECK_EQ(a->new_proc, -1);
    CHECK_EQ(a->new_thread, -1);
    CHECK_EQ(a->target.kind, SC_T_NONE);
    CHECK_EQ(a->body_len, 0);
    CHECK(a->body == NULL);
    CHECK_EQ(F.steps[0].expect.kind, SC_R_NONE);
    sc_free(&F);
}

TEST(parse_sigprocmask)
{
    OK(W "app: sigprocmask block SIGUSR1,USR2,34\napp: sigprocmask unblock all\napp: sigprocmask setmask none size=4\n"
       "app: sigprocmask SIGINT how=7 => EINVAL\n");
    CHECK_EQ(step(0)->kind, SC_A_SIGPROCMASK);
    CHECK_EQ(step(0)->how, SC_HOW_BLOCK);
    CHECK_HEX(step(0)->set, (1ull << 9) | (1ull << 11) | (1ull << 33));
    CHECK_EQ(step(1)->how, SC_HOW_UNBLOCK);
    CHECK_HEX(step(1)->set, ~0ull);
    CHECK_EQ(step(2)->how, SC_HOW_SETMASK);
    CHECK_HEX(step(2)->set, 0);
    CHECK_EQ(step(2)->size, 4);
    CHECK_EQ(step(3)->how_raw, 1);
    CHECK_EQ(step(3)->how, 7);
    CHECK_HEX(step(3)->set, 2);
    CHECK_EQ(F.steps[3].expect.kind, SC_R_ERRNO);
    CHECK_EQ(F.steps[3].expect.value, 22);
    sc_free(&F);
}

TEST(parse_sigaction)
{
    OK(W "app: sigaction SIGUSR1 handler flags=SA_RESTART|SIGINFO mask=SIGUSR2 size=16\n"
       "app: sigaction TERM ignore\napp: sigaction 10 default flags=0x4,NODEFER\n"
       "app: sigaction SIGKILL handler => EINVAL\napp: sigaction 99 handler raw\n"
       "app: sigaction CHLD handler flags=NOCLDSTOP,SA_NOCLDWAIT,ONSTACK,RESETHAND\n");
    sc_action *a = step(0);
    CHECK_EQ(a->kind, SC_A_SIGACTION);
    CHECK_EQ(a->sig, 10);
    CHECK_EQ(a->disp, SC_DISP_HANDLER);
    CHECK_HEX(a->sa_flags, 0x10000004ul);
    CHECK_HEX(a->sa_mask, 1ull << 11);
    CHECK_EQ(a->size, 16);
    CHECK_EQ(step(1)->disp, SC_DISP_IGNORE);
    CHECK_EQ(step(1)->sig, 15);
    CHECK_EQ(step(2)->disp, SC_DISP_DEFAULT);
    CHECK_HEX(step(2)->sa_flags, 0x40000004ul);
    CHECK_EQ(step(3)->sig, 9);
    CHECK_EQ(step(4)->sig, 99);
    CHECK_EQ(step(4)->raw, 1);
    CHECK_HEX(step(5)->sa_flags, 0x1ul | 0x2ul | 0x08000000ul | 0x80000000ul);
    sc_free(&F);
}

TEST(parse_handler_body)
{
    OK(W "app: sigaction SIGUSR1 handler flags=SIGINFO do kill sh SIGUSR2; block SIGINT;unblock 2 ; "
       "savedmask add SIGTERM; savedmask del SIGTERM; raise 12; spin; exit_group 3\n");
    sc_action *a = step(0);
    CHECK_EQ(a->body_len, 8);
    CHECK_EQ(a->body[0].kind, SC_A_KILL);
    CHECK_EQ(a->body[0].target.proc, 1);
    CHECK_EQ(a->body[0].sig, 12);
    CHECK_EQ(a->body[1].kind, SC_A_BLOCK);
    CHECK_HEX(a->body[1].set, 2);
    CHECK_EQ(a->body[2].kind, SC_A_UNBLOCK);
    CHECK_EQ(a->body[3].kind, SC_A_SAVEDMASK_ADD);
    CHECK_HEX(a->body[3].set, 1ull << 14);
    CHECK_EQ(a->body[4].kind, SC_A_SAVEDMASK_DEL);
    CHECK_EQ(a->body[5].kind, SC_A_RAISE);
    CHECK_EQ(a->body[6].kind, SC_A_SPIN);
    CHECK_EQ(a->body[7].kind, SC_A_EXIT_GROUP);
    CHECK_EQ(a->body[7].code_exit, 3);
    CHECK_EQ(a->body[1].loc.col, 66);
    CHECK_EQ(a->body_len, 8);
    sc_free(&F);
}

TEST(parse_handler_body_result_belongs_to_step)
{
    OK(W "app: sigaction SIGUSR1 handler do exit 1 => 0\n");
    CHECK_EQ(step(0)->body_len, 1);
    CHECK_EQ(step(0)->body[0].kind, SC_A_EXIT);
    CHECK_EQ(step(0)->body[0].code_exit, 1);
    CHECK_EQ(F.steps[0].expect.kind, SC_R_VALUE);
    sc_free(&F);
}

TEST(parse_kill_targets)
{
    OK(W "app: kill sh SIGTERM\napp: kill sh.main 0\napp: kill pgrp:app HUP\napp: kill 0 INT\napp: kill -1 USR1\n"
       "app: kill pid=12345 TERM => ESRCH\napp: kill sh 65 raw => EINVAL\napp: kill pid=-7 -3 raw\n");
    CHECK_EQ(step(0)->target.kind, SC_T_PROC);
    CHECK_EQ(step(0)->target.proc, 1);
    CHECK_EQ(step(1)->target.kind, SC_T_THREAD);
    CHECK_EQ(step(1)->target.thread, 2);
    CHECK_EQ(step(1)->target.proc, 1);
    CHECK_EQ(step(1)->sig, 0);
    CHECK_EQ(step(2)->target.kind, SC_T_PGRP);
    CHECK_EQ(step(2)->target.proc, 0);
    CHECK_EQ(step(3)->target.kind, SC_T_ZERO);
    CHECK_EQ(step(4)->target.kind, SC_T_ALL);
    CHECK_EQ(step(5)->target.kind, SC_T_RAW);
    CHECK_EQ(step(5)->target.raw, 12345);
    CHECK_EQ(F.steps[5].expect.value, 3);
    CHECK_EQ(step(6)->sig, 65);
    CHECK_EQ(step(6)->raw, 1);
    CHECK_EQ(step(7)->target.raw, -7);
    CHECK_EQ(step(7)->sig, -3);
    sc_free(&F);
}

TEST(parse_thread_sends)
{
    OK(W "sh: tkill app.wd SIGUSR1\nsh: tgkill app.wd SIGUSR2 tgid=sh => ESRCH\nsh: pthread_kill app.main 0\n"
       "sh: raise SIGSTOP\nsh: tkill pid=0 SIGUSR1 => EINVAL\n");
    CHECK_EQ(step(0)->kind, SC_A_TKILL);
    CHECK_EQ(step(0)->target.thread, 1);
    CHECK_EQ(step(1)->kind, SC_A_TGKILL);
    CHECK_EQ(step(1)->tgid_proc, 1);
    CHECK_EQ(step(2)->kind, SC_A_PTHREAD_KILL);
    CHECK_EQ(step(2)->target.thread, 0);
    CHECK_EQ(step(3)->kind, SC_A_RAISE);
    CHECK_EQ(step(3)->sig, 19);
    CHECK_EQ(step(4)->target.kind, SC_T_RAW);
    sc_free(&F);
}

TEST(parse_queue_sends)
{
    OK(W "sh: sigqueue app SIGRTMIN+1 value=42\nsh: rt_sigqueueinfo app.wd 40 code=SI_TKILL value=-5\n"
       "sh: rt_sigqueueinfo app 40 code=-60 => EPERM\nsh: rt_tgsigqueueinfo app.wd SIGRTMAX code=SI_QUEUE tgid=sh\n"
       "sh: pidfd_send_signal app SIGTERM scope=pgrp\nsh: pidfd_send_signal app.wd SIGTERM scope=thread\n"
       "sh: rt_sigqueueinfo app 40 code=0x80\n");
    CHECK_EQ(step(0)->kind, SC_A_SIGQUEUE);
    CHECK_EQ(step(0)->sig, 33);
    CHECK_EQ(step(0)->value, 42);
    CHECK_EQ(step(0)->has_code, 0);
    CHECK_EQ(step(1)->kind, SC_A_RT_SIGQUEUEINFO);
    CHECK_EQ(step(1)->has_code, 1);
    CHECK_EQ(step(1)->code, -6);
    CHECK_EQ(step(1)->value, -5);
    CHECK_EQ(step(1)->target.kind, SC_T_THREAD);
    CHECK_EQ(step(2)->code, -60);
    CHECK_EQ(F.steps[2].expect.value, 1);
    CHECK_EQ(step(3)->kind, SC_A_RT_TGSIGQUEUEINFO);
    CHECK_EQ(step(3)->sig, 64);
    CHECK_EQ(step(3)->code, -1);
    CHECK_EQ(step(3)->tgid_proc, 1);
    CHECK_EQ(step(4)->kind, SC_A_PIDFD_SEND);
    CHECK_EQ(step(4)->scope, SC_SCOPE_PGRP);
    CHECK_EQ(step(5)->scope, SC_SCOPE_THREAD);
    CHECK_EQ(step(5)->target.kind, SC_T_THREAD);
    CHECK_EQ(step(6)->code, 128);
    sc_free(&F);
}

TEST(parse_waiting_actions)
{
    OK(W "app: sigsuspend SIGUSR1 => blocked\napp: sigwaitinfo USR1,USR2 => SIGUSR2\n"
       "app: sigtimedwait all timeout=0 => EAGAIN\napp: sigtimedwait SIGINT\napp: signalfd SIGUSR1 nonblock\n"
       "app: signalfd_read nonblock => SIGUSR1\napp: signalfd_read\napp: read => EINTR\napp: write app.wd => 1\n"
       "app: nanosleep 100\napp: spin\n");
    CHECK_EQ(step(0)->kind, SC_A_SIGSUSPEND);
    CHECK_EQ(F.steps[0].expect.kind, SC_R_BLOCKED);
    CHECK_EQ(step(1)->kind, SC_A_SIGWAITINFO);
    CHECK_EQ(F.steps[1].expect.kind, SC_R_VALUE);
    CHECK_EQ(F.steps[1].expect.value, 12);
    CHECK_EQ(step(2)->timeout_ms, 0);
    CHECK_EQ(F.steps[2].expect.value, 11);
    CHECK_EQ(step(3)->timeout_ms, -1);
    CHECK_EQ(step(4)->kind, SC_A_SIGNALFD);
    CHECK_EQ(step(4)->nonblock, 1);
    CHECK_EQ(step(5)->kind, SC_A_SIGNALFD_READ);
    CHECK_EQ(step(5)->nonblock, 1);
    CHECK_EQ(step(6)->nonblock, 0);
    CHECK_EQ(step(7)->kind, SC_A_READ);
    CHECK_EQ(step(8)->kind, SC_A_WRITE);
    CHECK_EQ(step(8)->target.thread, 1);
    CHECK_EQ(step(9)->kind, SC_A_NANOSLEEP);
    CHECK_EQ(step(9)->timeout_ms, 100);
    CHECK_EQ(step(10)->kind, SC_A_SPIN);
    sc_free(&F);
}

TEST(parse_fault_and_altstack)
{
    OK(W "app: fault SIGSEGV\napp: fault FPE\napp: fault SIGBUS\napp: sigaltstack 65536 autodisarm\n"
       "app: sigaltstack disable\napp: sigaltstack 0 => ENOMEM\n");
    CHECK_EQ(step(0)->kind, SC_A_FAULT);
    CHECK_EQ(step(0)->sig, 11);
    CHECK_EQ(step(1)->sig, 8);
    CHECK_EQ(step(2)->sig, 7);
    CHECK_EQ(step(3)->kind, SC_A_SIGALTSTACK);
    CHECK_EQ(step(3)->ss_size, 65536);
    CHECK_EQ(step(3)->ss_autodisarm, 1);
    CHECK_EQ(step(4)->ss_disable, 1);
    CHECK_EQ(step(5)->ss_size, 0);
    CHECK_EQ(F.steps[5].expect.value, 12);
    sc_free(&F);
}

TEST(parse_fork)
{
    OK("process sh uid=5 sigpending=9\nsh: fork kid pgrp=kid pdeathsig=SIGTERM => 0\nkid: kill sh SIGCHLD\nkid.main: pause\n"
       "expect kid alive\n");
    CHECK_EQ(F.n_procs, 2);
    CHECK_EQ(F.n_threads, 2);
    sc_proc *k = &F.procs[1];
    CHECK_STR(k->name, "kid");
    CHECK_EQ(k->parent, 0);
    CHECK_EQ(k->created_by_step, 0);
    CHECK_EQ(k->first_thread, 1);
    CHECK_EQ(k->uid, 5);
    CHECK_EQ(k->cap_kill, 0);
    CHECK_EQ(k->sigpending, 9);
    CHECK_EQ(k->pgrp_of, 1);
    CHECK_EQ(k->pdeathsig, 15);
    CHECK_STR(F.threads[1].name, "main");
    CHECK_EQ(F.threads[1].proc, 1);
    CHECK_EQ(F.threads[1].created_by_step, 0);
    CHECK_EQ(step(0)->kind, SC_A_FORK);
    CHECK_EQ(step(0)->new_proc, 1);
    CHECK_EQ(step(0)->new_thread, 1);
    CHECK_EQ(F.steps[1].actor_proc, 1);
    CHECK_EQ(F.steps[1].actor_thread, 1);
    sc_free(&F);
}

TEST(parse_clone)
{
    OK("machine cpus=2\nprocess app\n  thread main policy=fifo prio=20 cpu=1\n"
       "app: clone w1\napp: clone w2 policy=other nice=5\napp.w1: clone w3 prio=30 cpu=0\napp.w3: pause\n");
    CHECK_EQ(F.n_threads, 4);
    CHECK_EQ(step(0)->kind, SC_A_CLONE);
    CHECK_EQ(step(0)->new_thread, 1);
    CHECK_EQ(step(0)->new_proc, -1);
    sc_thread *w1 = &F.threads[1], *w2 = &F.threads[2], *w3 = &F.threads[3];
    CHECK_EQ(w1->proc, 0);
    CHECK_EQ(w1->created_by_step, 0);
    CHECK_EQ(w1->policy, SC_POLICY_FIFO);
    CHECK_EQ(w1->prio, 20);
    CHECK_EQ(w1->cpu, 1);
    CHECK_EQ(w2->policy, SC_POLICY_OTHER);
    CHECK_EQ(w2->prio, 0);
    CHECK_EQ(w2->nice, 5);
    CHECK_EQ(w2->created_by_step, 1);
    CHECK_EQ(w3->prio, 30);
    CHECK_EQ(w3->cpu, 0);
    CHECK_EQ(F.steps[3].actor_thread, 3);
    sc_free(&F);
}

TEST(parse_exec_exit_wait)
{
    OK(W "app.wd: exec\napp: exit 3\napp: exit\napp: exit_group 255\nsh: wait app opts=WNOHANG,WUNTRACED|WCONTINUED|__WALL => 0\n"
       "sh: wait -1\nsh: wait pgrp:app\nsh: wait 0 opts=__WCLONE\nsh: waitid app opts=WEXITED,WSTOPPED,WNOWAIT\n"
       "sh: waitid -1 opts=0x4 => ECHILD\nsh: wait pid=99\n");
    CHECK_EQ(step(0)->kind, SC_A_EXEC);
    CHECK_EQ(step(0)->new_thread, -1);
    CHECK_EQ(F.steps[0].actor_thread, 1);
    CHECK_EQ(step(1)->kind, SC_A_EXIT);
    CHECK_EQ(step(1)->code_exit, 3);
    CHECK_EQ(step(2)->code_exit, 0);
    CHECK_EQ(step(3)->code_exit, 255);
    CHECK_EQ(step(4)->kind, SC_A_WAIT);
    CHECK_EQ(step(4)->target.kind, SC_T_PROC);
    CHECK_HEX((unsigned)step(4)->wait_opts, 1u | 2u | 8u | 0x40000000u);
    CHECK_EQ(step(5)->target.kind, SC_T_ALL);
    CHECK_EQ(step(6)->target.kind, SC_T_PGRP);
    CHECK_EQ(step(7)->target.kind, SC_T_ZERO);
    CHECK_HEX((unsigned)step(7)->wait_opts, 0x80000000u);
    CHECK_EQ(step(8)->kind, SC_A_WAITID);
    CHECK_HEX((unsigned)step(8)->wait_opts, 4u | 2u | 0x01000000u);
    CHECK_EQ(F.steps[9].expect.value, 10);
    CHECK_EQ(step(10)->target.raw, 99);
    sc_free(&F);
}

TEST(parse_session_and_prctl)
{
    OK(W "app: setsid => EPERM\napp: setpgid\napp: setpgid sh\napp: prctl pdeathsig SIGKILL\napp: prctl pdeathsig 0\n"
       "app: prctl subreaper\napp: settle\n");
    CHECK_EQ(step(0)->kind, SC_A_SETSID);
    CHECK_EQ(step(1)->kind, SC_A_SETPGID);
    CHECK_EQ(step(1)->pgid_proc, -1);
    CHECK_EQ(step(2)->pgid_proc, 1);
    CHECK_EQ(step(3)->kind, SC_A_PRCTL_PDEATHSIG);
    CHECK_EQ(step(3)->sig, 9);
    CHECK_EQ(step(4)->sig, 0);
    CHECK_EQ(step(5)->kind, SC_A_PRCTL_SUBREAPER);
    CHECK_EQ(step(6)->kind, SC_A_SETTLE);
    sc_free(&F);
}

TEST(parse_results)
{
    OK(W "app: kill sh 0 => 0\napp: kill sh 0 => -1\napp: kill sh 0 => EAGAIN\napp: kill sh 0 => EWOULDBLOCK\n"
       "app: sigwaitinfo USR1 => USR1\napp: pause => blocked\napp: read => ERESTARTSYS\napp: read => 0x10\n");
    CHECK_EQ(F.steps[0].expect.kind, SC_R_VALUE);
    CHECK_EQ(F.steps[1].expect.value, -1);
    CHECK_EQ(F.steps[2].expect.kind, SC_R_ERRNO);
    CHECK_EQ(F.steps[2].expect.value, 11);
    CHECK_EQ(F.steps[3].expect.value, 11);
    CHECK_EQ(F.steps[4].expect.value, 10);
    CHECK_EQ(F.steps[5].expect.kind, SC_R_BLOCKED);
    CHECK_EQ(F.steps[6].expect.value, 512);
    CHECK_EQ(F.steps[7].expect.value, 16);
    CHECK_EQ(F.steps[2].expect.loc.line, 7);
    CHECK_EQ(F.steps[2].expect.loc.col, 19);
    sc_free(&F);
}

TEST(parse_bare_settle_is_no_step)
{
    OK(W "app: pause\nsettle\nexpect app alive\n");
    CHECK_EQ(F.n_steps, 1);
    CHECK_EQ(F.expects[0].after_step, 1);
    sc_free(&F);
}

/* ---------------- expect / status ---------------- */

TEST(parse_expect_process_conditions)
{
    OK(W "expect app exited 3\nexpect app killed-by SIGTERM\nexpect app dumped SIGQUIT\nexpect app stopped\n"
       "expect app stopped SIGTSTP\nexpect app alive\nexpect app.wd alive\n");
    CHECK_EQ(F.n_expects, 7);
    sc_cond *c = F.expects[0].alt;
    CHECK_EQ(c->kind, SC_C_EXITED);
    CHECK_EQ(c->proc, 0);
    CHECK_EQ(c->thread, -1);
    CHECK_EQ(c->num, 3);
    CHECK_EQ(c->num_set, 1);
    CHECK_EQ(F.expects[1].alt->sig, 15);
    CHECK_EQ(F.expects[2].alt->kind, SC_C_DUMPED);
    CHECK_EQ(F.expects[2].alt->sig, 3);
    CHECK_EQ(F.expects[3].alt->kind, SC_C_STOPPED);
    CHECK_EQ(F.expects[3].alt->sig, 0);
    CHECK_EQ(F.expects[4].alt->sig, 20);
    CHECK_EQ(F.expects[5].alt->kind, SC_C_ALIVE);
    CHECK_EQ(F.expects[5].alt->thread, -1);
    CHECK_EQ(F.expects[6].alt->thread, 1);
    CHECK_EQ(F.expects[0].after_step, 0);
    CHECK_EQ(F.expects[0].loc.line, 5);
    CHECK_EQ(F.uses_tracefs_only, 0);
    sc_free(&F);
}

TEST(parse_expect_thread_conditions)
{
    OK(W "app: pause\nexpect app.wd state S\nexpect app state t\nexpect app.* handled SIGUSR1 times=2\n"
       "expect app.wd handled 10\nexpect app.main not-handled USR2\nexpect app.wd delivered SIGKILL\n"
       "expect app.wd handler-order SIGUSR1 SIGUSR2 SIGRTMIN\nexpect app.wd handler-mask USR1 USR1,USR2\n"
       "expect app.wd handler-code USR1 SI_QUEUE\nexpect app.wd handler-value USR1 -42\n"
       "expect app.wd handler-pid USR1 sh\nexpect app.wd handler-pid USR1 0\n");
    CHECK_EQ(F.expects[0].after_step, 1);
    CHECK_EQ(F.expects[0].alt->kind, SC_C_STATE);
    CHECK_EQ(F.expects[0].alt->state, 'S');
    CHECK_EQ(F.expects[1].alt->thread, 0);
    CHECK_EQ(F.expects[1].alt->state, 't');
    sc_cond *h = F.expects[2].alt;
    CHECK_EQ(h->kind, SC_C_HANDLED);
    CHECK_EQ(h->thread, -2);
    CHECK_EQ(h->num, 2);
    CHECK_EQ(h->num_set, 1);
    CHECK_EQ(F.expects[3].alt->num, -1);
    CHECK_EQ(F.expects[3].alt->num_set, 0);
    CHECK_EQ(F.expects[4].alt->kind, SC_C_NOT_HANDLED);
    CHECK_EQ(F.expects[5].alt->kind, SC_C_DELIVERED);
    CHECK_EQ(F.uses_tracefs_only, 1);
    sc_cond *o = F.expects[6].alt;
    CHECK_EQ(o->list_len, 3);
    CHECK_EQ(o->list[0], 10);
    CHECK_EQ(o->list[2], 32);
    CHECK_HEX(F.expects[7].alt->set, (1ull << 9) | (1ull << 11));
    CHECK_EQ(F.expects[8].alt->num, -1);
    CHECK_EQ(F.expects[8].alt->num_set, 1);
    CHECK_EQ(F.expects[9].alt->num, -42);
    CHECK_EQ(F.expects[10].alt->other_proc, 1);
    CHECK_EQ(F.expects[11].alt->other_proc, -1);
    sc_free(&F);
}

TEST(parse_expect_field_result_waited)
{
    OK(W "expect app.wd field SigPnd 0000000000000200\nexpect app field State \"S (sleeping)\"\n"
       "expect app.wd result EINTR\nexpect app result blocked\nexpect sh waited app exited 0\n"
       "expect sh waited app killed SIGKILL\nexpect sh waited app dumped 11\nexpect sh waited app stopped SIGSTOP\n"
       "expect sh.main waited app continued\n");
    CHECK_EQ(F.expects[0].alt->kind, SC_C_FIELD);
    CHECK_STR(F.expects[0].alt->field, "SigPnd");
    CHECK_STR(F.expects[0].alt->text, "0000000000000200");
    CHECK_STR(F.expects[1].alt->text, "S (sleeping)");
    CHECK_EQ(F.expects[2].alt->result.kind, SC_R_ERRNO);
    CHECK_EQ(F.expects[2].alt->result.value, 4);
    CHECK_EQ(F.expects[3].alt->result.kind, SC_R_BLOCKED);
    sc_cond *w = F.expects[4].alt;
    CHECK_EQ(w->kind, SC_C_WAITED);
    CHECK_EQ(w->thread, 2);
    CHECK_EQ(w->other_proc, 0);
    CHECK_EQ(w->wait_kind, 'e');
    CHECK_EQ(w->num, 0);
    CHECK_EQ(F.expects[5].alt->wait_kind, 'k');
    CHECK_EQ(F.expects[5].alt->sig, 9);
    CHECK_EQ(F.expects[6].alt->wait_kind, 'd');
    CHECK_EQ(F.expects[7].alt->wait_kind, 's');
    CHECK_EQ(F.expects[7].alt->sig, 19);
    CHECK_EQ(F.expects[8].alt->wait_kind, 'c');
    sc_free(&F);
}

TEST(parse_expect_alternatives)
{
    OK(W "expect app.main handled SIGUSR1 or app.wd handled SIGUSR1 or app exited 0\n");
    CHECK_EQ(F.expects[0].n_alt, 3);
    CHECK_EQ(F.expects[0].alt[0].thread, 0);
    CHECK_EQ(F.expects[0].alt[1].thread, 1);
    CHECK_EQ(F.expects[0].alt[2].kind, SC_C_EXITED);
    CHECK_EQ(F.expects[0].alt[1].loc.col, 36);
    sc_free(&F);
}

TEST(parse_exit_order_expands)
{
    OK(W "expect exit-order app.* sh\n");
    sc_cond *c = F.expects[0].alt;
    CHECK_EQ(c->list_len, 3);
    CHECK_EQ(c->list[0], 0);
    CHECK_EQ(c->list[1], 1);
    CHECK_EQ(c->list[2], 2);
    CHECK_EQ(c->proc, -1);
    sc_free(&F);
}

TEST(parse_status)
{
    OK(W "status app.wd\napp: pause\nstatus app.* sh\nstatus app\n");
    CHECK_EQ(F.n_status, 3);
    CHECK_EQ(F.status[0].after_step, 0);
    CHECK_EQ(F.status[0].n, 1);
    CHECK_EQ(F.status[0].threads[0], 1);
    CHECK_EQ(F.status[1].after_step, 1);
    CHECK_EQ(F.status[1].n, 3);
    CHECK_EQ(F.status[1].threads[2], 2);
    CHECK_EQ(F.status[2].n, 1);
    CHECK_EQ(F.status[2].threads[0], 0);
    CHECK_EQ(F.status[1].loc.line, 7);
    sc_free(&F);
}

TEST(parse_cloned_thread_visible_later)
{
    OK("process app\napp: clone w\nexpect app.w alive\nstatus app.*\n");
    CHECK_EQ(F.expects[0].alt->thread, 1);
    CHECK_EQ(F.status[0].n, 2);
    sc_free(&F);
}


TEST(parse_options_anywhere_and_tabs)
{
    OK("process\ta\n\ta:\tkill raw a\t99\n  a: sigtimedwait timeout=5 USR1\n");
    CHECK_EQ(step(0)->sig, 99);
    CHECK_EQ(step(0)->raw, 1);
    CHECK_EQ(step(1)->timeout_ms, 5);
    CHECK_HEX(step(1)->set, 1ull << 9);
    sc_free(&F);
}

TEST(parse_quoted_or_is_a_value)
{
    OK("process a\nexpect a field State \"or\" or a alive\n");
    CHECK_EQ(F.expects[0].n_alt, 2);
    CHECK_STR(F.expects[0].alt[0].text, "or");
    sc_free(&F);
}

TEST(parse_alive_subjects)
{
    OK(W "expect app.* alive\nexpect exit-order app sh\n");
    CHECK_EQ(F.expects[0].alt->thread, -2);
    CHECK_EQ(F.expects[1].alt->list_len, 2);
    CHECK_EQ(F.expects[1].alt->list[0], 0);
    CHECK_EQ(F.expects[1].alt->list[1], 2);
    sc_free(&F);
}

TEST(parse_file_directory)
{
    CHECK_EQ(sc_parse_file("/tmp", &F, E, sizeof E), -1);
    CHECK_CONTAINS(E, "/tmp:1:1: cannot");
    CHECK_EQ(F.n_procs, 0);
}

TEST(parse_many_steps_and_expects)
{
    size_t cap = 64 + 5000 * 40, o = 0;
    char *s = malloc(cap);
    o += (size_t)snprintf(s, cap, "process a\n");
    for (int i = 0; i < 5000; i++) o += (size_t)snprintf(s + o, cap - o, "a: kill a 0 => 0\nexpect a alive\n");
    CHECK_EQ(sc_parse("m.tgs", s, o, &F, E, sizeof E), 0);
    CHECK_EQ(F.n_steps, 5000);
    CHECK_EQ(F.n_expects, 10000);                  /* each `=> 0` is one too */
    CHECK_EQ(F.expects[9999].after_step, 5000);
    CHECK_EQ(F.expects[9998].alt[0].kind, SC_C_RESULT);
    sc_free(&F);
    free(s);
}

/* ---------------- signal names ---------------- */

TEST(names_signals)
{
    CHECK_EQ(sc_sig_from_name("SIGTERM"), 15);
    CHECK_EQ(sc_sig_from_name("TERM"), 15);
    CHECK_EQ(sc_sig_from_name("15"), 15);
    CHECK_EQ(sc_sig_from_name("SIGSTKFLT"), 16);
    CHECK_EQ(sc_sig_from_name("SIGPWR"), 30);
    CHECK_EQ(sc_sig_from_name("SIGSYS"), 31);
    CHECK_EQ(sc_sig_from_name("SIGIO"), 29);
    CHECK_EQ(sc_sig_from_name("SIGPOLL"), 29);
    CHECK_EQ(sc_sig_from_name("SIGIOT"), 6);
    CHECK_EQ(sc_sig_from_name("SIGABRT"), 6);
    CHECK_EQ(sc_sig_from_name("SIGCLD"), 17);
    CHECK_EQ(sc_sig_from_name("SIGRTMIN"), 32);
    CHECK_EQ(sc_sig_from_name("SIGRTMIN+3"), 35);
    CHECK_EQ(sc_sig_from_name("RTMIN+32"), 64);
    CHECK_EQ(sc_sig_from_name("SIGRTMIN+33"), -1);
    CHECK_EQ(sc_sig_from_name("SIGRTMAX"), 64);
    CHECK_EQ(sc_sig_from_name("SIGRTMAX-1"), 63);
    CHECK_EQ(sc_sig_from_name("SIGRTMAX-32"), 32);
    CHECK_EQ(sc_sig_from_name("SIGRTMAX-33"), -1);
    CHECK_EQ(sc_sig_from_name("64"), 64);
    CHECK_EQ(sc_sig_from_name("65"), -1);
    CHECK_EQ(sc_sig_from_name("0"), 0);
    CHECK_EQ(sc_sig_from_name("SIGFOO"), -1);
    CHECK_EQ(sc_sig_from_name("SIG"), -1);
    CHECK_EQ(sc_sig_from_name(""), -1);
    CHECK_EQ(sc_sig_from_name(NULL), -1);
    CHECK_EQ(sc_sig_from_name("sigterm"), -1);
    CHECK_EQ(sc_sig_from_name("SIGRTMIN+"), -1);
}

TEST(names_signame_roundtrip)
{
    CHECK_STR(sc_signame(9), "SIGKILL");
    CHECK_STR(sc_signame(16), "SIGSTKFLT");
    CHECK_STR(sc_signame(29), "SIGIO");
    CHECK_STR(sc_signame(32), "SIGRTMIN");
    CHECK_STR(sc_signame(34), "SIGRTMIN+2");
    CHECK_STR(sc_signame(63), "SIGRTMAX-1");
    CHECK_STR(sc_signame(64), "SIGRTMAX");
    CHECK_STR(sc_signame(0), "SIG?");
    CHECK_STR(sc_signame(65), "SIG?");
    CHECK_STR(sc_signame(-1), "SIG?");
    for (int s = 1; s <= 64; s++) CHECK_EQ(sc_sig_from_name(sc_signame(s)), s);
}

TEST(names_errno_and_actions)
{
    CHECK_STR(sc_errname(1), "EPERM");
    CHECK_STR(sc_errname(3), "ESRCH");
    CHECK_STR(sc_errname(4), "EINTR");
    CHECK_STR(sc_errname(11), "EAGAIN");
    CHECK_STR(sc_errname(22), "EINVAL");
    CHECK_STR(sc_errname(38), "ENOSYS");
    CHECK_STR(sc_errname(512), "ERESTARTSYS");
    CHECK_STR(sc_errname(9999), "E?");
    CHECK_EQ(sc_err_from_name("ECHILD"), 10);
    CHECK_EQ(sc_err_from_name("E2BIG"), 7);
    CHECK_EQ(sc_err_from_name("EFAULT"), 14);
    CHECK_EQ(sc_err_from_name("ENOMEM"), 12);
    CHECK_EQ(sc_err_from_name("EBADF"), 9);
    CHECK_EQ(sc_err_from_name("EIO"), 5);
    CHECK_EQ(sc_err_from_name("EWOULDBLOCK"), 11);
    CHECK_EQ(sc_err_from_name("ENOPE"), -1);
    CHECK_EQ(sc_err_from_name(NULL), -1);
    CHECK_STR(sc_action_name(SC_A_KILL), "kill");
    CHECK_STR(sc_action_name(SC_A_SIGPROCMASK), "sigprocmask");
    CHECK_STR(sc_action_name(SC_A_PIDFD_SEND), "pidfd_send_signal");
    CHECK_STR(sc_action_name(SC_A_SAVEDMASK_ADD), "savedmask add");
    CHECK_STR(sc_action_name(-1), "?");
    CHECK_STR(sc_action_name(SC_A__COUNT), "?");
    for (int k = 0; k < SC_A__COUNT; k++) CHECK(strcmp(sc_action_name(k), "?") != 0);
}

/* ---------------- errors: lexical ---------------- */

TEST(err_nul_byte)
{
    const char text[] = "process a\nproc\0ess b\n";
    CHECK_EQ(sc_parse("t.tgs", text, sizeof text - 1, &F, E, sizeof E), -1);
    CHECK_STR(E, "t.tgs:2:5: NUL byte");
    sc_free(&F);
}

TEST(err_binary_and_non_ascii)
{
    ERR("process a\x01\n", "t.tgs:1:10: binary byte 0x01");
    ERR("process a\rb\n", "t.tgs:1:10: binary byte 0x0d");
    ERR("process \xc3\xa9t\xc3\xa9\n", "t.tgs:1:9: non-ASCII character");
    ERR("# \x7f in a comment\n", "t.tgs:1:3: binary byte 0x7f");
}

TEST(err_line_too_long)
{
    size_t n = 5000;
    char *s = malloc(n + 2);
    memset(s, 'x', n);
    memcpy(s, "# ", 2);
    s[n] = '\n';
    s[n + 1] = 0;
    CHECK_EQ(P(s), -1);
    CHECK_STR(E, "t.tgs:1:4097: line too long (max 4096 characters)");
    sc_free(&F);
    s[4096] = '\n';   /* exactly 4096 characters: fine */
    CHECK_EQ(sc_parse("t.tgs", s, 4097, &F, E, sizeof E), 0);
    sc_free(&F);
    free(s);
}

TEST(err_strings)
{
    ERR("process a\nexpect a.main field State \"S (sl\n", "t.tgs:2:27: unterminated string");
    ERR("process a\nexpect a.main field State \"S\"x\n", "t.tgs:2:30: expected a space after a string");
    ERR("process a\nexpect a.main field St\"ate\" S\n", "t.tgs:2:23: unexpected '\"' inside a word");
    ERR("process \"a\"\n", "t.tgs:1:9: a quoted string is only allowed as a field value");
    ERR("process a\nexpect a \"alive\"\n", "t.tgs:2:10: a quoted string is only allowed as a field value");
}

/* ---------------- errors: world ---------------- */

TEST(err_unknown_statement)
{
    ERR("process a\nfrobnicate a\n", "t.tgs:2:1: unknown statement 'frobnicate'");
    ERR("  bogus\n", "t.tgs:1:3: unknown statement 'bogus'");
    ERR("process a\napp.main : pause\n", "t.tgs:2:1: unknown statement 'app.main'");
}

TEST(err_machine)
{
    ERR("machine cpus=0\n", "t.tgs:1:14: cpus out of range (1..64)");
    ERR("machine cpus=65\n", "t.tgs:1:14: cpus out of range (1..64)");
    ERR("machine cpus=two\n", "t.tgs:1:14: expected a number for cpus, got 'two'");
    ERR("machine cpus=99999999999999999999999\n", "t.tgs:1:14: cpus out of range (1..64)");
    ERR("machine preempt=voluntary\n", "t.tgs:1:17: unknown preempt model 'voluntary' (none, full or rt)");
    ERR("machine cpus=2 cpus=3\n", "t.tgs:1:16: duplicate option 'cpus'");
    ERR("machine fast=1\n", "t.tgs:1:9: unknown option 'fast' for machine");
    ERR("machine turbo\n", "t.tgs:1:9: unexpected 'turbo'");
    ERR("machine cpus\n", "t.tgs:1:9: option 'cpus' needs a value (cpus=...)");
    ERR("machine cpus=\n", "t.tgs:1:14: missing value after 'cpus='");
    ERR("machine\nmachine\n", "t.tgs:2:1: duplicate machine statement");
    ERR("process a\nmachine cpus=2\n", "t.tgs:2:1: machine must come before the first process");
}

TEST(err_process)
{
    ERR("process\n", "t.tgs:1:1: process needs a name");
    ERR("process a\nprocess a\n", "t.tgs:2:9: duplicate process name 'a'");
    ERR("process a parent=b\n", "t.tgs:1:18: unknown process 'b'");
    ERR("process a parent=a\n", "t.tgs:1:18: a process cannot be its own parent");
    ERR("process b\nprocess a pgrp=c\n", "t.tgs:2:16: unknown process 'c'");
    ERR("process a colour=red\n", "t.tgs:1:11: unknown option 'colour' for process");
    ERR("process a init=1\n", "t.tgs:1:11: option 'init' takes no value");
    ERR("process a uid=-1\n", "t.tgs:1:15: uid out of range (0..2147483647)");
    ERR("process a session=old\n", "t.tgs:1:19: unknown session 'old' (only session=new)");
    ERR("process a pdeathsig=SIGNOPE\n", "t.tgs:1:21: unknown signal 'SIGNOPE'");
    ERR("process a pdeathsig=0\n", "t.tgs:1:21: signal out of range (1..64)");
    ERR("process b\nprocess a session=new pgrp=b\n",
        "t.tgs:2:28: pgrp= names another process's group but session=new makes its own");
    ERR("process a\na: pause\nprocess b\n", "t.tgs:3:1: process after the first step (use fork in a step)");
}

TEST(err_names)
{
    ERR("process 9lives\n", "t.tgs:1:9: bad name '9lives' (a letter or '_', then letters, digits, '_' or '-')");
    ERR("process a.b\n", "t.tgs:1:9: bad name 'a.b' (a letter or '_', then letters, digits, '_' or '-')");
    ERR("process do\n", "t.tgs:1:9: 'do' is a reserved word");
    ERR("process abcdefghijklmnopqrstuvwxyz0123456\n", "t.tgs:1:9: name too long (max 31 characters)");
    OK("process abcdefghijklmnopqrstuvwxyz01234\n");
    sc_free(&F);
}

TEST(err_thread)
{
    ERR("  thread t\n", "t.tgs:1:3: thread line without a process");
    ERR("process a\nthread t\n", "t.tgs:2:1: thread line must be indented under its process");
    ERR("process a\n  thread t\n  thread t\n", "t.tgs:3:10: duplicate thread name 't' in process 'a'");
    ERR("process a\nexpect a alive\n  thread t\n", "t.tgs:3:3: thread line without a process");
    ERR("process a\na: pause\n  thread t\n", "t.tgs:3:3: thread after the first step (use clone in a step)");
    ERR("process a\n  thread\n", "t.tgs:2:3: thread needs a name");
    ERR("process a kernel\n  thread x\n  thread y\n", "t.tgs:3:3: a kernel process has only one thread");
}

TEST(err_thread_options)
{
    ERR("process a\n  thread t prio=5\n", "t.tgs:2:17: prio needs policy=fifo or policy=rr");
    ERR("process a\n  thread t policy=fifo\n", "t.tgs:2:19: policy=fifo needs prio=1..99");
    ERR("process a\n  thread t policy=rr prio=0\n", "t.tgs:2:27: prio out of range (1..99)");
    ERR("process a\n  thread t policy=fifo prio=100\n", "t.tgs:2:29: prio out of range (1..99)");
    ERR("process a\n  thread t policy=deadline\n", "t.tgs:2:19: unknown policy 'deadline' (other, fifo or rr)");
    ERR("process a\n  thread t nice=20\n", "t.tgs:2:17: nice out of range (-20..19)");
    ERR("process a\n  thread t nice=-21\n", "t.tgs:2:17: nice out of range (-20..19)");
    ERR("process a\n  thread t cpu=1\n", "t.tgs:2:16: cpu out of range (0..0)");
    ERR("machine cpus=4\nprocess a\n  thread t cpu=4\n", "t.tgs:3:16: cpu out of range (0..3)");
}

TEST(err_too_many_threads)
{
    size_t cap = 20 + 100001 * 18, o = 0;
    char *s = malloc(cap);
    o += (size_t)snprintf(s, cap, "process a\n");
    for (int i = 0; i <= 100000; i++) o += (size_t)snprintf(s + o, cap - o, "  thread t%d\n", i);
    CHECK_EQ(sc_parse("big.tgs", s, o, &F, E, sizeof E), -1);
    CHECK_STR(E, "big.tgs:100002:10: too many threads (max 100000)");
    sc_free(&F);
    /* exactly 100000 is fine */
    o -= strlen("  thread t100000\n");
    CHECK_EQ(sc_parse("big.tgs", s, o, &F, E, sizeof E), 0);
    CHECK_EQ(F.n_threads, 100000);
    sc_free(&F);
    free(s);
}

/* ---------------- errors: steps ---------------- */

TEST(err_step_structure)
{
    ERR("a: pause\n", "t.tgs:1:1: step before any process");
    ERR("process a\n: pause\n", "t.tgs:2:1: missing actor before ':'");
    ERR("process a\na:\n", "t.tgs:2:3: missing action after ':'");
    ERR("process a\nb: pause\n", "t.tgs:2:1: unknown process 'b'");
    ERR("process a\na.x: pause\n", "t.tgs:2:3: unknown thread 'x' in process 'a'");
    ERR("process a\na.: pause\n", "t.tgs:2:3: missing thread name after '.'");
    ERR("process a\na: dance\n", "t.tgs:2:4: unknown action 'dance'");
    ERR("process a\na: pause =>\n", "t.tgs:2:10: missing result after =>");
    ERR("process a\na: pause => 0 1\n", "t.tgs:2:15: unexpected '1' after the result");
    ERR("process a\na: => 0\n", "t.tgs:2:4: missing action after ':'");
    ERR("process a\na: pause => maybe\n", "t.tgs:2:13: bad result 'maybe' (a number, an errno name, a signal or blocked)");
    ERR("process a\na: pause now\n", "t.tgs:2:10: unexpected 'now'");
    ERR("process a\na: pause => 99999999999999999999\n", "t.tgs:2:13: result out of range");
}

TEST(err_name_used_before_it_exists)
{
    ERR("process a\na: kill b SIGTERM\na: fork b\n", "t.tgs:2:9: unknown process 'b'");
    ERR("process a\nexpect a.w alive\na: clone w\n", "t.tgs:2:10: unknown thread 'w' in process 'a'");
    ERR("process a\na: fork b\na: fork b\n", "t.tgs:3:9: duplicate process name 'b'");
    ERR("process a\na: clone w\na: clone w\n", "t.tgs:3:10: duplicate thread name 'w' in process 'a'");
    ERR("process a\na: clone main\n", "t.tgs:2:10: duplicate thread name 'main' in process 'a'");
}

TEST(err_signals)
{
    ERR("process a\na: kill a SIGFOO\n", "t.tgs:2:11: unknown signal 'SIGFOO'");
    ERR("process a\na: kill a 65\n", "t.tgs:2:11: signal out of range (0..64); add raw to send it anyway");
    ERR("process a\na: kill a -1\n", "t.tgs:2:11: signal out of range (0..64); add raw to send it anyway");
    ERR("process a\na: sigaction 0 handler\n", "t.tgs:2:14: signal out of range (1..64)");
    ERR("process a\na: kill a SIGRTMIN+33\n", "t.tgs:2:11: unknown signal 'SIGRTMIN+33'");
    ERR("process a\na: kill a 1x\n", "t.tgs:2:11: unknown signal '1x'");
    ERR("process a\na: kill a 99999999999 raw\n", "t.tgs:2:11: signal out of range (int)");
    ERR("process a\na: sigprocmask block USR1,,USR2\n", "t.tgs:2:27: empty signal in set");
    ERR("process a\na: sigprocmask block USR1,0\n", "t.tgs:2:27: signal out of range (1..64)");
    ERR("process a\na: sigprocmask block USR1,\n", "t.tgs:2:27: empty signal in set");
    ERR("process a\na: pause\nexpect a killed-by 0\n", "t.tgs:3:20: signal out of range (1..64)");
}

TEST(err_sigprocmask)
{
    ERR("process a\na: sigprocmask SIGINT\n", "t.tgs:2:4: sigprocmask needs block, unblock or setmask (or how=N)");
    ERR("process a\na: sigprocmask block\n", "t.tgs:2:4: sigprocmask needs a signal set");
    ERR("process a\na: sigprocmask block INT how=1\n", "t.tgs:2:4: how= cannot be combined with block, unblock or setmask");
    ERR("process a\na: sigprocmask block INT size=-1\n", "t.tgs:2:31: size out of range (0..2147483647)");
    ERR("process a\na: sigprocmask block INT timeout=5\n", "t.tgs:2:26: sigprocmask does not take option 'timeout'");
    ERR("process a\na: sigprocmask block INT sizee=5\n", "t.tgs:2:26: unknown option 'sizee' for sigprocmask");
    ERR("process a\na: sigprocmask block INT INT\n", "t.tgs:2:26: unexpected 'INT'");
}

TEST(err_sigaction)
{
    ERR("process a\na: sigaction SIGUSR1\n", "t.tgs:2:4: sigaction needs handler, ignore or default");
    ERR("process a\na: sigaction SIGUSR1 catch\n", "t.tgs:2:22: expected handler, ignore or default, got 'catch'");
    ERR("process a\na: sigaction SIGUSR1 handler flags=SA_BOGUS\n", "t.tgs:2:36: unknown flag 'SA_BOGUS'");
    ERR("process a\na: sigaction SIGUSR1 handler flags=RESTART||SIGINFO\n", "t.tgs:2:44: empty flag");
    ERR("process a\na: sigaction SIGUSR1 handler flags=0x100000000\n", "t.tgs:2:36: flag out of range (0..4294967295)");
    ERR("process a\na: sigaction SIGUSR1 handler mask=USR9\n", "t.tgs:2:35: unknown signal 'USR9'");
    ERR("process a\na: sigaction SIGUSR1 ignore do exit 1\n", "t.tgs:2:29: 'do' needs handler, not ignore");
    ERR("process a\na: sigaction SIGUSR1 default do exit 1\n", "t.tgs:2:30: 'do' needs handler, not default");
    ERR("process a\na: kill a SIGUSR1 do exit 1\n", "t.tgs:2:19: 'do' only follows sigaction SIG handler");
    ERR("process a\na: sigaction SIGUSR1 handler do\n", "t.tgs:2:30: empty handler body after 'do'");
}

TEST(err_handler_body)
{
    ERR("process a\na: sigaction USR1 handler do exit 1;; exit 2\n", "t.tgs:2:37: empty action in handler body");
    ERR("process a\na: sigaction USR1 handler do exit 1;\n", "t.tgs:2:37: empty action in handler body");
    ERR("process a\na: sigaction USR1 handler do pause\n", "t.tgs:2:30: pause is not allowed in a handler body");
    ERR("process a\na: sigaction USR1 handler do fork b\n", "t.tgs:2:30: fork is not allowed in a handler body");
    ERR("process a\na: sigaction USR1 handler do sigaction USR2 handler\n",
        "t.tgs:2:30: sigaction is not allowed in a handler body");
    ERR("process a\na: block USR1\n", "t.tgs:2:4: block is only allowed in a handler body (use sigprocmask in a step)");
    ERR("process a\na: sigaction USR1 handler do savedmask USR2\n", "t.tgs:2:40: savedmask needs add or del");
    ERR("process a\na: sigaction USR1 handler do kill b USR2\n", "t.tgs:2:35: unknown process 'b'");
    ERR("process a\na: sigaction USR1 handler do spin; spin; spin; spin; spin; spin; spin; spin; spin\n",
        "t.tgs:2:78: handler body too long (max 8 actions)");
}

TEST(err_targets)
{
    ERR("process a\na: tkill a SIGUSR1\n", "t.tgs:2:10: tkill cannot target 'a' (use PROC.THREAD, pid=N)");
    ERR("process a\na: tgkill pgrp:a SIGUSR1\n", "t.tgs:2:11: tgkill cannot target 'pgrp:a' (use PROC.THREAD, pid=N)");
    ERR("process a\na: kill a.* SIGUSR1\n", "t.tgs:2:11: 'a.*' is not allowed here (name one thread)");
    ERR("process a\na: kill pgrp:z SIGUSR1\n", "t.tgs:2:14: unknown process 'z'");
    ERR("process a\na: kill 5 SIGUSR1\n", "t.tgs:2:9: bad target '5' (write pid=N for a raw pid)");
    ERR("process a\na: kill pid=x SIGUSR1\n", "t.tgs:2:13: expected a number for pid, got 'x'");
    ERR("process a\na: waitid 0\n", "t.tgs:2:11: waitid cannot target '0' (use PROC, pgrp:PROC, -1, pid=N)");
    ERR("process a\na: pidfd_send_signal -1 TERM\n", "t.tgs:2:22: pidfd_send_signal cannot target '-1' (use PROC, PROC.THREAD)");
    ERR("process a\na: kill\n", "t.tgs:2:4: kill needs a target");
    ERR("process a\na: kill a\n", "t.tgs:2:4: kill needs a signal");
    ERR("process a\na: write a\n", "t.tgs:2:10: write cannot target 'a' (use PROC.THREAD)");
    ERR("process a\na: tgkill a.main USR1 tgid=q\n", "t.tgs:2:28: unknown process 'q'");
}

TEST(err_step_values)
{
    ERR("process a\na: nanosleep -5\n", "t.tgs:2:14: duration out of range (0..2147483647)");
    ERR("process a\na: exit 256\n", "t.tgs:2:9: exit code out of range (0..255)");
    ERR("process a\na: sigaltstack big\n", "t.tgs:2:16: expected a number for sigaltstack size, got 'big'");
    ERR("process a\na: fault SIGTERM\n", "t.tgs:2:10: fault needs SIGSEGV, SIGFPE, SIGILL, SIGTRAP or SIGBUS");
    ERR("process a\na: wait -1 opts=WSOMETIMES\n", "t.tgs:2:17: unknown wait option 'WSOMETIMES'");
    ERR("process a\na: sigtimedwait all timeout=-1\n", "t.tgs:2:29: timeout out of range (0..2147483647)");
    ERR("process a\na: pidfd_send_signal a TERM scope=world\n", "t.tgs:2:35: unknown scope 'world' (thread, group or pgrp)");
    ERR("process a\na: rt_sigqueueinfo a 40 code=SI_BOGUS\n", "t.tgs:2:30: unknown si_code 'SI_BOGUS'");
    ERR("process a\na: prctl\n", "t.tgs:2:4: prctl needs pdeathsig or subreaper");
    ERR("process a\na: prctl dumpable\n", "t.tgs:2:10: prctl needs pdeathsig or subreaper");
    ERR("process a\na: setpgid zz\n", "t.tgs:2:12: unknown process 'zz'");
    ERR("process a\na: signalfd_read raw\n", "t.tgs:2:18: unexpected 'raw'");
    ERR("process a\na: signalfd all nonblock=1\n", "t.tgs:2:17: option 'nonblock' takes no value");
    ERR("process a\na: kill a TERM raw raw\n", "t.tgs:2:20: duplicate option 'raw'");
}

TEST(err_fork_clone_exec)
{
    ERR("process a\n  thread x\n  thread y\na.*: fork b\n", "t.tgs:4:6: fork needs one thread as actor, not PROC.*");
    ERR("process a\na.*: exec\n", "t.tgs:2:6: exec needs one thread as actor, not PROC.*");
    ERR("process a\na: fork\n", "t.tgs:2:4: fork needs a name");
    ERR("process a\na: clone\n", "t.tgs:2:4: clone needs a name");
    ERR("process a\na: fork b parent=a\n", "t.tgs:2:11: fork does not take option 'parent'");
    ERR("process a\na: fork b c\n", "t.tgs:2:11: unexpected 'c'");
    ERR("process a\na: clone w prio=5\n", "t.tgs:2:17: prio needs policy=fifo or policy=rr");
    ERR("process a\na: clone w policy=rr\n", "t.tgs:2:19: policy=rr needs prio=1..99");
    ERR("process a\na: clone w cpu=1\n", "t.tgs:2:16: cpu out of range (0..0)");
    ERR("process a\na: clone w uid=1\n", "t.tgs:2:12: unknown option 'uid' for clone");
    ERR("process a\na: fork a\n", "t.tgs:2:9: duplicate process name 'a'");
}

/* ---------------- errors: expect / status ---------------- */

TEST(err_expect)
{
    ERR("expect a alive\n", "t.tgs:1:1: expect before any process");
    ERR("process a\nexpect\n", "t.tgs:2:1: expect needs a condition");
    ERR("process a\nexpect a\n", "t.tgs:2:8: missing condition after 'a'");
    ERR("process a\nexpect a happy\n", "t.tgs:2:10: unknown condition 'happy'");
    ERR("process a\nexpect b alive\n", "t.tgs:2:8: unknown process 'b'");
    ERR("process a\nexpect a.main exited 0\n", "t.tgs:2:8: 'exited' applies to a process, not a thread");
    ERR("process a\nexpect a.* killed-by TERM\n", "t.tgs:2:8: 'killed-by' applies to a process, not a thread");
    ERR("process a\nexpect a exited\n", "t.tgs:2:10: exited needs 1 argument");
    ERR("process a\nexpect a exited 256\n", "t.tgs:2:17: exit code out of range (0..255)");
    ERR("process a\nexpect a exited 1 2\n", "t.tgs:2:19: unexpected '2'");
    ERR("process a\nexpect a alive or\n", "t.tgs:2:16: empty alternative");
    ERR("process a\nexpect a alive or or a alive\n", "t.tgs:2:19: empty alternative");
    ERR("process a\nexpect or a alive\n", "t.tgs:2:8: empty alternative");
    ERR("process a\nexpect a state Q\n", "t.tgs:2:16: bad state 'Q' (R, S, D, T, t, Z or X)");
    ERR("process a\nexpect a state SS\n", "t.tgs:2:16: bad state 'SS' (R, S, D, T, t, Z or X)");
    ERR("process a\nexpect a handled USR1 twice\n", "t.tgs:2:23: unexpected 'twice' (times=N?)");
    ERR("process a\nexpect a handled USR1 times=x\n", "t.tgs:2:29: expected a number for times, got 'x'");
    ERR("process a\nexpect a handler-mask USR1\n", "t.tgs:2:10: handler-mask needs 2 arguments");
    ERR("process a\nexpect a handler-pid USR1 q\n", "t.tgs:2:27: unknown process 'q'");
    ERR("process a\nexpect a field SigFoo 0\n", "t.tgs:2:16: unknown status field 'SigFoo'");
    ERR("process a\nexpect a field SigPnd 0123456789012345678901234567890123456789\n",
        "t.tgs:2:23: field value too long (max 39 characters)");
    ERR("process a\nexpect a result sure\n", "t.tgs:2:17: bad result 'sure' (a number, an errno name, a signal or blocked)");
    ERR("process a\nexpect a waited b exited 0\n", "t.tgs:2:17: unknown process 'b'");
    ERR("process a\nprocess b\nexpect a waited b vanished\n", "t.tgs:3:19: unknown wait status 'vanished'");
    ERR("process a\nprocess b\nexpect a waited b exited\n", "t.tgs:3:19: waited exited needs an exit code");
    ERR("process a\nprocess b\nexpect a waited b killed\n", "t.tgs:3:19: waited killed needs a signal");
    ERR("process a\nprocess b\nexpect a waited b continued 1\n", "t.tgs:3:29: unexpected '1'");
    ERR("process a\nprocess b\nexpect a waited b\n", "t.tgs:3:17: waited needs exited N, killed SIG, dumped SIG, stopped SIG or continued");
    ERR("process a\nexpect a handler-order USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1 USR1\n",
        "t.tgs:2:104: unexpected 'USR1'");
}

TEST(err_exit_order_and_status)
{
    ERR("process a\nexpect exit-order\n", "t.tgs:2:8: exit-order needs threads");
    ERR("process a\nexpect exit-order a.zz\n", "t.tgs:2:21: unknown thread 'zz' in process 'a'");
    ERR("process a\n  thread t0\n  thread t1\n  thread t2\n  thread t3\n  thread t4\n  thread t5\n  thread t6\n"
        "  thread t7\n  thread t8\nexpect exit-order a.* a.*\n", "t.tgs:11:23: too many threads (max 16)");
    ERR("status a\n", "t.tgs:1:1: status before any process");
    ERR("process a\nstatus\n", "t.tgs:2:1: status needs threads");
    ERR("process a\nstatus a.x\n", "t.tgs:2:10: unknown thread 'x' in process 'a'");
    ERR("process a\nsettle now\n", "t.tgs:2:8: unexpected 'now'");
}

/* ---------------- robustness ---------------- */

TEST(err_first_error_wins_and_out_is_empty)
{
    CHECK_EQ(P("process a\nprocess a\nbogus\n"), -1);
    CHECK_STR(E, "t.tgs:2:9: duplicate process name 'a'");
    CHECK_EQ(F.n_procs, 0);
    CHECK_EQ(F.n_threads, 0);
    CHECK(F.threads == NULL);
    CHECK(F.steps == NULL);
    sc_free(&F);
}

TEST(err_small_and_null_buffers)
{
    char small[8];
    CHECK_EQ(sc_parse("t.tgs", "bogus", 5, &F, small, sizeof small), -1);
    CHECK_STR(small, "t.tgs:1");
    CHECK_EQ(sc_parse("t.tgs", "bogus", 5, &F, NULL, 0), -1);
    CHECK_EQ(sc_parse(NULL, "bogus", 5, &F, E, sizeof E), -1);
    CHECK_STR(E, "<input>:1:1: unknown statement 'bogus'");
    CHECK_EQ(sc_parse("t.tgs", NULL, 0, &F, E, sizeof E), 0);
    sc_free(&F);
    CHECK_EQ(sc_parse("t.tgs", "process a", 9, &F, E, sizeof E), 0);   /* no final newline */
    CHECK_EQ(F.n_threads, 1);
    sc_free(&F);
    sc_free(NULL);
}

TEST(err_long_word_is_truncated_in_message)
{
    char s[200];
    memset(s, 'Z', 100);
    s[100] = 0;
    CHECK_EQ(P(s), -1);
    CHECK_STR(E, "t.tgs:1:1: unknown statement 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ...'");
    sc_free(&F);
}

TEST(parse_file_missing)
{
    CHECK_EQ(sc_parse_file("/nonexistent/x.tgs", &F, E, sizeof E), -1);
    CHECK_STR(E, "/nonexistent/x.tgs:1:1: cannot open: No such file or directory");
}

TEST(parse_file_roundtrip)
{
    char path[] = "/tmp/tgs_parse_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    FILE *fp = fdopen(fd, "w");
    fputs("process app\napp: kill app SIGUSR1\n", fp);
    fclose(fp);
    CHECK_EQ(sc_parse_file(path, &F, E, sizeof E), 0);
    CHECK_EQ(F.n_steps, 1);
    CHECK_STR(F.path, path);
    sc_free(&F);
    remove(path);
}

/* Pseudo-random mutations of a valid file must never crash or leak (ASan checks). */
TEST(robust_mutations)
{
    static const char base[] = W "machine cpus=2\napp: sigaction USR1 handler flags=SIGINFO do kill sh USR2; block INT\n"
        "sh: kill app SIGUSR1 => 0\nsh: fork kid pgrp=kid\nkid: clone w policy=fifo prio=3\nexpect app.wd handled USR1 or sh exited 0\n"
        "expect app.main field State \"S (sleeping)\"\nstatus app.* kid.w\nsh: wait kid opts=WNOHANG => 0\n";
    size_t n = sizeof base - 1;
    char *buf = malloc(n + 1);
    unsigned seed = 12345;
    int oks = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(buf, base, n);
        int muts = 1 + iter % 4;
        for (int m = 0; m < muts; m++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            buf[at] = (char)(" \n\t.:=,;|#\"xA0-9*+\x01\xff"[(seed >> 8) % 21]);
        }
        seed = seed * 1103515245u + 12345u;
        size_t len = iter % 3 ? n : (seed >> 8) % (n + 1);
        if (sc_parse("m.tgs", buf, len, &F, E, sizeof E) == 0) oks++;
        else CHECK(strncmp(E, "m.tgs:", 6) == 0);
        sc_free(&F);
    }
    CHECK(oks > 0);
    free(buf);
}

T_MAIN()
