/* summary.c - what the core's events mean for the scenario: observation records, status
 * blocks, the end-of-run summary and the --explain causal chains. */
#include "sim/sim_int.h"
#include <stdlib.h>
#include <string.h>

#define GEN_SCAN 4096           /* how far back a sender is looked up in the generate log */

const char *sim_signame(int sig)
{
    if (sig == 0)
        return "0";
    return sc_signame(sig);
}

static void glog_add(sim *s, const tgs_event *ev, int from, int target)
{
    if (s->glog_n == s->glog_cap) {
        int n = s->glog_cap ? s->glog_cap * 2 : 256;
        sim_gen *g = realloc(s->glog, sizeof(*g) * (size_t)n);
        if (!g)
            return;
        s->glog = g;
        s->glog_cap = n;
    }
    sim_gen *g = &s->glog[s->glog_n++];
    g->step = s->step;
    g->from = from;
    g->target = target;
    g->proc = target >= 0 ? s->th[target].proc : -1;
    g->sig = ev->sig;
    g->grp = ev->group;
}

/* The latest generate of sig aimed at thread t (or, if t < 0, at process p). */
static const sim_gen *glog_find(const sim *s, int sig, int t, int p)
{
    for (int i = s->glog_n - 1, k = 0; i >= 0 && k < GEN_SCAN; i--, k++) {
        const sim_gen *g = &s->glog[i];
        if (g->sig != sig)
            continue;
        if ((t >= 0 && g->target == t && !g->grp) || g->proc == (t >= 0 ? s->th[t].proc : p))
            return g;
    }
    return NULL;
}

/* ---- events -------------------------------------------------------------------------------- */
static obs_event *obs_new(sim *s, int kind, int t)
{
    return s->obs ? obs_add(s->obs, kind, s->step, t < s->f->n_threads ? t : -1) : NULL;
}

static void note_deliver(sim *s, const tgs_event *ev, int self)
{
    obs_event *e = obs_new(s, OBS_DELIVER, self);
    if (e)
        e->sig = ev->sig;
    if (self < 0)
        return;
    sim_thread *th = &s->th[self];
    const sim_proc *p = &s->pr[th->proc];
    const sim_gen *g = glog_find(s, ev->sig, self, -1);
    th->last_sig = (uint8_t)ev->sig;
    th->last_sig_step = s->step;
    th->last_sig_code = (int16_t)ev->code;
    th->last_sig_handled = ev->sa_handler > 3;
    th->last_sig_gexit = ev->sig == 9 && p->gexit && p->gexit_thread != self;
    th->last_sig_from = g ? g->from : -1;
}

static void note_group_exit(sim *s, const tgs_event *ev, int self)
{
    int t = ev->target > 0 ? sim_thread_of_tid(s, ev->target) : self;
    if (t < 0)
        return;
    sim_proc *p = &s->pr[s->th[t].proc];
    if (p->gexit)
        return;
    p->gexit = 1;
    p->gexit_step = s->step;
    p->gexit_thread = self;         /* where it started: a thread of p, or a sender elsewhere */
    p->gexit_code = ev->sig;
    p->gexit_cause_sig = ev->cause_sig;
    p->gexit_cause_thread = ev->cause_tid > 0 ? sim_thread_of_tid(s, ev->cause_tid) : -1;
}

static void note_notify(sim *s, const tgs_event *ev, int self)
{
    if (self < 0 || ev->code < TGS_CLD_EXITED || ev->code > TGS_CLD_DUMPED)
        return;
    sim_proc *p = &s->pr[s->th[self].proc];
    long v = ev->value;
    if (ev->code == TGS_CLD_EXITED) {
        p->end_kind = OBS_END_EXITED;
        p->end_code = (int)(v > 255 ? (v >> 8) & 0xff : v);
    } else {
        p->end_kind = ev->code == TGS_CLD_KILLED ? OBS_END_KILLED : OBS_END_DUMPED;
        p->end_code = (int)(v > 64 ? v & 0x7f : v);
    }
}

static void note_exit(sim *s, const tgs_event *ev, int self)
{
    obs_event *e = obs_new(s, OBS_EXIT, self);
    if (e)
        e->value = ev->value;
    if (self < 0)
        return;
    s->th[self].exit_step = s->step;
    s->th[self].exit_code = (uint16_t)ev->value;
}

static void note_generate(sim *s, const tgs_event *ev, int self)
{
    int tt = sim_thread_of_tid(s, ev->target);
    obs_event *e = obs_new(s, OBS_GENERATE, tt);
    if (e) {
        e->sig = ev->sig;
        e->res = ev->res;
        e->grp = ev->group;
    }
    if (tt >= 0 && ev->res == TGS_RES_DELIVERED)
        glog_add(s, ev, self, tt);
}

