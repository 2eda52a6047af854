/* sim.c - sim_run: build the world of a scenario, run its steps, report. */
#include "sim/sim_int.h"
#include <stdlib.h>
#include <string.h>

void sim_fail(sim *s, const char *fmt, ...)
{
    if (s->failed)
        return;
    s->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!s->err || !s->errlen)
        return;
    if (s->step < 0) {
        snprintf(s->err, s->errlen, "%s: setup: %s", s->f->path, msg);
        return;
    }
    const sc_step *st = &s->f->steps[s->step];
    snprintf(s->err, s->errlen, "step %d (%s:%d): %s", s->step + 1, s->f->path, st->loc.line, msg);
}

static int check_core(sim *s, const char *what, int t)
{
    char why[256] = "";
    const char *who = t >= 0 ? sim_name(s, t) : "the host";
    if (tgs_check(s->w, why, sizeof(why)) < 0) {
        sim_fail(s, "core invariant broken after %s by %s: %s", what, who, why);
        return -1;
    }
    if (!tgs_ledger_balanced(s->w)) {
        sim_fail(s, "signal ledger unbalanced after %s by %s", what, who);
        return -1;
    }
    return 0;
}

/* Called after every core call: the core is checked there with --check=every. */
int sim_after_call(sim *s, const char *what, int t)
{
    if (s->failed)
        return -1;
    if (s->check != SIM_CHECK_EVERY)
        return 0;
    if (s->check_budget >= 0 && --s->check_budget < 0) {
        s->check = SIM_CHECK_STEP;          /* AUTO: a long run of a small scenario */
        return 0;
    }
    return check_core(s, what, t);
}

static void progress(sim *s, int step, int settled)
{
    if (!s->opt.on_step)
        return;
    sim_progress p = { step, settled, s->events, tgs_mem_in_use(s->w), s->nth };
    s->opt.on_step(s->opt.on_step_arg, &p);
}

/* The check policy of a run (sim.h, enum sim_check). */
static int resolve_check(const sc_file *f, int check)
{
    if (check > SIM_CHECK_AUTO && check <= SIM_CHECK_OFF)
        return check;
    if (f->n_threads <= SIM_CHECK_AUTO_THREADS && f->n_steps <= SIM_CHECK_AUTO_STEPS)
        return SIM_CHECK_EVERY;
    return SIM_CHECK_END;
}

int sim_thread_of_tid(const sim *s, tgs_pid tid)
{
    if (tid <= 0 || tid >= s->tidmap_len)
        return -1;
    return s->tidmap[tid];
}

void sim_map_tid(sim *s, tgs_pid tid, int t)
{
    if (tid <= 0)
        return;
    if (tid >= s->tidmap_len) {
        int n = s->tidmap_len * 2 > tid + 1 ? s->tidmap_len * 2 : tid + 1;
        int32_t *m = realloc(s->tidmap, sizeof(int32_t) * (size_t)n);
        if (!m) {
            sim_fail(s, "out of memory for the tid map");
            return;
        }
        for (int i = s->tidmap_len; i < n; i++)
            m[i] = -1;
        s->tidmap = m;
        s->tidmap_len = n;
    }
    s->tidmap[tid] = t;
    s->th[t].tid = tid;
    if (!s->th[t].first_tid)
        s->th[t].first_tid = tid;
}

int sim_proc_of_pid(const sim *s, tgs_pid pid)
{
    int t = sim_thread_of_tid(s, pid);
    return t < 0 ? -2 : s->th[t].proc;
}

const char *sim_comm(const sim *s, int t)
{
    if (t < 0 || t >= s->nth || s->th[t].proc < 0)
        return "<idle>";
    return s->pr[s->th[t].proc].name;
}

