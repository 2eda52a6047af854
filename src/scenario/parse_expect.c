/* parse_expect.c - `expect COND {or COND}` and `status TREF...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse_int.h"

enum { S_PROC, S_THREAD, S_ANY };   /* what a condition's subject may be */

typedef struct cond_def {
    const char *name;
    int kind, subj, min, max;       /* number of argument words */
    int (*fn)(ps *p, const tok *t, int n, sc_cond *c);
} cond_def;

static int c_none(ps *p, const tok *t, int n, sc_cond *c) { (void)p; (void)t; (void)n; (void)c; return 0; }
static int c_sig(ps *p, const tok *t, int n, sc_cond *c) { (void)n; return pv_sig(p, &t[0], 0, &c->sig); }

static int c_exited(ps *p, const tok *t, int n, sc_cond *c)
{
    (void)n;
    c->num_set = 1;
    return pv_num(p, &t[0], 0, 255, "exit code", &c->num);
}

static int c_stopped(ps *p, const tok *t, int n, sc_cond *c) { return n ? pv_sig(p, &t[0], 0, &c->sig) : 0; }

static int c_state(ps *p, const tok *t, int n, sc_cond *c)
{
    char b[64];
    (void)n;
    if (t[0].len != 1 || !strchr("RSDTtZX", t[0].s[0]))
        return perr(p, t[0].col, "bad state %s (R, S, D, T, t, Z or X)", tq(&t[0], b, sizeof b));
    c->state = t[0].s[0];
    return 0;
}

static int c_handled(ps *p, const tok *t, int n, sc_cond *c)
{
    char b[64];
    c->num = -1;
    if (pv_sig(p, &t[0], 0, &c->sig)) return -1;
    if (n < 2) return 0;
    if (t[1].len < 7 || memcmp(t[1].s, "times=", 6) != 0) return perr(p, t[1].col, "unexpected %s (times=N?)", tq(&t[1], b, sizeof b));
    tok v = tok_sub(&t[1], 6, t[1].len - 6);
    c->num_set = 1;
    return pv_num(p, &v, 0, 0x7fffffff, "times", &c->num);
}

static int c_delivered(ps *p, const tok *t, int n, sc_cond *c)
{
    p->f->uses_tracefs_only = 1;
    return c_sig(p, t, n, c);
}

static int c_order(ps *p, const tok *t, int n, sc_cond *c)
{
    for (int i = 0; i < n; i++)
        if (pv_sig(p, &t[i], 0, &c->list[i])) return -1;
    c->list_len = n;
    return 0;
}

static int c_mask(ps *p, const tok *t, int n, sc_cond *c) { (void)n; return pv_sig(p, &t[0], 0, &c->sig) || pv_set(p, &t[1], &c->set) ? -1 : 0; }
static int c_code(ps *p, const tok *t, int n, sc_cond *c) { (void)n; c->num_set = 1; return pv_sig(p, &t[0], 0, &c->sig) || pv_sicode(p, &t[1], &c->num) ? -1 : 0; }

static int c_value(ps *p, const tok *t, int n, sc_cond *c)
{
    (void)n;
    c->num_set = 1;
    if (pv_sig(p, &t[0], 0, &c->sig)) return -1;
    return pv_num(p, &t[1], -0x7fffffffffffffffL - 1, 0x7fffffffffffffffL, "value", &c->num);
}

static int proc_or_zero(ps *p, const tok *t, int *out)
{
    char b[64];
    if (tok_is(t, "0")) { *out = -1; return 0; }
    if ((*out = find_proc(p, t->s, t->len)) < 0) return perr(p, t->col, "unknown process %s", tq(t, b, sizeof b));
    return 0;
}

static int c_pid(ps *p, const tok *t, int n, sc_cond *c) { (void)n; return pv_sig(p, &t[0], 0, &c->sig) || proc_or_zero(p, &t[1], &c->other_proc) ? -1 : 0; }

static int c_field(ps *p, const tok *t, int n, sc_cond *c)
{
    static const char *const fields[] = { "State", "Tgid", "Pid", "PPid", "Threads", "SigQ", "SigPnd",
                                          "ShdPnd", "SigBlk", "SigIgn", "SigCgt" };
    char b[64];
    (void)n;
    size_t i = 0;
    while (i < sizeof fields / sizeof fields[0] && !tok_is(&t[0], fields[i])) i++;
    if (i == sizeof fields / sizeof fields[0]) return perr(p, t[0].col, "unknown status field %s", tq(&t[0], b, sizeof b));
    if (t[1].len >= (int)sizeof c->text) return perr(p, t[1].col, "field value too long (max %d characters)", (int)sizeof c->text - 1);
    snprintf(c->field, sizeof c->field, "%s", fields[i]);
    memcpy(c->text, t[1].s, (size_t)t[1].len);
    return 0;
}

