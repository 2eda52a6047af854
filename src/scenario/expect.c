/* expect.c - evaluate `expect` lines against an observation (docs/scenario.md, "Expectations").
 *
 * An expectation placed after step k sees the events with step < after_step. One placed after
 * the last step sees everything, including the end-of-run records. Process and thread states
 * come from the latest OBS_PROC_END / OBS_THREAD_END record in range (executors may emit them
 * as snapshots after any step); without one, a process whose threads have all exited is dead
 * (how it died is taken from any later end record or wait report, since death is final), and
 * one with a live thread is alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obs_int.h"

typedef struct ectx {
    const sc_file *f;
    const tgs_obs *o;
    int upto;                   /* events with step < upto are visible */
    int final;                  /* after the last step: everything is visible */
} ectx;

static int in_range(const ectx *c, const obs_event *e)
{
    return c->final || e->step < c->upto;
}

/* ---- the text of a condition ---- */

static void subject_text(sbuf *b, const sc_file *f, const sc_cond *k)
{
    char n[OBS_NAME];
    if (k->thread >= 0) sb_puts(b, obs__thread_name(f, k->thread, n));
    else if (k->thread == -2) sb_printf(b, "%s.*", obs__proc_name(f, k->proc, n));
    else sb_puts(b, obs__proc_name(f, k->proc, n));
}

static void result_cond_text(sbuf *b, const sc_result *r)
{
    if (r->kind == SC_R_ERRNO) sb_puts(b, sc_errname((int)r->value));
    else if (r->kind == SC_R_BLOCKED) sb_puts(b, "blocked");
    else sb_printf(b, "%ld", r->value);
}

static void waited_cond_text(sbuf *b, const sc_file *f, const sc_cond *k)
{
    char n[OBS_NAME];
    sb_printf(b, " waited %s ", obs__proc_name(f, k->other_proc, n));
    switch (k->wait_kind) {
    case 'e': sb_printf(b, "exited %ld", k->num); break;
    case 'k': sb_printf(b, "killed %s", sc_signame(k->sig)); break;
    case 'd': sb_printf(b, "dumped %s", sc_signame(k->sig)); break;
    case 's': sb_printf(b, k->sig ? "stopped %s" : "stopped", sc_signame(k->sig)); break;
    default: sb_puts(b, "continued"); break;
    }
}

static void list_text(sbuf *b, const sc_file *f, const sc_cond *k, int threads)
{
    char n[OBS_NAME];
    for (int i = 0; i < k->list_len && i < SC_MAX_LIST; i++)
        sb_printf(b, " %s", threads ? obs__thread_name(f, k->list[i], n) : sc_signame(k->list[i]));
}

static void handler_cond_text(sbuf *b, const sc_file *f, const sc_cond *k)
{
    char n[OBS_NAME];
    const char *s = sc_signame(k->sig);
    switch (k->kind) {
    case SC_C_HANDLED:
        sb_printf(b, " handled %s", s);
        if (k->num_set && k->num >= 0) sb_printf(b, " times=%ld", k->num);
        break;
    case SC_C_NOT_HANDLED: sb_printf(b, " not-handled %s", s); break;
    case SC_C_HANDLER_ORDER: sb_puts(b, " handler-order"); list_text(b, f, k, 0); break;
    case SC_C_HANDLER_MASK: sb_printf(b, " handler-mask %s %s", s, obs__mask_text(k->set, n)); break;
    case SC_C_HANDLER_CODE: sb_printf(b, " handler-code %s %s", s, obs__code_name(k->sig, k->num, n)); break;
    case SC_C_HANDLER_VALUE: sb_printf(b, " handler-value %s %ld", s, k->num); break;
    default: sb_printf(b, " handler-pid %s %s", s, obs__pid_name(f, k->other_proc, n)); break;
    }
}