void sim_note_event(sim *s, const tgs_event *ev)
{
    int self = sim_thread_of_tid(s, ev->tid);
    switch (ev->type) {
    case TGS_EV_GENERATE: note_generate(s, ev, self); break;
    case TGS_EV_DELIVER: note_deliver(s, ev, self); break;
    case TGS_EV_EXIT: note_exit(s, ev, self); break;
    case TGS_EV_GROUP_EXIT: note_group_exit(s, ev, self); break;
    case TGS_EV_NOTIFY_PARENT: note_notify(s, ev, self); break;
    case TGS_EV_STOP:
        if (self >= 0) {
            s->th[self].stop_sig = (uint8_t)ev->sig;
            s->th[self].stop_step = s->step;
        }
        break;
    case TGS_EV_EXEC:
        if (self >= 0 && ev->value > 0) {
            sim_map_tid(s, (tgs_pid)ev->value, self);
            s->pr[s->th[self].proc].exec_step = s->step + 1;
            s->pr[s->th[self].proc].exec_thread = self;
        }
        break;
    default:
        break;
    }
}

/* ---- output helpers ------------------------------------------------------------------------ */
static void sum_line(sim *s, const char *text)
{
    if (!s->out)
        return;
    if (s->opt.quiet || s->opt.format == SIM_FMT_FTRACE) {
        fprintf(s->out, "%s\n", text);
    } else if (s->opt.format == SIM_FMT_JSONL) {
        fputs("{\"event\":\"summary\",\"text\":", s->out);
        out_json_str(s->out, text);
        fputs("}\n", s->out);
    }
}

/* The live task of thread t, or 0. */
static tgs_pid live_tid(const sim *s, int t)
{
    const sim_thread *th = &s->th[t];
    if (th->state == TS_NONE || sim_thread_of_tid(s, th->tid) != t)
        return 0;
    return th->tid;
}

static char end_letter(const sim *s, int t)
{
    const sim_thread *th = &s->th[t];
    tgs_task_info ti;
    tgs_pid tid = live_tid(s, t);
    int have = tid && tgs_task_info_get(s->w, tid, &ti) == 0;
    switch (th->state) {
    case TS_NONE: return 'X';
    case TS_IDLE: return 'S';
    case TS_SPIN: case TS_RUN: return 'R';
    case TS_STOPPED: return 'T';
    case TS_DEAD: return have && ti.state_letter == 'Z' ? 'Z' : 'X';
    default: return have ? ti.state_letter : 'S';
    }
}

/* ---- status blocks ------------------------------------------------------------------------- */
static void status_obs(sim *s, int t, int step, const tgs_task_info *ti, char letter)
{
    if (!s->obs)
        return;
    obs_event *e = obs_add(s->obs, OBS_STATUS, step, t);
    if (!e)
        return;
    e->st.state = letter;
    e->st.tgid_thread = e->st.pid_thread = -1;
    e->st.ppid_proc = -1;
    if (!ti)
        return;
    int tg = sim_thread_of_tid(s, ti->tgid), pp = sim_proc_of_pid(s, ti->ppid);
    e->st.tgid_thread = tg < s->f->n_threads ? tg : -1;
    e->st.pid_thread = t;
    e->st.ppid_proc = ti->ppid == 0 ? -2 : pp >= 0 && pp < s->f->n_procs ? pp : -1;
    e->st.threads = ti->nr_threads;
    e->st.sigq = ti->sigq;
    e->st.sigq_limit = ti->sigq_limit;
    e->st.pnd = ti->pending;
    e->st.shd = ti->shared_pending;
    e->st.blk = ti->blocked;
    e->st.ign = ti->ignored;
    e->st.cgt = ti->caught;
}

/* An idle simulated thread sleeps in user space (say in a read): "R (running)" becomes
 * "S (sleeping)", one byte longer, so the rest of the text moves up by one (the newline was
 * overwritten before). */
static void patch_idle_state(char *buf, size_t size)
{
    static const char from[] = "State:\tR (running)", to[] = "State:\tS (sleeping)";
    char *p = strstr(buf, from);
    size_t len = strlen(buf);
    if (!p || len + 2 > size)
        return;
    char *rest = p + sizeof from - 1;
    memmove(rest + 1, rest, len - (size_t)(rest - buf) + 1);
    memcpy(p, to, sizeof to - 1);
}