/* Appends "a" or "a.b" (b may be NULL) to the name arena; returns its offset or -1. */
static long add_name(sim *s, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) + 1 : 0, need = la + lb + 1;
    if (s->names_len + need > s->names_cap) {
        size_t ncap = (s->names_cap + need) * 2;
        char *n = realloc(s->names, ncap);
        if (!n)
            return -1;
        s->names = n;
        s->names_cap = ncap;
    }
    char *d = s->names + s->names_len;
    memcpy(d, a, la);
    if (b) {
        d[la] = '.';
        memcpy(d + la + 1, b, lb - 1);
    }
    d[la + lb] = 0;
    long off = (long)s->names_len;
    s->names_len += need;
    return off;
}

static int thread_init(sim *s, sim_thread *th, int proc, const char *a, const char *b)
{
    memset(th, 0, sizeof(*th));
    th->proc = proc;
    th->cpu = th->last_cpu = th->rq = -1;
    th->cpu_aff = -1;
    th->act_step = -1;
    th->exit_step = th->stop_step = th->last_sig_step = -1;
    long off = add_name(s, a, b);
    th->name = off < 0 ? 0 : (uint32_t)off;
    return off < 0 ? -1 : 0;
}

/* The frames and out-parameters of thread t, allocated on first use (NULL: out of memory,
 * the run has failed). */
sim_ext *sim_ext_of(sim *s, int t)
{
    sim_thread *th = &s->th[t];
    if (!th->ext && !(th->ext = calloc(1, sizeof(*th->ext))))
        sim_fail(s, "out of memory for the frames of %s", sim_name(s, t));
    return th->ext;
}

/* t is dead: the core no longer holds addresses inside its sim_ext. */
void sim_ext_drop(sim *s, int t)
{
    free(s->th[t].ext);
    s->th[t].ext = NULL;
}

int sim_add_proc(sim *s, const char *name, int sc)
{
    if (s->npr == s->cap_pr) {
        int ncap = s->cap_pr * 2 + 8;
        sim_proc *n = realloc(s->pr, sizeof(*n) * (size_t)ncap);
        if (!n)
            return -1;
        s->pr = n;
        s->cap_pr = ncap;
    }
    sim_proc *p = &s->pr[s->npr];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->sc = sc;
    p->leader = -1;
    p->end_kind = -1;
    p->gexit_thread = p->gexit_cause_thread = -1;
    return s->npr++;
}

/* A system thread (init, runner, kthreadd) in a process of its own. */
int sim_add_thread(sim *s, int proc, const char *name)
{
    if (s->nth == s->cap_th) {
        int ncap = s->cap_th * 2 + 8;
        sim_thread *n = realloc(s->th, sizeof(*n) * (size_t)ncap);
        if (!n)
            return -1;
        s->th = n;
        s->cap_th = ncap;
    }
    int t = s->nth++;
    if (thread_init(s, &s->th[t], proc, name, NULL) < 0)
        return -1;
    s->pr[proc].leader = t;
    s->pr[proc].first = -1;
    return t;
}

static int build_tables(sim *s)
{
    const sc_file *f = s->f;
    for (int p = 0; p < f->n_procs; p++)
        if (sim_add_proc(s, f->procs[p].name, p) < 0)
            return -1;
    for (int i = 0; i < f->n_threads; i++) {
        const sc_thread *st = &f->threads[i];
        sim_thread *th = &s->th[s->nth++];
        if (thread_init(s, th, st->proc, f->procs[st->proc].name, st->name) < 0)
            return -1;
        th->policy = (int8_t)st->policy;
        th->prio = (int8_t)(st->policy == SC_POLICY_OTHER ? 0 : st->prio);      /* 1..99 */
        th->nice = (int8_t)(st->nice < -20 ? -20 : st->nice > 19 ? 19 : st->nice);
        th->cpu_aff = (int8_t)(st->cpu >= 0 && st->cpu < s->ncpu ? st->cpu : -1);
        s->pr[st->proc].n++;
    }
    int at = 0;
    for (int p = 0; p < f->n_procs; p++) {
        s->pr[p].first = at;
        s->pr[p].leader = f->procs[p].first_thread;
        at += s->pr[p].n;
        s->pr[p].n = 0;
    }
    for (int i = 0; i < f->n_threads; i++) {
        sim_proc *p = &s->pr[f->threads[i].proc];
        s->ord[p->first + p->n++] = i;
    }
    return 0;
}

