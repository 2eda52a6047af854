/* thread.c - one work unit of a thread: make its step's syscall, give it kernel time
 * (tgs_run) and act on the result, or run one action of a handler body. */
#include "sim/sim_int.h"
#include <string.h>

static const sc_action *handler_body(const sim *s, const sim_frame *fr, int *len)
{
    *len = 0;
    if (fr->htab < 0 || fr->htab >= s->nhtab)
        return NULL;
    *len = s->htab[fr->htab]->body_len;
    return s->htab[fr->htab]->body;
}

static void record_result(sim *s, int t, long ret)
{
    sim_thread *th = &s->th[t];
    const sc_action *a = sim_act(s, t);
    if (a && a->kind == SC_A_SIGNALFD_READ && ret > 0 && th->ext)
        ret = th->ext->info.si_signo;
    out_call(s, t, a ? sc_action_name(a->kind) : "?", 0, ret);
    if (!s->obs)
        return;
    obs_event *e = obs_add(s->obs, OBS_RESULT, s->step, t);
    if (!e)
        return;
    if (ret >= 0)
        e->value = ret;
    else
        e->err = (int)-ret;
}

static void record_wait(sim *s, int t, long ret)
{
    sim_thread *th = &s->th[t];
    const sc_action *a = sim_act(s, t);
    const sim_ext *x = th->ext;
    if (!x)
        return;
    tgs_pid child = a->kind == SC_A_WAIT ? (tgs_pid)ret : x->info.si_pid;
    if (ret < 0 || child <= 0 || !s->obs)
        return;
    obs_event *e = obs_add(s->obs, OBS_WAIT, s->step, t);
    if (!e)
        return;
    e->other = sim_proc_of_pid(s, child);
    if (e->other >= s->f->n_procs)
        e->other = -1;
    if (a->kind == SC_A_WAIT) {
        e->value = x->wstatus;
    } else {
        e->value = x->info.si_status;
        e->code = x->info.si_code;
    }
}

/* The step's syscall finished with ret. */
static void finish_call(sim *s, int t, long ret)
{
    sim_thread *th = &s->th[t];
    th->inflight = 0;
    const sc_action *a = sim_act(s, t);
    if (a && (a->kind == SC_A_WAIT || a->kind == SC_A_WAITID))
        record_wait(s, t, ret);
    record_result(s, t, ret);
    th->act_step = -1;
}

static int in_flight(long ret)
{
    return ret == TGS_ASLEEP || (ret <= -TGS_ERESTARTSYS && ret >= -TGS_ERESTART_RESTARTBLOCK);
}

/* Work unit W_CALL: the step's action. */
static void do_call(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    const sc_action *a = sim_act(s, t);
    if (a->kind == SC_A_SPIN) {
        th->act_step = -1;
        th->spin_top = 1;
        th->spin_handled = 0;
        sim_set_state(s, t, TS_SPIN, W_NONE);
        return;
    }
    out_call(s, t, sc_action_name(a->kind), 1, 0);
    th->sleep_kind = (uint8_t)a->kind;
    long ret = sim_do_call(s, t, a);
    if (sim_after_call(s, sc_action_name(a->kind), t) < 0)
        return;
    if (in_flight(ret))
        th->inflight = 1;
    else
        finish_call(s, t, ret);
    if (th->state == TS_RUN)
        sim_set_state(s, t, TS_RUN, W_RUN);
}

static void on_user(sim *s, int t, const tgs_upcall *up)
{
    sim_thread *th = &s->th[t];
    if (th->depth == 0 && th->inflight && up->syscall_done)
        finish_call(s, t, up->ret);
    if (th->depth > 0) {
        sim_frame *fr = &th->ext->frames[th->depth - 1];
        if (fr->spinning && !fr->nested_ran) {
            sim_set_state(s, t, TS_SPIN, W_NONE);
            return;
        }
        fr->spinning = 0;
        sim_set_state(s, t, TS_RUN, W_BODY);
        return;
    }
    if (th->act_step >= 0 && !th->inflight) {
        sim_set_state(s, t, TS_RUN, W_CALL);
        return;
    }
    if (th->spin_top && !th->spin_handled) {
        sim_set_state(s, t, TS_SPIN, W_NONE);
        return;
    }
    th->spin_top = 0;
    sim_set_state(s, t, TS_IDLE, W_NONE);
}

static int htab_of_cookie(const sim *s, uint64_t cookie)
{
    if (cookie < SIM_HANDLER_BASE || (cookie - SIM_HANDLER_BASE) % 0x40)
        return -1;
    uint64_t i = (cookie - SIM_HANDLER_BASE) / 0x40;
    return i < (uint64_t)s->nhtab ? (int)i : -1;
}

static void record_handler(sim *s, int t, const tgs_upcall *up)
{
    if (!s->obs)
        return;
    obs_event *e = obs_add(s->obs, OBS_HANDLER, s->step, t);
    if (!e)
        return;
    e->sig = up->sig;
    e->code = up->info.si_code;
    e->other = up->info.si_pid == 0 ? -1 : sim_proc_of_pid(s, up->info.si_pid);
    if (e->other >= s->f->n_procs || e->other < -1)
        e->other = -2;
    e->value = (long)up->info.si_value;
    e->mask = up->mask;
    e->depth = up->depth ? up->depth : s->th[t].depth;
    e->altstack = up->on_altstack;
}

