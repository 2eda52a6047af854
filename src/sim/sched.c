/* sched.c - CPUs, run queues, wake-up preemption, timers and the settle loop.
 *
 * Run queues: one global priority heap for threads that may run anywhere and one per CPU for
 * threads pinned to it; a CPU runs the better of the two heads. Ordering: SCHED_FIFO/RR by
 * priority (FIFO order inside a priority; a preempted thread goes back to the head), then
 * SCHED_OTHER by nice-weighted vruntime. Queue operations are O(1) for in-order inserts (the
 * common case), else O(log n) (rq.c). */
#include "sim/sim_int.h"
#include <stdlib.h>
#include <string.h>

/* vruntime added by one work unit (SIM_COST_NS) at nice -20..19: SIM_COST_NS * 1024 / the
 * kernel's weight (sched_prio_to_weight: 88761, 71755, ... 1024 at nice 0 ... 18, 15). */
static const uint32_t vr_step[40] = {
    11, 14, 18, 22, 28, 35, 44, 54, 68, 85,
    107, 134, 167, 208, 262, 328, 409, 514, 645, 801,
    1000, 1248, 1563, 1946, 2420, 3056, 3764, 4762, 5953, 7474,
    9309, 11770, 14628, 18285, 22755, 28444, 35310, 44521, 56888, 68266
};
_Static_assert(SIM_COST_NS == 1000, "vr_step is computed for a 1 us work unit");