static int build_htab(sim *s)
{
    const sc_file *f = s->f;
    int n = 0;
    for (int i = 0; i < f->n_steps; i++)
        n += f->steps[i].act.kind == SC_A_SIGACTION && f->steps[i].act.disp == SC_DISP_HANDLER;
    s->htab = calloc((size_t)n + 1, sizeof(*s->htab));
    if (!s->htab)
        return -1;
    for (int i = 0; i < f->n_steps; i++)
        if (f->steps[i].act.kind == SC_A_SIGACTION && f->steps[i].act.disp == SC_DISP_HANDLER)
            s->htab[s->nhtab++] = &f->steps[i].act;
    return 0;
}

static int sim_alloc(sim *s)
{
    const sc_file *f = s->f;
    s->cap_th = f->n_threads + 16;
    s->th = calloc((size_t)s->cap_th, sizeof(*s->th));
    s->ord = calloc((size_t)f->n_threads + 1, sizeof(int));
    s->tidmap_len = f->n_threads + 1024;     /* grows in sim_map_tid */
    s->tidmap = malloc(sizeof(int32_t) * (size_t)s->tidmap_len);
    if (!s->th || !s->ord || !s->tidmap)
        return -1;
    memset(s->tidmap, 0xff, sizeof(int32_t) * (size_t)s->tidmap_len);
    sim_rq_init(&s->global, s->ncpu);
    for (int c = 0; c < s->ncpu; c++) {
        s->cpus[c].cur = -1;
        sim_rq_init(&s->cpus[c].pinned, c);
    }
    return 0;
}

static void sim_free(sim *s)
{
    if (s->w)
        tgs_world_free(s->w);
    for (int c = 0; c < s->ncpu; c++)
        sim_rq_free(&s->cpus[c].pinned);
    sim_rq_free(&s->global);
    for (int t = 0; t < s->nth; t++)
        free(s->th[t].ext);
    free(s->th);
    free(s->names);
    free(s->pr);
    free(s->ord);
    free(s->tidmap);
    free(s->htab);
    free(s->timers);
    free(s->flows);
    free(s->flow_ht);
    free(s->glog);
    free(s);
}

static sim *sim_new(const sc_file *f, const sim_options *opt, FILE *out, tgs_obs *obs,
                    char *err, size_t errlen)
{
    sim *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->f = f;
    if (opt)
        s->opt = *opt;
    s->out = out;
    s->obs = obs;
    s->err = err;
    s->errlen = errlen;
    s->step = -1;
    s->ncpu = f->cpus < 1 ? 1 : f->cpus > SIM_MAX_CPUS ? SIM_MAX_CPUS : f->cpus;
    s->preempt = f->preempt;
    s->max_events = s->opt.max_events > 0 ? s->opt.max_events : 2000000L;
    s->rng = s->opt.seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
    if (!s->rng)
        s->rng = 1;
    s->exec_thread = s->last_unit = -1;
    s->check = resolve_check(f, s->opt.check);
    s->check_budget = s->opt.check == SIM_CHECK_AUTO ? SIM_CHECK_AUTO_CALLS : -1;
    s->emit = out && !s->opt.quiet;
    if (sim_alloc(s) < 0 || build_tables(s) < 0 || build_htab(s) < 0) {
        sim_free(s);
        return NULL;
    }
    return s;
}

/* ---- setup --------------------------------------------------------------------------------- */

/* A setup-time call made as thread t returned r; then t passes exit-to-user. */
static int as_thread(sim *s, int t, long r, const char *what)
{
    if (sim_after_call(s, what, t) < 0)
        return -1;
    if (r < 0) {
        sim_fail(s, "%s for %s failed: %s", what, sim_name(s, t), sc_errname((int)-r));
        return -1;
    }
    sim_run_now(s, t);
    return s->failed ? -1 : 0;
}