static void cond_text(sbuf *b, const sc_file *f, const sc_cond *k)
{
    if (k->kind == SC_C_EXIT_ORDER) { sb_puts(b, "exit-order"); list_text(b, f, k, 1); return; }
    subject_text(b, f, k);
    switch (k->kind) {
    case SC_C_EXITED: sb_printf(b, " exited %ld", k->num); break;
    case SC_C_KILLED_BY: sb_printf(b, " killed-by %s", sc_signame(k->sig)); break;
    case SC_C_DUMPED: sb_printf(b, " dumped %s", sc_signame(k->sig)); break;
    case SC_C_STOPPED: sb_printf(b, k->sig ? " stopped %s" : " stopped", sc_signame(k->sig)); break;
    case SC_C_ALIVE: sb_puts(b, " alive"); break;
    case SC_C_STATE: sb_printf(b, " state %c", k->state); break;
    case SC_C_DELIVERED: sb_printf(b, " delivered %s", sc_signame(k->sig)); break;
    case SC_C_FIELD:
        sb_printf(b, " field %.*s %.*s", (int)sizeof k->field, k->field, (int)sizeof k->text, k->text);
        break;
    case SC_C_RESULT: sb_puts(b, " result "); result_cond_text(b, &k->result); break;
    case SC_C_WAITED: waited_cond_text(b, f, k); break;
    default: handler_cond_text(b, f, k); break;
    }
}

/* ---- states ---- */

static int thread_exited(const ectx *c, int t)
{
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind == OBS_EXIT && e->thread == t && in_range(c, e)) return 1;
    }
    return 0;
}

/* The latest end record of a kind for a subject (thread, or proc in `other`), NULL if none. */
static const obs_event *latest_end(const ectx *c, int kind, int subj, int any_step)
{
    const obs_event *r = NULL;
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind != kind || (kind == OBS_PROC_END ? e->other : e->thread) != subj) continue;
        if (any_step || in_range(c, e)) r = e;
    }
    return r;
}

static const obs_event *latest_of(const ectx *c, int kind, int t);

/* A thread's State letter at this point: from a status record taken at this point, else from the
 * latest end-state record; 0 if neither was recorded. */
static char thread_state(const ectx *c, int t)
{
    const obs_event *s = latest_of(c, OBS_STATUS, t);
    int now = (c->final ? c->f->n_steps : c->upto) - 1;
    if (s && s->step >= now && s->st.state) return s->st.state;
    const obs_event *te = latest_end(c, OBS_THREAD_END, t, 0);
    return te ? (char)te->code : 0;   /* NOLINT(bugprone-narrowing-conversions): a letter */
}

static int dead_state(char st) { return st == 'Z' || st == 'X'; }

static int all_threads_exited(const ectx *c, int p)
{
    int n = 0;
    for (int t = 0; t < c->f->n_threads; t++) {
        if (c->f->threads[t].proc != p) continue;
        n++;
        if (!dead_state(thread_state(c, t)) && !thread_exited(c, t)) return 0;
    }
    return n > 0;
}

typedef struct pstate { int how; long code; int known; } pstate;   /* how -1 = dead, unknown how */

static int death_from_waits(const ectx *c, int p, pstate *s)
{
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        int num;
        if (e->kind != OBS_WAIT || e->other != p) continue;
        char k = obs__wait_decode(e, &num);
        if (k != 'e' && k != 'k' && k != 'd') continue;
        s->how = k == 'e' ? OBS_END_EXITED : k == 'k' ? OBS_END_KILLED : OBS_END_DUMPED;
        s->code = num;
        return 1;
    }
    return 0;
}

static void proc_state(const ectx *c, int p, pstate *s)
{
    const obs_event *pe = latest_end(c, OBS_PROC_END, p, 0);
    s->known = 1;
    if (pe) { s->how = (int)pe->value; s->code = pe->code; return; }
    if (all_threads_exited(c, p)) {
        const obs_event *later = latest_end(c, OBS_PROC_END, p, 1);
        if (later && later->value >= OBS_END_EXITED && later->value <= OBS_END_DUMPED) {
            s->how = (int)later->value; s->code = later->code; return;
        }
        if (!death_from_waits(c, p, s)) { s->how = -1; s->code = 0; }
        return;
    }
    s->how = OBS_END_ALIVE; s->code = 0; s->known = 0;  /* alive; stopped or not is unknown */
}