void sim_status(sim *s, int t, int step)
{
    char head[128], buf[2048];
    tgs_task_info ti;
    snprintf(head, sizeof(head), "# status %s", t >= 0 && t < s->nth ? sim_name(s, t) : "?");
    tgs_pid tid = t >= 0 && t < s->nth ? live_tid(s, t) : 0;
    int n = tid ? tgs_proc_status(s->w, tid, buf, sizeof(buf)) : -1;
    if (n < 0 || tgs_task_info_get(s->w, tid, &ti) < 0) {
        strncat(head, ": no such task", sizeof(head) - strlen(head) - 1);
        if (s->emit)
            out_text(s, head);
        status_obs(s, t, step, NULL, 'X');
        return;
    }
    char letter = end_letter(s, t);
    if (s->th[t].state == TS_IDLE)
        patch_idle_state(buf, sizeof(buf));
    if (s->emit) {
        out_text(s, head);
        size_t len = strlen(buf);
        if (len && buf[len - 1] == '\n')
            buf[len - 1] = 0;
        out_text(s, buf);
    }
    status_obs(s, t, step, &ti, letter);
}

/* ---- end of run ---------------------------------------------------------------------------- */
static int proc_end(const sim *s, int p, int *code)
{
    const sim_proc *pp = &s->pr[p];
    int live = 0, stopped = 0, stop_sig = 0;
    *code = 0;
    if (!pp->created)
        return OBS_END_ALIVE;
    if (pp->end_kind >= 0) {
        *code = pp->end_code;
        return pp->end_kind;
    }
    for (int k = 0; k < pp->n; k++) {
        const sim_thread *th = &s->th[s->ord[pp->first + k]];
        if (th->state == TS_NONE || th->state == TS_DEAD)
            continue;
        live++;
        stopped += th->state == TS_STOPPED;
        if (th->state == TS_STOPPED)
            stop_sig = th->stop_sig;
    }
    if (live && live == stopped) {
        *code = stop_sig;
        return OBS_END_STOPPED;
    }
    return OBS_END_ALIVE;
}

/* PROC_END / THREAD_END records as of now, attributed to `step`. */
void sim_fill_end_obs(sim *s, int step)
{
    if (!s->obs)
        return;
    for (int p = 0; p < s->f->n_procs; p++) {
        int code;
        int kind = proc_end(s, p, &code);
        obs_event *e = obs_add(s->obs, OBS_PROC_END, step, -1);
        if (!e)
            return;
        e->other = p;
        e->value = kind;
        e->code = code;
    }
    for (int t = 0; t < s->f->n_threads; t++) {
        obs_event *e = obs_add(s->obs, OBS_THREAD_END, step, t);
        if (!e)
            return;
        e->code = end_letter(s, t);
    }
}

static const char *dfl_desc(int sig)
{
    switch (sig) {
    case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24: case 25: case 31:
        return "default core dump";
    case 19: case 20: case 21: case 22:
        return "default stop";
    case 17: case 18: case 23: case 28:
        return "default ignore";
    default:
        return "default terminate";
    }
}

static const char *tname(const sim *s, int t)
{
    return t >= 0 && t < s->nth ? sim_name(s, t) : "the kernel";
}

static const char *state_text(const sim *s, int t, char *b, size_t n)
{
    const sim_thread *th = &s->th[t];
    switch (th->state) {
    case TS_NONE: return "not created";
    case TS_IDLE: return "idle";
    case TS_SPIN: return "spinning";
    case TS_RUN: return "running";
    case TS_STOPPED: return "stopped";
    case TS_DEAD: return end_letter(s, t) == 'Z' ? "zombie" : "dead";
    default:
        snprintf(b, n, "asleep in %s", sc_action_name(th->sleep_kind));
        return b;
    }
}

static void thread_summary(sim *s, int t)
{
    const sim_thread *th = &s->th[t];
    char line[400], st[64], from[200] = "";
    const char *state = state_text(s, t, st, sizeof(st));
    if (!th->last_sig) {
        snprintf(line, sizeof(line), "  %s: %s, no signal dequeued", sim_name(s, t), state);
    } else {
        if (th->last_sig_gexit)
            snprintf(from, sizeof(from), " (from group exit)");
        else if (th->last_sig_from >= 0)
            snprintf(from, sizeof(from), " (from %s)", tname(s, th->last_sig_from));
        else if (th->last_sig_code > 0)
            snprintf(from, sizeof(from), " (from the kernel)");
        snprintf(line, sizeof(line), "  %s: %s, last signal dequeued %s%s", sim_name(s, t), state,
                 sim_signame(th->last_sig), from);
    }
    sum_line(s, line);
}