static int c_result(ps *p, const tok *t, int n, sc_cond *c) { (void)n; return pv_result(p, &t[0], &c->result); }

static int c_waited(ps *p, const tok *t, int n, sc_cond *c)
{
    static const char *const kinds[] = { "exited", "killed", "dumped", "stopped", "continued" };
    static const char letters[] = "ekdsc";
    char b[64];
    int k = 0;
    if ((c->other_proc = find_proc(p, t[0].s, t[0].len)) < 0) return perr(p, t[0].col, "unknown process %s", tq(&t[0], b, sizeof b));
    if (n < 2) return perr(p, t[0].col, "waited needs exited N, killed SIG, dumped SIG, stopped SIG or continued");
    while (k < 5 && !tok_is(&t[1], kinds[k])) k++;
    if (k == 5) return perr(p, t[1].col, "unknown wait status %s", tq(&t[1], b, sizeof b));
    c->wait_kind = (unsigned char)letters[k];
    if (k == 4) return n > 2 ? perr(p, t[2].col, "unexpected %s", tq(&t[2], b, sizeof b)) : 0;
    if (n < 3) return perr(p, t[1].col, "waited %s needs %s", kinds[k], k ? "a signal" : "an exit code");
    if (k == 0) { c->num_set = 1; return pv_num(p, &t[2], 0, 255, "exit code", &c->num); }
    return pv_sig(p, &t[2], 0, &c->sig);
}

static const cond_def cond_table[] = {
    { "exited", SC_C_EXITED, S_PROC, 1, 1, c_exited },
    { "killed-by", SC_C_KILLED_BY, S_PROC, 1, 1, c_sig },
    { "dumped", SC_C_DUMPED, S_PROC, 1, 1, c_sig },
    { "stopped", SC_C_STOPPED, S_PROC, 0, 1, c_stopped },
    { "alive", SC_C_ALIVE, S_ANY, 0, 0, c_none },
    { "state", SC_C_STATE, S_THREAD, 1, 1, c_state },
    { "handled", SC_C_HANDLED, S_THREAD, 1, 2, c_handled },
    { "not-handled", SC_C_NOT_HANDLED, S_THREAD, 1, 1, c_sig },
    { "delivered", SC_C_DELIVERED, S_THREAD, 1, 1, c_delivered },
    { "handler-order", SC_C_HANDLER_ORDER, S_THREAD, 1, SC_MAX_LIST, c_order },
    { "handler-mask", SC_C_HANDLER_MASK, S_THREAD, 2, 2, c_mask },
    { "handler-code", SC_C_HANDLER_CODE, S_THREAD, 2, 2, c_code },
    { "handler-value", SC_C_HANDLER_VALUE, S_THREAD, 2, 2, c_value },
    { "handler-pid", SC_C_HANDLER_PID, S_THREAD, 2, 2, c_pid },
    { "field", SC_C_FIELD, S_THREAD, 2, 2, c_field },
    { "result", SC_C_RESULT, S_THREAD, 1, 1, c_result },
    { "waited", SC_C_WAITED, S_THREAD, 1, 3, c_waited },
};
#define N_COND (int)(sizeof cond_table / sizeof cond_table[0])

/* Append the threads TREF names (PROC = its leader, PROC.* = all so far) to list. */
static int tref_threads(ps *p, const tok *t, int *list, int *len, int max)
{
    int proc, thr;
    if (parse_tref(p, t, 1, &proc, &thr)) return -1;
    for (int i = 0; i < p->f->n_threads; i++) {
        int want = thr == -2 ? p->f->threads[i].proc == proc : i == (thr == -1 ? leader_of(p, proc) : thr);
        if (!want) continue;
        if (*len >= max) return perr(p, t->col, "too many threads (max %d)", max);
        list[(*len)++] = i;
    }
    return 0;
}

static int parse_exit_order(ps *p, const tok *t, int n, sc_cond *c)
{
    c->kind = SC_C_EXIT_ORDER;
    c->proc = c->thread = -1;
    if (n < 2) return perr(p, t[0].col, "exit-order needs threads");
    for (int i = 1; i < n; i++)
        if (tref_threads(p, &t[i], c->list, &c->list_len, SC_MAX_LIST)) return -1;
    return 0;
}