static void state_text(sbuf *b, const sc_file *f, int p, const pstate *s)
{
    char n[OBS_NAME], y[OBS_NAME];
    if (s->how == -1) sb_printf(b, "%s is dead (how is not recorded)", obs__proc_name(f, p, n));
    else if (s->how == OBS_END_ALIVE) sb_printf(b, "%s is alive", obs__proc_name(f, p, n));
    else if (s->how == OBS_END_STOPPED)
        sb_printf(b, "%s is %s", obs__proc_name(f, p, n), obs__end_text(s->how, s->code, y));
    else sb_printf(b, "%s %s", obs__proc_name(f, p, n), obs__end_text(s->how, s->code, y));
}

/* ---- process conditions ---- */

static int stopped_from_threads(const ectx *c, int p)   /* 1 stopped, 0 not, -1 unknown */
{
    int seen = 0;
    for (int t = 0; t < c->f->n_threads; t++) {
        if (c->f->threads[t].proc != p) continue;
        char st = thread_state(c, t);
        if (!st) return -1;
        if (dead_state(st)) continue;
        if (st != 'T' && st != 't') return 0;
        seen = 1;
    }
    return seen;
}

static int eval_stopped(const ectx *c, const sc_cond *k, const pstate *s, sbuf *why)
{
    if (s->how == OBS_END_STOPPED) {
        if (!k->sig || s->code == k->sig) return 1;
        if (s->code <= 0) { sb_puts(why, "the stop signal was not recorded"); return -1; }
    } else if (!s->known) {
        int r = stopped_from_threads(c, k->proc);
        if (r == 1 && !k->sig) return 1;
        if (r == 1) { sb_puts(why, "its threads are stopped, but the stop signal was not recorded"); return -1; }
        if (r < 0) { sb_puts(why, "no state of the process was recorded at this point"); return -1; }
    }
    state_text(why, c->f, k->proc, s);
    return 0;
}

static int eval_proc(const ectx *c, const sc_cond *k, sbuf *why)
{
    pstate s;
    if (k->proc < 0 || k->proc >= c->f->n_procs) { sb_puts(why, "no such process"); return 0; }
    proc_state(c, k->proc, &s);
    int want = k->kind == SC_C_EXITED ? OBS_END_EXITED : k->kind == SC_C_KILLED_BY ? OBS_END_KILLED
             : OBS_END_DUMPED;
    long code = k->kind == SC_C_EXITED ? k->num : k->sig;
    if (k->kind == SC_C_STOPPED) return eval_stopped(c, k, &s, why);
    if (k->kind == SC_C_ALIVE) {
        if (s.how == OBS_END_ALIVE || s.how == OBS_END_STOPPED) return 1;
    } else if (s.how == want && s.code == code) {
        return 1;
    }
    if (s.how == -1) { state_text(why, c->f, k->proc, &s); return -1; }
    state_text(why, c->f, k->proc, &s);
    return 0;
}

/* ---- handler conditions ---- */

static int count_handled(const ectx *c, int t, int sig)
{
    int n = 0;
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind == OBS_HANDLER && e->thread == t && e->sig == sig && in_range(c, e)) n++;
    }
    return n;
}

static void others_who_handled(const ectx *c, int t, int sig, sbuf *why)
{
    char n[OBS_NAME];
    int any = 0;
    for (int u = 0; u < c->f->n_threads; u++) {
        if (u == t || !count_handled(c, u, sig)) continue;
        sb_printf(why, "%s%s", any ? ", " : "", obs__thread_name(c->f, u, n));
        any = 1;
    }
    sb_puts(why, any ? " handled it instead" : "no thread handled it");
}

static int eval_handled(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME];
    int cnt = count_handled(c, t, k->sig);
    if (k->kind == SC_C_NOT_HANDLED) {
        if (!cnt) return 1;
        sb_printf(why, "%s handled it %d time%s", obs__thread_name(c->f, t, n), cnt, cnt == 1 ? "" : "s");
        return 0;
    }
    int exact = k->num_set && k->num >= 0;
    if (exact ? cnt == k->num : cnt > 0) return 1;
    if (cnt == 0 && k->thread == -2) {
        sb_printf(why, "%s did not handle it; ", obs__thread_name(c->f, t, n));
        others_who_handled(c, t, k->sig, why);
    } else if (cnt == 0 && !(exact && k->num == 0)) others_who_handled(c, t, k->sig, why);
    else sb_printf(why, "%s handled it %d time%s", obs__thread_name(c->f, t, n), cnt, cnt == 1 ? "" : "s");
    return 0;
}