static void on_handler(sim *s, int t, const tgs_upcall *up)
{
    sim_thread *th = &s->th[t];
    if (th->depth >= SIM_MAX_DEPTH) {
        sim_fail(s, "handler nesting deeper than %d in %s (%s)", SIM_MAX_DEPTH, sim_name(s, t),
                 sim_signame(up->sig));
        return;
    }
    sim_ext *x = sim_ext_of(s, t);
    if (!x)
        return;
    if (th->depth > 0)
        x->frames[th->depth - 1].nested_ran = 1;
    else if (th->spin_top)
        th->spin_handled = 1;
    sim_frame *fr = &x->frames[th->depth++];
    memset(fr, 0, sizeof(*fr));
    fr->htab = htab_of_cookie(s, up->handler);
    fr->sig = up->sig;
    record_handler(s, t, up);
    out_handler(s, t, 1, up->sig);
    sim_set_state(s, t, TS_RUN, W_BODY);
}

static void on_dead(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    th->depth = 0;
    th->inflight = 0;
    th->act_step = -1;
    th->spin_top = 0;
    sim_ext_drop(s, t);
    out_close_thread(s, t);
    sim_set_state(s, t, TS_DEAD, W_NONE);
}

/* Work unit W_RUN: exit-to-user path. */
static void do_run(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    tgs_upcall up;
    memset(&up, 0, sizeof(up));
    th->need_run = 0;
    int r = tgs_run(s->w, th->tid, &up);
    if (sim_after_call(s, "tgs_run", t) < 0)
        return;
    if (up.tid > 0 && up.tid != th->tid)
        sim_map_tid(s, up.tid, t);
    switch (r) {
    case TGS_RUN_USER: on_user(s, t, &up); break;
    case TGS_RUN_HANDLER: on_handler(s, t, &up); break;
    case TGS_RUN_SLEEP: sim_set_state(s, t, TS_SLEEP, W_NONE); break;
    case TGS_RUN_STOPPED: sim_set_state(s, t, TS_STOPPED, W_NONE); break;
    case TGS_RUN_DEAD: on_dead(s, t); break;
    default:
        sim_fail(s, "tgs_run(%s) returned %d", sim_name(s, t), r);
    }
    const sc_action *a = sim_act(s, t);
    if (r == TGS_RUN_SLEEP && a && a->kind == SC_A_READ && th->ext && th->ext->pipe_bytes > 0 &&
        tgs_complete(s->w, th->tid, 1) == 0) {
        th->ext->pipe_bytes--;
        sim_after_call(s, "tgs_complete", t);
    }
}

static void do_sigreturn(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    sim_frame *fr = &th->ext->frames[th->depth - 1];
    int r = tgs_sigreturn(s->w, th->tid, fr->mask_or, fr->mask_andnot);
    if (sim_after_call(s, "tgs_sigreturn", t) < 0)
        return;
    if (r < 0) {
        sim_fail(s, "tgs_sigreturn(%s) returned %d", sim_name(s, t), r);
        return;
    }
    out_handler(s, t, 0, fr->sig);
    th->depth--;
    sim_set_state(s, t, TS_RUN, W_RUN);
}

/* Work unit W_BODY: the next action of the innermost handler body. */
static void do_body(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    sim_frame *fr = &th->ext->frames[th->depth - 1];
    int len;
    const sc_action *body = handler_body(s, fr, &len);
    if (fr->pos >= len) {
        do_sigreturn(s, t);
        return;
    }
    const sc_action *a = &body[fr->pos++];
    switch (a->kind) {
    case SC_A_SAVEDMASK_ADD:
        fr->mask_or |= a->set;
        fr->mask_andnot &= ~a->set;
        return;
    case SC_A_SAVEDMASK_DEL:
        fr->mask_andnot |= a->set;
        fr->mask_or &= ~a->set;
        return;
    case SC_A_SPIN:
        fr->spinning = 1;
        fr->nested_ran = 0;
        sim_set_state(s, t, TS_SPIN, W_NONE);
        return;
    default:
        break;
    }
    sim_do_call(s, t, a);
    if (sim_after_call(s, sc_action_name(a->kind), t) < 0)
        return;
    if (th->state == TS_RUN)
        sim_set_state(s, t, TS_RUN, W_RUN);
}

void sim_run_now(sim *s, int t)
{
    s->exec_thread = t;
    do_run(s, t);
    s->exec_thread = -1;
}

void sim_unit(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    if (th->need_run || th->work == W_RUN) {
        do_run(s, t);
        return;
    }
    if (th->work == W_CALL)
        do_call(s, t);
    else if (th->work == W_BODY)
        do_body(s, t);
    else
        sim_fail(s, "internal: %s has no work", sim_name(s, t));
}

/* Give thread t the step's action a. */
int sim_start_action(sim *s, int t, const sc_action *a, int step)
{
    sim_thread *th = &s->th[t];
    (void)a;                    /* a is the action of `step` */
    th->act_step = step;
    th->inflight = 0;
    th->reported_blocked = 0;
    th->spin_top = 0;
    sim_set_state(s, t, TS_RUN, W_CALL);
    return 0;
}

/* At settle: the step's syscall of t has not returned. */
void sim_record_blocked(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    if (!th->inflight || th->reported_blocked)
        return;
    th->reported_blocked = 1;
    if (!s->obs)
        return;
    obs_event *e = obs_add(s->obs, OBS_RESULT, s->step, t);
    if (e)
        e->blocked = 1;
}