static int new_task(sim *s, int t, tgs_pid tid, int parent_t)
{
    sim_map_tid(s, tid, t);
    if (s->failed)
        return -1;
    sim_thread *th = &s->th[t];
    th->state = TS_IDLE;
    th->last_cpu = (int8_t)(parent_t >= 0 && s->th[parent_t].last_cpu >= 0 ? s->th[parent_t].last_cpu : 0);
    out_thread_meta(s, t);
    sim_run_now(s, t);
    return s->failed ? -1 : 0;
}

static int sys_proc(sim *s, const char *name, tgs_pid tid, int parent_t)
{
    int p = sim_add_proc(s, name, -1);
    if (p < 0)
        return -1;
    int t = sim_add_thread(s, p, name);
    if (t < 0)
        return -1;
    s->pr[p].tgid = tid;
    s->pr[p].created = 1;
    if (new_task(s, t, tid, parent_t) < 0)
        return -1;
    return t;
}

static int make_runner(sim *s)
{
    s->init = sys_proc(s, "init", tgs_init_pid(s->w), -1);
    if (s->init < 0)
        return -1;
    tgs_pid tid = 0;
    /* like the kernel runner: the scenario runs in a pid namespace whose init is the runner,
     * so kill(-1) reaches exactly the scenario's processes */
    long r = tgs_clone(s->w, s->th[s->init].tid, TGS_CLONE_NEWPID, 17, &tid);
    if (as_thread(s, s->init, r, "fork") < 0)
        return -1;
    s->runner = sys_proc(s, "runner", tid, s->init);
    if (s->runner < 0)
        return -1;
    tgs_pid self = s->th[s->runner].tid;
    tgs_cred root = { 0, 0, 0, 1 };
    if (tgs_set_cred(s->w, self, &root) < 0) {
        sim_fail(s, "set_cred for the runner failed");
        return -1;
    }
    if (as_thread(s, s->runner, tgs_setsid(s->w, self), "setsid") < 0)
        return -1;
    return as_thread(s, s->runner, tgs_prctl_set_child_subreaper(s->w, self, 1), "prctl(subreaper)");
}

static int spawn_proc(sim *s, int p, tgs_pid *tid)
{
    const sc_proc *sp = &s->f->procs[p];
    int pt = sp->parent >= 0 ? s->pr[sp->parent].leader : s->runner;
    if (sp->kernel) {
        long r = tgs_kthread_create(s->w, tid);
        if (sim_after_call(s, "kthread_create", -1) < 0 || r < 0) {
            sim_fail(s, "kthread_create for %s failed: %ld", sp->name, r);
            return -1;
        }
        tgs_task_info ti;
        if (tgs_task_info_get(s->w, *tid, &ti) == 0 && sim_thread_of_tid(s, ti.ppid) < 0)
            sys_proc(s, "kthreadd", ti.ppid, -1);
        return s->failed ? -1 : 0;
    }
    if (pt < 0 || s->th[pt].state != TS_IDLE) {
        sim_fail(s, "parent of %s is not alive", sp->name);
        return -1;
    }
    long r = sp->is_init ? tgs_clone(s->w, s->th[pt].tid, TGS_CLONE_NEWPID, 17, tid)
                         : tgs_fork(s->w, s->th[pt].tid, tid);
    return as_thread(s, pt, r, sp->is_init ? "clone(CLONE_NEWPID)" : "fork");
}