static const obs_event *last_handler(const ectx *c, int t, int sig)
{
    const obs_event *r = NULL;
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind == OBS_HANDLER && e->thread == t && e->sig == sig && in_range(c, e)) r = e;
    }
    return r;
}

static int eval_handler_field(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME], v[OBS_NAME];
    const obs_event *h = last_handler(c, t, k->sig);
    if (!h) {
        sb_printf(why, "%s never ran the %s handler; ", obs__thread_name(c->f, t, n), sc_signame(k->sig));
        others_who_handled(c, t, k->sig, why);
        return 0;
    }
    sb_printf(why, "%s's %s handler saw ", obs__thread_name(c->f, t, n), sc_signame(k->sig));
    switch (k->kind) {
    case SC_C_HANDLER_MASK:
        if (h->mask == k->set) return 1;
        sb_printf(why, "mask %s", obs__mask_text(h->mask, v)); return 0;
    case SC_C_HANDLER_CODE:
        if (h->code == k->num) return 1;
        sb_printf(why, "code %s", obs__code_name(h->sig, h->code, v)); return 0;
    case SC_C_HANDLER_VALUE:
        if (h->value == k->num) return 1;
        sb_printf(why, "value %ld", h->value); return 0;
    default:
        if (h->other < -1) { sb_puts(why, "a sender that was not recorded"); return -1; }
        if (h->other == k->other_proc) return 1;
        sb_printf(why, "pid %s", obs__pid_name(c->f, h->other, v)); return 0;
    }
}

static int eval_handler_order(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    int got[SC_MAX_LIST], n = 0, ok = 1, more = 0;
    char nm[OBS_NAME];
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind != OBS_HANDLER || e->thread != t || !in_range(c, e)) continue;
        int listed = 0;
        for (int j = 0; j < k->list_len && j < SC_MAX_LIST; j++) listed |= k->list[j] == e->sig;
        if (!listed) continue;
        if (n >= k->list_len || k->list[n] != e->sig) ok = 0;
        if (n < SC_MAX_LIST) got[n++] = e->sig;
        else { ok = 0; more = 1; }
    }
    if (ok && !more && n == k->list_len) return 1;
    sb_printf(why, "%s ran ", obs__thread_name(c->f, t, nm));
    if (!n) { sb_puts(why, "none of those handlers"); return 0; }
    sb_puts(why, "handlers");
    for (int i = 0; i < n; i++) sb_printf(why, " %s", sc_signame(got[i]));
    if (more) sb_puts(why, " ...");
    return 0;
}

/* ---- other thread conditions ---- */

static const obs_event *latest_of(const ectx *c, int kind, int t)
{
    const obs_event *r = NULL;
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind == kind && e->thread == t && in_range(c, e)) r = e;
    }
    return r;
}

static int eval_delivered(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME];
    if (!(c->o->caps & OBS_CAP_TRACE)) {
        sb_puts(why, "signal delivery was not traced (needs tracefs)");
        return -1;
    }
    const obs_event *d = latest_of(c, OBS_DELIVER, t);
    if (d && d->sig == k->sig) return 1;
    if (!d) sb_printf(why, "no signal was delivered to %s", obs__thread_name(c->f, t, n));
    else sb_printf(why, "the last signal delivered to %s was %s", obs__thread_name(c->f, t, n),
                   sc_signame(d->sig));
    return 0;
}

static int eval_result(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME], v[OBS_NAME];
    const obs_event *r = latest_of(c, OBS_RESULT, t);
    const sc_result *w = &k->result;
    if (!r) { sb_printf(why, "%s made no syscall step", obs__thread_name(c->f, t, n)); return 0; }
    int ok = w->kind == SC_R_BLOCKED ? r->blocked
           : w->kind == SC_R_ERRNO ? !r->blocked && r->err == w->value
           : w->kind == SC_R_VALUE ? !r->blocked && !r->err && r->value == w->value : 1;
    if (ok) return 1;
    if (r->blocked) sb_printf(why, "%s is still blocked in its last syscall", obs__thread_name(c->f, t, n));
    else sb_printf(why, "%s's last syscall returned %s", obs__thread_name(c->f, t, n), obs__result_text(r, v));
    return 0;
}