static void proc_summary(sim *s, int p)
{
    int code, kind = proc_end(s, p, &code);
    char line[200];
    const char *name = s->pr[p].name;
    switch (kind) {
    case OBS_END_EXITED: snprintf(line, sizeof(line), "%s: exited %d", name, code); break;
    case OBS_END_KILLED: snprintf(line, sizeof(line), "%s: killed by %s", name, sim_signame(code)); break;
    case OBS_END_DUMPED: snprintf(line, sizeof(line), "%s: killed by %s (core dumped)", name, sim_signame(code)); break;
    case OBS_END_STOPPED: snprintf(line, sizeof(line), "%s: stopped by %s", name, sim_signame(code)); break;
    default:
        snprintf(line, sizeof(line), "%s: %s", name, s->pr[p].created ? "alive" : "not created");
    }
    sum_line(s, line);
    for (int k = 0; k < s->pr[p].n; k++)
        thread_summary(s, s->ord[s->pr[p].first + k]);
}

/* ---- explain ------------------------------------------------------------------------------- */
static void sent_by(const sim *s, int sig, int t, int p, int fallback_from, int fallback_step,
                    char *b, size_t n)
{
    const sim_gen *g = glog_find(s, sig, t, p);
    int from = g ? g->from : fallback_from, step = g ? g->step : fallback_step;
    if (step >= 0)
        snprintf(b, n, "sent by %s at step %d", tname(s, from), step + 1);
    else
        snprintf(b, n, "sent by %s during setup", tname(s, from));
}

static void gexit_text(const sim *s, int p, char *b, size_t n)
{
    const sim_proc *pp = &s->pr[p];
    char by[160];
    if (!pp->gexit_cause_sig) {
        snprintf(b, n, "started by exit_group(%d) in %s at step %d", pp->gexit_code,
                 tname(s, pp->gexit_thread), pp->gexit_step + 1);
        return;
    }
    sent_by(s, pp->gexit_cause_sig, -1, p, pp->gexit_cause_thread, pp->gexit_step, by, sizeof(by));
    snprintf(b, n, "started by %s (no handler, %s) %s", sim_signame(pp->gexit_cause_sig),
             dfl_desc(pp->gexit_cause_sig), by);
}

static void explain_dead(sim *s, int t, char *b, size_t n)
{
    const sim_thread *th = &s->th[t];
    const sim_proc *p = &s->pr[th->proc];
    char g[300];
    if (p->exec_step > 0 && p->exec_thread != t && th->exit_step == p->exec_step - 1) {
        snprintf(b, n, "%s killed: exec by %s at step %d", sim_name(s, t), tname(s, p->exec_thread),
                 p->exec_step);
    } else if (p->gexit && (th->last_sig_gexit || p->gexit_thread != t)) {
        gexit_text(s, th->proc, g, sizeof(g));
        snprintf(b, n, "%s killed: %s from group exit %s", sim_name(s, t),
                 th->last_sig ? sim_signame(th->last_sig) : "SIGKILL", g);
    } else if (p->gexit && p->gexit_cause_sig) {
        gexit_text(s, th->proc, g, sizeof(g));
        snprintf(b, n, "%s killed: it started the group exit, %s", sim_name(s, t), g);
    } else if (p->gexit) {
        snprintf(b, n, "%s exited: exit_group(%d) at step %d", sim_name(s, t), p->gexit_code,
                 p->gexit_step + 1);
    } else {
        snprintf(b, n, "%s exited: exit(%d) at step %d", sim_name(s, t), (th->exit_code >> 8) & 0xff,
                 th->exit_step + 1);
    }
}

static void explain_thread(sim *s, int t)
{
    const sim_thread *th = &s->th[t];
    char line[600], by[160], st[64];
    switch (th->state) {
    case TS_DEAD:
        explain_dead(s, t, line, sizeof(line));
        break;
    case TS_STOPPED:
        sent_by(s, th->stop_sig, t, -1, -1, th->stop_step, by, sizeof(by));
        snprintf(line, sizeof(line), "%s stopped: group stop by %s (%s) %s", sim_name(s, t),
                 sim_signame(th->stop_sig), dfl_desc(th->stop_sig), by);
        break;
    default:
        if (th->last_sig)
            snprintf(by, sizeof(by), "; last signal %s at step %d%s", sim_signame(th->last_sig),
                     th->last_sig_step + 1, th->last_sig_handled ? " (handled)" : "");
        else
            by[0] = 0;
        snprintf(line, sizeof(line), "%s %s%s", sim_name(s, t), state_text(s, t, st, sizeof(st)), by);
    }
    sum_line(s, line);
}

void sim_summary(sim *s)
{
    if (!s->out || (s->opt.format == SIM_FMT_PERFETTO && !s->opt.quiet))
        return;
    sum_line(s, "# summary");
    for (int p = 0; p < s->f->n_procs; p++)
        proc_summary(s, p);
    if (s->opt.explain) {
        sum_line(s, "# explain");
        for (int t = 0; t < s->f->n_threads; t++)
            if (s->th[t].state != TS_NONE)
                explain_thread(s, t);
    }
}