static int proc_options(sim *s, int p)
{
    const sc_proc *sp = &s->f->procs[p];
    int t = s->pr[p].leader;
    tgs_pid self = s->th[t].tid, tg = 0;
    tgs_cred c = { (uint32_t)sp->uid, (uint32_t)sp->euid, (uint32_t)sp->suid, sp->cap_kill };
    if (tgs_set_cred(s->w, self, &c) < 0)
        sim_fail(s, "set_cred for %s failed", sp->name);
    if (sp->sigpending >= 0 && tgs_set_rlimit_sigpending(s->w, self, sp->sigpending) < 0)
        sim_fail(s, "rlimit_sigpending for %s failed", sp->name);
    if (s->failed || sp->kernel)
        return s->failed ? -1 : 0;
    if (sp->new_session)
        return as_thread(s, t, tgs_setsid(s->w, self), "setsid");
    if (sp->pgrp_of >= 0)
        tg = tgs_getpgid(s->w, s->pr[sp->pgrp_of].tgid);
    else if (sp->parent < 0 && s->top_pgid)
        tg = s->top_pgid;
    if (sp->pgrp_of >= 0 || sp->parent < 0)
        if (as_thread(s, t, tgs_setpgid(s->w, self, 0, tg), "setpgid") < 0)
            return -1;
    if (sp->pgrp_of < 0 && sp->parent < 0 && !s->top_pgid)
        s->top_pgid = self;
    if (sp->subreaper &&
        as_thread(s, t, tgs_prctl_set_child_subreaper(s->w, self, 1), "prctl(subreaper)") < 0)
        return -1;
    if (sp->pdeathsig &&
        as_thread(s, t, tgs_prctl_set_pdeathsig(s->w, self, sp->pdeathsig), "prctl(pdeathsig)") < 0)
        return -1;
    return 0;
}

static int create_threads(sim *s, int p)
{
    sim_proc *pp = &s->pr[p];
    for (int k = 0; k < pp->n; k++) {
        int t = s->ord[pp->first + k];
        if (t == pp->leader || s->f->threads[t].created_by_step >= 0)
            continue;
        tgs_pid tid = 0;
        long r = tgs_clone(s->w, s->th[pp->leader].tid, TGS_CLONE_THREAD, 0, &tid);
        if (as_thread(s, pp->leader, r, "clone(CLONE_THREAD)") < 0)
            return -1;
        if (new_task(s, t, tid, pp->leader) < 0)
            return -1;
    }
    return 0;
}

static int create_proc(sim *s, int p)
{
    tgs_pid tid = 0;
    if (spawn_proc(s, p, &tid) < 0)
        return -1;
    sim_proc *pp = &s->pr[p];
    pp->tgid = tid;
    pp->created = 1;
    int parent = s->f->procs[p].parent;
    if (new_task(s, pp->leader, tid, parent >= 0 ? s->pr[parent].leader : s->runner) < 0)
        return -1;
    if (proc_options(s, p) < 0)
        return -1;
    return create_threads(s, p);
}

static int setup(sim *s)
{
    tgs_host_ops ops;
    sim_host_ops(s, &ops);
    tgs_config cfg = { 1024, 32768 };
    if (s->f->n_threads * 2 + 1024 > cfg.max_tasks)
        cfg.max_tasks = s->f->n_threads * 2 + 1024;
    s->w = tgs_world_new(&ops, &cfg);
    if (!s->w) {
        sim_fail(s, "tgs_world_new failed");
        return -1;
    }
    out_begin(s);
    out_text(s, "# setup");
    s->settle_limit = SIM_SETTLE_WINDOW_NS;
    if (make_runner(s) < 0)
        return -1;
    for (int p = 0; p < s->f->n_procs; p++)
        if (s->f->procs[p].created_by_step < 0 && create_proc(s, p) < 0)
            return -1;
    if (sim_settle(s) < 0)
        return -1;
    progress(s, -1, 1);
    return s->check == SIM_CHECK_OFF ? 0 : check_core(s, "setup", -1);
}

/* ---- steps --------------------------------------------------------------------------------- */
static const char *busy_reason(const sim_thread *th)
{
    switch (th->state) {
    case TS_NONE: return "not created yet";
    case TS_SLEEP: return "asleep in a syscall";
    case TS_STOPPED: return "stopped";
    case TS_DEAD: return "dead";
    case TS_SPIN: return "spinning in a handler";
    default: return "busy";
    }
}

static int can_act(const sim_thread *th)
{
    return th->state == TS_IDLE || (th->state == TS_SPIN && th->depth == 0);
}