static int wait_matches(const sc_cond *k, const obs_event *e)
{
    int num;
    char got = obs__wait_decode(e, &num);
    switch (k->wait_kind) {
    case 'e': return got == 'e' && num == k->num;
    case 'k': return (got == 'k' || got == 'd') && num == k->sig;   /* with or without core */
    case 'd': return got == 'd' && num == k->sig;
    case 's': return got == 's' && (!k->sig || num == k->sig);
    case 'c': return got == 'c';
    default: return 0;
    }
}

static int eval_waited(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME], v[OBS_NAME];
    int seen = 0;
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind != OBS_WAIT || e->thread != t || e->other != k->other_proc || !in_range(c, e))
            continue;
        if (wait_matches(k, e)) return 1;
        sb_printf(why, "%s%s", seen ? ", then " : "", obs__wait_text(e, v));
        seen = 1;
    }
    if (!seen) sb_printf(why, "no wait by %s reported %s", obs__thread_name(c->f, t, n),
                         obs__proc_name(c->f, k->other_proc, v));
    else sb_printf(why, " (reported to %s)", obs__thread_name(c->f, t, n));
    return 0;
}

static int eval_alive_state(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME];
    char st = thread_state(c, t);
    if (k->kind == SC_C_ALIVE) {
        if (!thread_exited(c, t) && !dead_state(st)) return 1;
        sb_printf(why, "%s has exited", obs__thread_name(c->f, t, n));
        return 0;
    }
    if (!st) {
        sb_printf(why, "no state of %s was recorded at this point", obs__thread_name(c->f, t, n));
        return -1;
    }
    if (st == k->state) return 1;
    sb_printf(why, "%s is in state %c", obs__thread_name(c->f, t, n), st);
    return 0;
}

int obs__eval_field(const sc_file *f, const obs_status *st, const char *name, const char *text,
                    sbuf *why);

static int eval_field(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    char n[OBS_NAME];
    const obs_event *s = latest_of(c, OBS_STATUS, t);
    int now = (c->final ? c->f->n_steps : c->upto) - 1;
    if (!s || s->step < now) {     /* only a status taken at this point tells the present */
        obs__thread_name(c->f, t, n);
        sb_printf(why, "no status of %s was recorded at this point (a `status %s` line just above "
                  "the expect records one)", n, n);
        return -1;
    }
    char name[sizeof k->field + 1], text[sizeof k->text + 1];
    snprintf(name, sizeof name, "%.*s", (int)sizeof k->field, k->field);
    snprintf(text, sizeof text, "%.*s", (int)sizeof k->text, k->text);
    sb_printf(why, "%s ", obs__thread_name(c->f, t, n));
    return obs__eval_field(c->f, &s->st, name, text, why);
}

static int eval_thread(const ectx *c, const sc_cond *k, int t, sbuf *why)
{
    switch (k->kind) {
    case SC_C_ALIVE: case SC_C_STATE: return eval_alive_state(c, k, t, why);
    case SC_C_HANDLED: case SC_C_NOT_HANDLED: return eval_handled(c, k, t, why);
    case SC_C_DELIVERED: return eval_delivered(c, k, t, why);
    case SC_C_HANDLER_ORDER: return eval_handler_order(c, k, t, why);
    case SC_C_HANDLER_MASK: case SC_C_HANDLER_CODE:
    case SC_C_HANDLER_VALUE: case SC_C_HANDLER_PID: return eval_handler_field(c, k, t, why);
    case SC_C_FIELD: return eval_field(c, k, t, why);
    case SC_C_RESULT: return eval_result(c, k, t, why);
    case SC_C_WAITED: return eval_waited(c, k, t, why);
    default: sb_puts(why, "unknown condition"); return 0;
    }
}

/* ---- exit order ---- */

