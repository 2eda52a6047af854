/* examples/embed/seed003.c - libtgsig embedded in 80 lines: seed 003 without the simulator.
 *
 * A process with three threads, a TGS_SIGTERM from its parent: which thread takes it, and what
 * happens to the others? The host here is the smallest possible one: a run queue of woken
 * threads, no CPUs (no thread is ever "on a CPU"), no clock. Build: `make` builds it as
 * build/examples/embed-seed003; tests/cli/examples.sh runs it and checks its output.
 */
#include <stdio.h>
#include "tgsig.h"

static tgs_pid runq[64];
static int nrunq;

static void wake(void *ctx, tgs_pid tid)
{
    (void)ctx;
    for (int i = 0; i < nrunq; i++) if (runq[i] == tid) return;
    if (nrunq < 64) runq[nrunq++] = tid;
}

static void trace(void *ctx, const tgs_event *ev)
{
    (void)ctx;
    switch (ev->type) {
    case TGS_EV_GENERATE:
        printf("  signal_generate: sig=%d from %d to %d grp=%d res=%d\n", ev->sig, ev->tid,
               ev->target, ev->group, ev->res);
        break;
    case TGS_EV_GROUP_EXIT:
        printf("  group exit starts in %d's call: exit signal %d, SIGKILL to every thread\n", ev->tid, ev->sig);
        break;
    case TGS_EV_DELIVER: printf("  signal_deliver: %d dequeues sig=%d\n", ev->tid, ev->sig); break;
    case TGS_EV_EXIT: printf("  exit: %d (code %#lx)\n", ev->tid, ev->value); break;
    default: break;
    }
}

/* Give every woken thread kernel time until nothing is runnable (the host's scheduler). */
static void settle(tgs_world *w)
{
    while (nrunq > 0) {
        tgs_pid t = runq[--nrunq];
        tgs_upcall up;
        int r = tgs_run(w, t, &up);
        printf("tgs_run(%d) = %s\n", t, r == TGS_RUN_DEAD ? "dead" : r == TGS_RUN_SLEEP ? "asleep" : "other");
    }
}

int main(void)
{
    tgs_host_ops ops = { .wake = wake, .trace = trace };
    tgs_world *w = tgs_world_new(&ops, NULL);
    tgs_pid shell = 0, app = 0, t1 = 0, t2 = 0;
    if (!w) return 1;
    tgs_fork(w, tgs_init_pid(w), &shell);
    tgs_fork(w, shell, &app);
    tgs_clone(w, app, TGS_CLONE_THREAD, 0, &t1);
    tgs_clone(w, app, TGS_CLONE_THREAD, 0, &t2);
    nrunq = 0;                                       /* new tasks start runnable: park them */
    tgs_pause(w, app); tgs_pause(w, t1); tgs_pause(w, t2);
    printf("shell (%d) sends SIGTERM to app (%d):\n", shell, app);
    tgs_kill(w, shell, app, TGS_SIGTERM);
    settle(w);
    int status = 0;
    long r = tgs_wait4(w, shell, app, &status, 0);
    printf("wait4 = %ld, status %#x: killed by signal %d\n", r, status, status & 0x7f);
    tgs_world_free(w);
    return r == app && (status & 0x7f) == TGS_SIGTERM ? 0 : 1;
}