uint64_t sim_rand(sim *s)
{
    uint64_t x = s->rng;        /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static int rank(const sim_thread *t)
{
    return t->policy == SC_POLICY_OTHER ? 100 : 99 - t->prio;
}

/* The kernel's prio as sched tracepoints print it. */
int sim_kprio(const sim_thread *t)
{
    return t->policy == SC_POLICY_OTHER ? 120 + t->nice : 99 - t->prio;
}

/* The run-queue order of the current threads of CPUs ca and cb (rank, vruntime, then the seq
 * each had in the queue). */
static int cur_less(const sim *s, int ca, int cb)
{
    const sim_thread *a = &s->th[s->cpus[ca].cur], *b = &s->th[s->cpus[cb].cur];
    int ra = rank(a), rb = rank(b);
    if (ra != rb)
        return ra < rb;
    if (ra == 100 && a->vruntime != b->vruntime)
        return a->vruntime < b->vruntime;
    return s->cpus[ca].cur_seq < s->cpus[cb].cur_seq;
}

/* Would `a` preempt the running `b`? */
static int beats(const sim_thread *a, const sim_thread *b)
{
    int ra = rank(a), rb = rank(b);
    if (ra != rb)
        return ra < rb;
    if (ra == 100)
        return a->vruntime + SIM_COST_NS * 4 < b->vruntime;
    return 0;
}

/* x % n == 0, without a division when n is a power of two (n = 2 is the common tie) */
static int mod_zero(uint64_t x, uint64_t n)
{
    return (n & (n - 1)) == 0 ? (x & (n - 1)) == 0 : x % n == 0;
}

/* ---- run queues (rq.c) ---------------------------------------------------------------------- */
/* The queue order as one number and a seq: rank, then (SCHED_OTHER) vruntime. */
static uint64_t rq_key(const sim_thread *t)
{
    int r = rank(t);
    return (uint64_t)r << 56 | (r == 100 ? t->vruntime & ((1ULL << 56) - 1) : 0);
}

static sim_rq *rq_of(sim *s, int q)
{
    return q == s->ncpu ? &s->global : &s->cpus[q].pinned;
}

static void rq_add(sim *s, int t, int head)
{
    sim_thread *th = &s->th[t];
    int q = th->cpu_aff >= 0 && th->cpu_aff < s->ncpu ? th->cpu_aff : s->ncpu;
    int64_t seq = head ? --s->seq_head : ++s->seq_tail;
    if (sim_rq_add(s, rq_of(s, q), t, rq_key(th), seq) < 0)
        sim_fail(s, "out of memory in the run queue");
}

static void rq_del(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    if (th->rq >= 0)
        sim_rq_del(s, rq_of(s, th->rq), t);
}

/* The best queued thread CPU c may run, -1 if none. */
static int rq_best(sim *s, int c)
{
    const sim_rqe *p = sim_rq_top(&s->cpus[c].pinned), *g = sim_rq_top(&s->global);
    if (!p || !g)
        return p ? p->t : g ? g->t : -1;
    return g->k < p->k || (g->k == p->k && g->seq < p->seq) ? g->t : p->t;
}

static int wants_cpu(const sim_thread *th)
{
    return th->state == TS_RUN || th->state == TS_SPIN;
}

/* ---- state changes and wake-ups ---------------------------------------------------------- */
static int cpu_allowed(const sim_thread *th, int c)
{
    return th->cpu_aff < 0 || th->cpu_aff == c;
}

/* Which CPU should notice that t became runnable (wake-up preemption)? */
static void resched_target(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    int best = -1, nbest = 0;
    for (int c = 0; c < s->ncpu; c++) {
        if (!cpu_allowed(th, c))
            continue;
        int cur = s->cpus[c].cur;
        if (cur < 0 || !wants_cpu(&s->th[cur]))
            return;                 /* an idle CPU will take it */
    }
    if (s->preempt != SC_PREEMPT_RT) {
        int c = th->last_cpu >= 0 && cpu_allowed(th, th->last_cpu) ? th->last_cpu
              : cpu_allowed(th, s->exec_cpu) ? s->exec_cpu : th->cpu_aff;
        if (c >= 0 && beats(th, &s->th[s->cpus[c].cur]))
            s->cpus[c].need_resched = 1;
        return;
    }
    for (int c = 0; c < s->ncpu; c++) {       /* rt: push to the lowest-priority CPU */
        if (!cpu_allowed(th, c) || !beats(th, &s->th[s->cpus[c].cur]))
            continue;
        if (best < 0 || cur_less(s, best, c)) {
            best = c;
            nbest = 1;
        } else if (!cur_less(s, c, best) &&
                   mod_zero(sim_rand(s), (uint64_t)++nbest)) {
            best = c;
        }
    }
    if (best >= 0)
        s->cpus[best].need_resched = 1;
}

void sim_set_state(sim *s, int t, int state, int work)
{
    sim_thread *th = &s->th[t];
    int was = wants_cpu(th);
    if (th->state == TS_RUN)
        s->n_ready--;
    if (state == TS_RUN)
        s->n_ready++;
    if (state == TS_SPIN && th->state != TS_SPIN && th->cpu >= 0)
        s->cpus[th->cpu].spin_since = s->now;
    th->state = (int8_t)state;
    th->work = (int8_t)work;
    if (!wants_cpu(th)) {
        rq_del(s, t);
        return;
    }
    if (was || th->cpu >= 0 || th->rq >= 0)
        return;
    if (th->policy == SC_POLICY_OTHER && th->vruntime < s->min_vr)
        th->vruntime = s->min_vr;
    rq_add(s, t, 0);
    resched_target(s, t);
}

/* ops->wake: t must get kernel time (tgs_run) soon. */
void sim_wake(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    switch (th->state) {
    case TS_SLEEP: case TS_STOPPED: case TS_IDLE: case TS_SPIN:
        th->need_run = 1;
        sim_set_state(s, t, TS_RUN, W_RUN);
        out_wakeup(s, t, th->cpu >= 0 ? th->cpu : th->cpu_aff >= 0 ? th->cpu_aff
                   : th->last_cpu >= 0 ? th->last_cpu : 0);
        break;
    case TS_RUN:
        th->need_run = 1;
        break;
    default:
        break;
    }
}

/* ---- timers ------------------------------------------------------------------------------ */
static int timer_less(const sim_timer *a, const sim_timer *b)
{
    return a->deadline != b->deadline ? a->deadline < b->deadline : a->seq < b->seq;
}

static void timer_push(sim *s, sim_timer tm)
{
    if (s->ntimers == s->cap_timers) {
        int ncap = s->cap_timers ? s->cap_timers * 2 : 64;
        sim_timer *n = realloc(s->timers, sizeof(*n) * (size_t)ncap);
        if (!n) {
            sim_fail(s, "out of memory for timers");
            return;
        }
        s->timers = n;
        s->cap_timers = ncap;
    }
    int i = s->ntimers++;
    while (i > 0 && timer_less(&tm, &s->timers[(i - 1) / 2])) {
        s->timers[i] = s->timers[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->timers[i] = tm;
}

static void timer_pop(sim *s)
{
    sim_timer last = s->timers[--s->ntimers];
    int i = 0, n = s->ntimers;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && timer_less(&s->timers[c + 1], &s->timers[c]))
            c++;
        if (!timer_less(&s->timers[c], &last))
            break;
        s->timers[i] = s->timers[c];
        i = c;
    }
    if (n)
        s->timers[i] = last;
}

void sim_timer_arm(sim *s, int t, uint64_t deadline)
{
    sim_thread *th = &s->th[t];
    th->timer_gen++;                    /* invalidates an armed entry */
    if (th->timer_armed)
        s->live_timers--;
    th->timer_armed = deadline != 0;
    if (!deadline)
        return;
    s->live_timers++;
    sim_timer tm = { deadline, ++s->timer_seq, t, th->timer_gen };
    timer_push(s, tm);
}

/* The next valid timer, dropping cancelled entries; NULL if none. */
static sim_timer *timer_next(sim *s)
{
    while (s->ntimers) {
        sim_timer *tm = &s->timers[0];
        sim_thread *th = &s->th[tm->thread];
        if (th->timer_armed && th->timer_gen == tm->gen)
            return tm;
        timer_pop(s);
    }
    return NULL;
}

static void timer_fire(sim *s)
{
    sim_timer tm = s->timers[0];
    sim_thread *th = &s->th[tm.thread];
    timer_pop(s);
    th->timer_armed = 0;
    s->live_timers--;
    if (s->now < tm.deadline)
        s->now = tm.deadline;
    s->exec_cpu = th->last_cpu >= 0 ? th->last_cpu : 0;
    s->exec_thread = -1;
    if (th->state == TS_DEAD || th->state == TS_NONE)
        return;
    tgs_timer_fire(s->w, th->tid);
    sim_after_call(s, "tgs_timer_fire", tm.thread);
}

/* ---- CPUs -------------------------------------------------------------------------------- */
static void cpu_switch(sim *s, int c, int next)
{
    sim_cpu *cpu = &s->cpus[c];
    int prev = cpu->cur;
    if (prev >= 0) {
        s->th[prev].cpu = -1;
        s->th[prev].last_cpu = (int8_t)c;
    }
    out_switch(s, c, prev, next);
    cpu->cur = next;
    cpu->need_resched = 0;
    if (cpu->free_at < s->now)
        cpu->free_at = s->now;
    cpu->run_since = cpu->free_at;
    if (next < 0)
        return;
    sim_thread *nt = &s->th[next];
    cpu->cur_seq = nt->rq >= 0 ? sim_rq_seq(s, rq_of(s, nt->rq), next) : 0;
    rq_del(s, next);
    nt->cpu = (int8_t)c;
    if (nt->state == TS_SPIN)
        cpu->spin_since = s->now;
    if (nt->policy == SC_POLICY_OTHER && nt->vruntime > s->min_vr)
        s->min_vr = nt->vruntime;
}

/* May the current thread of c be preempted now? */
static int preemptible(const sim *s, const sim_thread *cur)
{
    if (cur->state == TS_SPIN || cur->work != W_RUN)
        return 1;               /* in user space */
    return s->preempt != SC_PREEMPT_NONE;
}

static void cpu_pick(sim *s, int c)
{
    sim_cpu *cpu = &s->cpus[c];
    if (cpu->cur >= 0 && !wants_cpu(&s->th[cpu->cur])) {
        cpu_switch(s, c, rq_best(s, c));
        return;
    }
    if (cpu->cur < 0) {
        int next = rq_best(s, c);
        if (next >= 0)
            cpu_switch(s, c, next);
        return;
    }
    sim_thread *cur = &s->th[cpu->cur];
    int best = rq_best(s, c);
    if (best < 0 || !beats(&s->th[best], cur)) {
        cpu->need_resched = 0;
        return;
    }
    if ((!cpu->need_resched && cur->state != TS_SPIN) || !preemptible(s, cur))
        return;
    int prev = cpu->cur;
    cpu_switch(s, c, best);
    rq_add(s, prev, cur->policy != SC_POLICY_OTHER);
    if (s->preempt == SC_PREEMPT_RT)
        resched_target(s, prev);
}

/* When does the spinning current of c have to yield (slice, RT throttling)? */
static uint64_t spin_event(sim *s, int c)
{
    sim_cpu *cpu = &s->cpus[c];
    if (cpu->cur < 0 || s->th[cpu->cur].state != TS_SPIN)
        return SIM_NEVER;
    int best = rq_best(s, c);
    if (best < 0)
        return SIM_NEVER;
    sim_thread *cur = &s->th[cpu->cur], *b = &s->th[best];
    if (rank(b) == rank(cur) && cur->policy == SC_POLICY_RR)
        return cpu->spin_since + SIM_RR_SLICE_NS;
    if (rank(b) == rank(cur) && cur->policy == SC_POLICY_OTHER)
        return cpu->spin_since + SIM_OTHER_SLICE_NS;
    if (cur->policy != SC_POLICY_OTHER && b->policy == SC_POLICY_OTHER && b->state == TS_RUN)
        return cpu->spin_since + SIM_RT_RUNTIME_NS;
    return SIM_NEVER;
}

static void spin_yield(sim *s, int c, uint64_t when)
{
    int prev = s->cpus[c].cur, next = rq_best(s, c);
    if (s->now < when)
        s->now = when;
    sim_thread *p = &s->th[prev];
    cpu_switch(s, c, next);
    rq_add(s, prev, rank(&s->th[next]) != rank(p));
}

static void run_unit(sim *s, int c)
{
    sim_cpu *cpu = &s->cpus[c];
    int t = cpu->cur;
    sim_thread *th = &s->th[t];
    if (s->now < cpu->free_at)
        s->now = cpu->free_at;
    cpu->free_at = s->now + SIM_COST_NS;
    if (th->policy == SC_POLICY_OTHER)
        th->vruntime += vr_step[th->nice + 20];
    s->exec_cpu = c;
    s->exec_thread = t;
    s->last_unit = t;
    sim_unit(s, t);
    s->exec_thread = -1;
}

/* The CPU with work that is free first (ties: PRNG), -1 if none. */
static int next_cpu(sim *s, uint64_t *when)
{
    int best = -1, nties = 0;
    *when = SIM_NEVER;
    for (int c = 0; c < s->ncpu; c++) {
        int cur = s->cpus[c].cur;
        if (cur < 0 || s->th[cur].state != TS_RUN)
            continue;
        uint64_t at = s->cpus[c].free_at > s->now ? s->cpus[c].free_at : s->now;
        if (at < *when) {
            *when = at;
            best = c;
            nties = 1;
        } else if (at == *when && mod_zero(sim_rand(s), (uint64_t)++nties)) {
            best = c;
        }
    }
    return best;
}

static void starved(sim *s)
{
    for (int c = 0; c <= s->ncpu; c++) {
        sim_rq *q = rq_of(s, c);
        for (int i = 0; i < sim_rq_slots(q); i++) {
            const sim_rqe *e = sim_rq_entry(s, q, i);
            sim_thread *th = e ? &s->th[e->t] : NULL;
            if (!th || th->state != TS_RUN)
                continue;
            sim_fail(s, "did not settle: %s is runnable but starved by spinning threads", sim_name(s, e->t));
            return;
        }
    }
    sim_fail(s, "did not settle: runnable threads cannot get a CPU");
}

static int over_budget(sim *s)
{
    if (++s->events <= s->max_events)
        return 0;
    const char *who = s->last_unit >= 0 ? sim_name(s, s->last_unit) : "?";
    sim_fail(s, "did not settle after %ld events: thread %s keeps running", s->max_events, who);
    return 1;
}

/* The next timer that may fire now: due within the settle window, or before the next CPU
 * work anyway. SIM_NEVER if none. */
static uint64_t timer_due(sim *s, uint64_t tc)
{
    sim_timer *tm = timer_next(s);
    if (!tm)
        return SIM_NEVER;
    uint64_t tt = tm->deadline > s->now ? tm->deadline : s->now;
    return tm->deadline <= s->settle_limit || (tc != SIM_NEVER && tt <= tc) ? tt : SIM_NEVER;
}

/* Run until every thread is idle, asleep, stopped, dead or spinning and no timer is due
 * within the settle window. */
int sim_settle(sim *s)
{
    for (;;) {
        if (s->failed)
            return -1;
        for (int c = 0; c < s->ncpu; c++)
            cpu_pick(s, c);
        uint64_t tc, ts = SIM_NEVER;
        int c = next_cpu(s, &tc), sc = -1;
        uint64_t tt = timer_due(s, tc);
        if (s->n_ready == 0 && tt == SIM_NEVER)
            return 0;
        for (int k = 0; k < s->ncpu; k++) {
            uint64_t e = spin_event(s, k);
            if (e < ts) {
                ts = e;
                sc = k;
            }
        }
        if (over_budget(s))
            return -1;
        if (tt != SIM_NEVER && tt <= tc && tt <= ts)
            timer_fire(s);
        else if (ts != SIM_NEVER && ts < tc)
            spin_yield(s, sc, ts);
        else if (c >= 0)
            run_unit(s, c);
        else {
            starved(s);
            return -1;
        }
    }
}