static int eval_exit_order(const ectx *c, const sc_cond *k, sbuf *why)
{
    char n[OBS_NAME];
    int pos = 0, ok = 1, len = k->list_len < SC_MAX_LIST ? k->list_len : SC_MAX_LIST;
    unsigned char seen[SC_MAX_LIST] = { 0 };
    if (!(c->o->caps & OBS_CAP_EXIT_ORDER)) { sb_puts(why, "the exit order was not observed"); return -1; }
    sb_puts(why, "the exit order was");
    for (int i = 0; i < c->o->n; i++) {
        const obs_event *e = &c->o->ev[i];
        if (e->kind != OBS_EXIT || !in_range(c, e)) continue;
        for (int j = 0; j < len; j++) {
            if (k->list[j] != e->thread || seen[j]) continue;
            seen[j] = 1;
            if (j != pos) ok = 0;
            pos++;
            sb_printf(why, " %s", obs__thread_name(c->f, e->thread, n));
            break;
        }
    }
    if (ok && pos == len) return 1;
    if (!pos) sb_puts(why, " (none of them exited)");
    for (int j = 0; j < len; j++)
        if (!seen[j]) sb_printf(why, "; %s did not exit", obs__thread_name(c->f, k->list[j], n));
    return 0;
}

/* ---- one condition, PROC.* and alternatives ---- */

static int is_proc_cond(const sc_cond *k)
{
    return k->kind == SC_C_EXITED || k->kind == SC_C_KILLED_BY || k->kind == SC_C_DUMPED ||
           k->kind == SC_C_STOPPED || (k->kind == SC_C_ALIVE && k->thread == -1);
}

static int eval_every_thread(const ectx *c, const sc_cond *k, sbuf *why)
{
    int res = 1;
    for (int t = 0; t < c->f->n_threads; t++) {
        const sc_thread *th = &c->f->threads[t];
        if (th->proc != k->proc) continue;
        if (!c->final && th->created_by_step >= c->upto) continue;   /* not created yet */
        char tmp[512];
        sbuf w;
        sb_init(&w, tmp, sizeof tmp);
        int r = eval_thread(c, k, t, &w);
        if (r == 0) { sb_puts(why, tmp); return 0; }
        if (r < 0 && res == 1) { sb_puts(why, tmp); res = -1; }
    }
    return res;
}

static int eval_cond(const ectx *c, const sc_cond *k, sbuf *why)
{
    if (k->kind == SC_C_EXIT_ORDER) return eval_exit_order(c, k, why);
    if (is_proc_cond(k)) return eval_proc(c, k, why);
    if (k->proc < 0 || k->proc >= c->f->n_procs) { sb_puts(why, "no such process"); return 0; }
    if (k->thread == -2) return eval_every_thread(c, k, why);
    int t = k->thread >= 0 ? k->thread : c->f->procs[k->proc].first_thread;
    if (t < 0 || t >= c->f->n_threads) { sb_puts(why, "no such thread"); return 0; }
    return eval_thread(c, k, t, why);
}

int obs_eval(const sc_file *f, const tgs_obs *o, const sc_expect *e, char *why, size_t whylen)
{
    ectx c = { f, o, e->after_step, e->after_step >= f->n_steps };
    sbuf out, alts;
    char detail[1024];
    int res = 0;
    sb_init(&out, why, whylen);
    sb_init(&alts, detail, sizeof detail);
    sb_puts(&out, "expected ");
    for (int i = 0; i < e->n_alt; i++) {
        char w[512];
        sbuf wb;
        sb_init(&wb, w, sizeof w);
        if (i) sb_puts(&out, " or ");
        cond_text(&out, f, &e->alt[i]);
        int r = eval_cond(&c, &e->alt[i], &wb);
        if (r == 1) res = 1;
        else if (r < 0 && res == 0) res = -1;
        if (r != 1 && w[0] && !strstr(detail, w)) sb_printf(&alts, "%s%s", alts.n ? "; " : "", w);
    }
    if (res != 1 && alts.n) sb_printf(&out, "; %s", detail);
    return res;
}

/* ---- `field NAME VALUE` against one status record ---- */

static int find_proc(const sc_file *f, const char *s, size_t len)
{
    for (int p = 0; p < f->n_procs; p++)
        if (strlen(f->procs[p].name) == len && !memcmp(f->procs[p].name, s, len)) return p;
    return -1;
}

/* "PROC.THREAD" -> thread index, "PROC" -> -2 - proc, unknown -> -1 */
static int resolve_name(const sc_file *f, const char *s)
{
    const char *dot = strchr(s, '.');
    int p = find_proc(f, s, dot ? (size_t)(dot - s) : strlen(s));
    if (p < 0) return -1;
    if (!dot) return -2 - p;
    for (int t = 0; t < f->n_threads; t++)
        if (f->threads[t].proc == p && !strcmp(f->threads[t].name, dot + 1)) return t;
    return -1;
}