static int subject(ps *p, const cond_def *d, const tok *t, sc_cond *c)
{
    if (parse_tref(p, t, 1, &c->proc, &c->thread)) return -1;
    if (d->subj == S_PROC && c->thread != -1)
        return perr(p, t->col, "'%s' applies to a process, not a thread", d->name);
    if (d->subj == S_THREAD && c->thread == -1) c->thread = leader_of(p, c->proc);
    return 0;
}

static int parse_cond(ps *p, const tok *t, int n, sc_cond *c)
{
    char b[64];
    memset(c, 0, sizeof *c);
    c->loc = (sc_loc){ p->line, t->col };
    c->other_proc = -1;
    c->num = -1;
    for (int i = 0; i < n; i++)
        if (t[i].quoted && !(i == 3 && n == 4 && tok_is(&t[1], "field")))
            return perr(p, t[i].col, "a quoted string is only allowed as a field value");
    if (tok_is(&t[0], "exit-order")) return parse_exit_order(p, t, n, c);
    if (n < 2) return perr(p, t[0].col, "missing condition after %s", tq(&t[0], b, sizeof b));
    const cond_def *d = NULL;
    for (int i = 0; i < N_COND && !d; i++)
        if (tok_is(&t[1], cond_table[i].name)) d = &cond_table[i];
    if (!d) return perr(p, t[1].col, "unknown condition %s", tq(&t[1], b, sizeof b));
    c->kind = d->kind;
    if (subject(p, d, &t[0], c)) return -1;
    if (n - 2 < d->min) return perr(p, t[1].col, "%s needs %d argument%s", d->name, d->min, d->min > 1 ? "s" : "");
    if (n - 2 > d->max) return perr(p, t[2 + d->max].col, "unexpected %s", tq(&t[2 + d->max], b, sizeof b));
    return d->fn(p, t + 2, n - 2, c);
}

static int add_expect(ps *p, sc_cond *alt, int n_alt, int col)
{
    sc_expect *ne = grow(p, p->f->expects, &p->cap_expects, p->f->n_expects, sizeof *ne);
    if (!ne) return -1;
    p->f->expects = ne;
    ne[p->f->n_expects++] = (sc_expect){ p->f->n_steps, n_alt, alt, { p->line, col } };
    return 0;
}

int parse_expect(ps *p)
{
    tok *t = p->toks;
    int n = p->ntok, nalt = 1, k = 0;
    if (p->f->n_procs == 0) return perr(p, t->col, "expect before any process");
    if (n < 2) return perr(p, t->col, "expect needs a condition");
    for (int i = 1; i < n; i++) nalt += tok_is(&t[i], "or");
    sc_cond *alt = calloc((size_t)nalt, sizeof *alt);
    if (!alt) return perr(p, t->col, "out of memory");
    for (int i = 1; i <= n; k++) {
        int j = i;
        while (j < n && !tok_is(&t[j], "or")) j++;
        if (j == i) { free(alt); return perr(p, j < n ? t[j].col : t[n - 1].col, "empty alternative"); }
        if (parse_cond(p, t + i, j - i, &alt[k])) { free(alt); return -1; }
        i = j + 1;
    }
    if (add_expect(p, alt, nalt, t->col)) { free(alt); return -1; }
    return 0;
}

int parse_status(ps *p)
{
    tok *t = p->toks;
    sc_status st = { p->f->n_steps, 0, NULL, { p->line, t->col } };
    int cap = 0;
    if (p->f->n_procs == 0) return perr(p, t->col, "status before any process");
    if (p->ntok < 2) return perr(p, t->col, "status needs threads");
    for (int i = 1; i < p->ntok; i++) {
        int proc, thr, r = 0;
        if (parse_tref(p, &t[i], 1, &proc, &thr)) { free(st.threads); return -1; }
        for (int k = 0; k < p->f->n_threads && !r; k++) {
            int want = thr == -2 ? p->f->threads[k].proc == proc : k == (thr == -1 ? leader_of(p, proc) : thr);
            if (!want) continue;
            int *nt = grow(p, st.threads, &cap, st.n, sizeof *nt);
            if (!nt) r = -1;
            else { st.threads = nt; st.threads[st.n++] = k; }
        }
        if (r) { free(st.threads); return -1; }
    }
    sc_status *ns = grow(p, p->f->status, &p->cap_status, p->f->n_status, sizeof *ns);
    if (!ns) { free(st.threads); return -1; }
    p->f->status = ns;
    ns[p->f->n_status++] = st;
    return 0;
}
