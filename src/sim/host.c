/* host.c - the tgs_host_ops callbacks of the simulator. None of them calls into the library. */
#include "sim/sim_int.h"
#include <string.h>

static void h_wake(void *ctx, tgs_pid tid)
{
    sim *s = ctx;
    int t = sim_thread_of_tid(s, tid);
    if (t >= 0)
        sim_wake(s, t);
}

static int h_on_cpu(void *ctx, tgs_pid tid)
{
    sim *s = ctx;
    int t = sim_thread_of_tid(s, tid);
    if (t < 0)
        return 0;
    const sim_thread *th = &s->th[t];
    return th->cpu >= 0 && s->cpus[th->cpu].cur == t &&
           (th->state == TS_RUN || th->state == TS_SPIN);
}

static void h_trace(void *ctx, const tgs_event *ev)
{
    sim *s = ctx;
    sim_note_event(s, ev);
    out_core_event(s, ev);
}

static void h_arm_timer(void *ctx, tgs_pid tid, uint64_t deadline_ns)
{
    sim *s = ctx;
    int t = sim_thread_of_tid(s, tid);
    if (t >= 0)
        sim_timer_arm(s, t, deadline_ns);
}

static uint64_t h_now(void *ctx)
{
    const sim *s = ctx;
    return s->now;
}

void sim_host_ops(sim *s, tgs_host_ops *ops)
{
    memset(ops, 0, sizeof(*ops));
    ops->ctx = s;
    ops->wake = h_wake;
    ops->on_cpu = h_on_cpu;
    ops->trace = h_trace;
    ops->arm_timer = h_arm_timer;
    ops->now = h_now;
}