static int parse_num(const char *s, int base, unsigned long long *v)
{
    char *end;
    if (!*s) return 0;
    *v = strtoull(s, &end, base);
    return *end == 0 || *end == '/';
}

static int field_ppid(const sc_file *f, const obs_status *st, const char *text, sbuf *why)
{
    char n[OBS_NAME];
    int r = resolve_name(f, text), got = st->ppid_proc;
    if (strcmp(text, "0") != 0 && r == -1) { sb_printf(why, "field PPid: unknown name %s", text); return 0; }
    int want = !strcmp(text, "0") ? -2 : r >= 0 ? obs__thread_proc(f, r) : -2 - r;
    if (got == want) return 1;
    sb_printf(why, "has PPid %s", got == -2 ? "0" : got == -1 ? "outside the scenario"
                                 : obs__proc_name(f, got, n));
    return 0;
}

/* Tgid and Pid: a thread name must match exactly. A process name means the process's tgid,
 * whichever thread holds it (after exec a non-leader takes over the leader's pid): for Tgid, a
 * thread of that process; for Pid, the thread that holds the tgid. */
static int field_ids(const sc_file *f, const obs_status *st, const char *name, const char *text, sbuf *why)
{
    char n[OBS_NAME];
    int r = resolve_name(f, text), tgid = !strcmp(name, "Tgid");
    int got = tgid ? st->tgid_thread : st->pid_thread;
    if (r == -1) { sb_printf(why, "field %s: unknown name %s", name, text); return 0; }
    int ok = r >= 0 ? got == r
           : obs__thread_proc(f, got) == -2 - r && (tgid || got == st->tgid_thread);
    if (ok) return 1;
    sb_printf(why, "has %s %s", name, obs__thread_name(f, got, n));
    return 0;
}

static int field_mask(const obs_status *st, const char *name, const char *text, sbuf *why)
{
    static const char *const names[] = { "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt" };
    const uint64_t vals[] = { st->pnd, st->shd, st->blk, st->ign, st->cgt };
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, names[i]) != 0) continue;
        unsigned long long v;
        if (!parse_num(text, 16, &v)) { sb_printf(why, "field %s: bad value %s", name, text); return 0; }
        if (v == vals[i]) return 1;
        sb_printf(why, "has %s %016llx", name, (unsigned long long)vals[i]);
        return 0;
    }
    sb_printf(why, "has no status field %s", name);
    return 0;
}

static int field_numbers(const obs_status *st, const char *name, const char *text, sbuf *why)
{
    unsigned long long v;
    if (!parse_num(text, 10, &v)) { sb_printf(why, "field %s: bad value %s", name, text); return 0; }
    if (!strcmp(name, "Threads")) {
        if ((long long)v == st->threads) return 1;
        sb_printf(why, "has Threads %d", st->threads);
        return 0;
    }
    if (st->sigq < 0) { sb_puts(why, "has no recorded SigQ"); return -1; }
    const char *slash = strchr(text, '/');
    unsigned long long lim = 0;
    int lim_ok = !slash || (parse_num(slash + 1, 10, &lim) && (long)lim == st->sigq_limit);
    if ((long)v == st->sigq && lim_ok) return 1;
    sb_printf(why, "has SigQ %ld/%ld", st->sigq, st->sigq_limit);
    return 0;
}

int obs__eval_field(const sc_file *f, const obs_status *st, const char *name, const char *text,
                    sbuf *why)
{
    if (!strcmp(name, "State")) {
        if (text[0] && text[0] == st->state) return 1;
        sb_printf(why, "has State %c", st->state ? st->state : '?');
        return 0;
    }
    if (!strcmp(name, "PPid")) return field_ppid(f, st, text, why);
    if (!strcmp(name, "Tgid") || !strcmp(name, "Pid")) return field_ids(f, st, name, text, why);
    if (!strcmp(name, "Threads") || !strcmp(name, "SigQ")) return field_numbers(st, name, text, why);
    return field_mask(st, name, text, why);
}