static void act(sim *s, int i, int t, int star)
{
    sim_thread *th = &s->th[t];
    if (!can_act(th)) {
        char msg[160];
        snprintf(msg, sizeof(msg), "# %s skipped: %s", sim_name(s, t), busy_reason(th));
        if (star && th->state != TS_NONE)
            out_text(s, msg);
        else
            sim_fail(s, "%s cannot act: it is %s", sim_name(s, t), busy_reason(th));
        return;
    }
    sim_start_action(s, t, &s->f->steps[i].act, i);
    if (sim_settle(s) < 0)
        return;
    sim_record_blocked(s, t);
}

static void step_header(sim *s, int i)
{
    if (!s->emit)
        return;
    const sc_step *st = &s->f->steps[i];
    char a[700], line[1100];
    sim_fmt_action(s, &st->act, a, sizeof(a));
    const char *who = st->actor_thread >= 0 ? sim_name(s, st->actor_thread) : NULL;
    if (who)
        snprintf(line, sizeof(line), "# step %d (%s:%d): %s: %s", i + 1, s->f->path,
                 st->loc.line, who, a);
    else
        snprintf(line, sizeof(line), "# step %d (%s:%d): %s.*: %s", i + 1, s->f->path,
                 st->loc.line, s->f->procs[st->actor_proc].name, a);
    out_step(s, i, st->actor_thread, line);
}

static void statuses(sim *s, int after)
{
    for (int k = 0; k < s->f->n_status; k++) {
        const sc_status *st = &s->f->status[k];
        if (st->after_step != after)
            continue;
        for (int j = 0; j < st->n; j++)
            sim_status(s, st->threads[j], after - 1);
    }
}

/* Is an expectation checked right after step i? */
static int expect_after(const sim *s, int i)
{
    for (int k = 0; k < s->f->n_expects; k++)
        if (s->f->expects[k].after_step == i + 1)
            return 1;
    return 0;
}

static void run_step(sim *s, int i)
{
    const sc_step *st = &s->f->steps[i];
    s->step = i;
    s->now = (s->now / SIM_STEP_ALIGN_NS + 1) * SIM_STEP_ALIGN_NS;
    s->settle_limit = s->now + SIM_SETTLE_WINDOW_NS;
    progress(s, i, 0);
    step_header(s, i);
    if (st->actor_thread >= 0) {
        act(s, i, st->actor_thread, 0);
    } else {
        const sim_proc *p = &s->pr[st->actor_proc];
        for (int k = 0; k < p->n && !s->failed; k++)
            act(s, i, s->ord[p->first + k], 1);
    }
    if (!s->failed)
        progress(s, i, 1);
    int last = i + 1 == s->f->n_steps;
    if (!s->failed && (s->check == SIM_CHECK_STEP || (s->check == SIM_CHECK_END && last)))
        check_core(s, "the step", -1);
}

int sim_run(const sc_file *f, const sim_options *opt, FILE *out, tgs_obs *obs, char *err,
            size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    sim *s = sim_new(f, opt, out, obs, err, errlen);
    if (!s) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", f->path);
        return -1;
    }
    if (obs)
        obs->caps |= OBS_CAP_TRACE | OBS_CAP_EXIT_ORDER | OBS_CAP_STATUS;
    if (setup(s) == 0) {
        statuses(s, 0);
        for (int i = 0; i < f->n_steps && !s->failed; i++) {
            run_step(s, i);
            statuses(s, i + 1);
            if (!s->failed && i + 1 < f->n_steps && expect_after(s, i))
                sim_fill_end_obs(s, i);
        }
    }
    s->step = f->n_steps - 1;
    if (!s->failed)
        sim_fill_end_obs(s, s->step);
    sim_summary(s);
    out_end(s);
    int failed = s->failed;
    if (failed && obs && err)
        snprintf(obs->error, sizeof(obs->error), "%s", err);
    if (obs)
        obs->n_threads = f->n_threads;
    sim_free(s);
    return failed ? -1 : 0;
}
