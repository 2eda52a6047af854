/* parse_step.c - steps (`ACTOR: action args [=> result]`) and handler bodies.
 * Every action is one row of act_table: its positional arguments, the kinds of target it takes
 * and the options it accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse_int.h"

enum arg { A_END, A_SIG, A_SENDSIG, A_SET, A_HOW, A_DISP, A_TGT, A_NAME, A_CODE, A_MS, A_SSIZE,
           A_FAULT, A_PGID };
static const char *const arg_desc[] = {
    "", "a signal", "a signal", "a signal set", "block, unblock or setmask", "handler, ignore or default",
    "a target", "a name", "an exit code", "a duration in ms", "a size or disable", "a fault signal",
    "a process",
};
static int arg_optional(int a) { return a == A_HOW || a == A_CODE || a == A_PGID; }

enum { W_STEP = 1, W_BODY = 2, W_ONE = 4 };
enum { TM_PROC = 1 << SC_T_PROC, TM_THREAD = 1 << SC_T_THREAD, TM_PGRP = 1 << SC_T_PGRP,
       TM_ZERO = 1 << SC_T_ZERO, TM_ALL = 1 << SC_T_ALL, TM_RAW = 1 << SC_T_RAW };

/* ---- step options ---- */
enum { O_HOW, O_SIZE, O_FLAGS, O_MASK, O_RAW, O_TGID, O_VALUE, O_CODE, O_SCOPE, O_TIMEOUT,
       O_NONBLOCK, O_AUTODISARM, O_OPTS, O__N };
#define B(o) (1u << (o))
#define AC(o) ((sc_action *)(o))

static int o_how(ps *p, const tok *v, void *o)
{
    long n;
    if (pv_num(p, v, -0x7fffffffL - 1, 0x7fffffff, "how", &n)) return -1;
    AC(o)->how = (int)n;
    AC(o)->how_raw = 1;
    return 0;
}
static int o_size(ps *p, const tok *v, void *o) { long n; if (pv_num(p, v, 0, 0x7fffffff, "size", &n)) return -1; AC(o)->size = (int)n; return 0; }
static int o_flags(ps *p, const tok *v, void *o) { return pv_flags(p, v, &AC(o)->sa_flags); }
static int o_mask(ps *p, const tok *v, void *o) { return pv_set(p, v, &AC(o)->sa_mask); }
static int o_raw(ps *p, const tok *v, void *o) { (void)p; (void)v; AC(o)->raw = 1; return 0; }
static int o_value(ps *p, const tok *v, void *o) { return pv_num(p, v, -0x7fffffffffffffffL - 1, 0x7fffffffffffffffL, "value", &AC(o)->value); }
static int o_timeout(ps *p, const tok *v, void *o) { return pv_num(p, v, 0, 0x7fffffff, "timeout", &AC(o)->timeout_ms); }
static int o_nonblock(ps *p, const tok *v, void *o) { (void)p; (void)v; AC(o)->nonblock = 1; return 0; }
static int o_autodisarm(ps *p, const tok *v, void *o) { (void)p; (void)v; AC(o)->ss_autodisarm = 1; return 0; }
static int o_opts(ps *p, const tok *v, void *o) { return pv_wopts(p, v, &AC(o)->wait_opts); }

static int o_code(ps *p, const tok *v, void *o)
{
    long c;
    if (pv_sicode(p, v, &c)) return -1;
    AC(o)->has_code = 1;
    AC(o)->code = (int)c;
    return 0;
}

static int o_tgid(ps *p, const tok *v, void *o)
{
    char b[64];
    int i = find_proc(p, v->s, v->len);
    if (i < 0) return perr(p, v->col, "unknown process %s", tq(v, b, sizeof b));
    AC(o)->tgid_proc = i;
    return 0;
}

static int o_scope(ps *p, const tok *v, void *o)
{
    static const char *const names[] = { "", "thread", "group", "pgrp" };
    char b[64];
    for (int i = 1; i < 4; i++)
        if (tok_is(v, names[i])) { AC(o)->scope = i; return 0; }
    return perr(p, v->col, "unknown scope %s (thread, group or pgrp)", tq(v, b, sizeof b));
}

static const opt_def step_opts[O__N] = {
    [O_HOW] = { "how", 0, o_how }, [O_SIZE] = { "size", 0, o_size },
    [O_FLAGS] = { "flags", 0, o_flags }, [O_MASK] = { "mask", 0, o_mask },
    [O_RAW] = { "raw", 1, o_raw }, [O_TGID] = { "tgid", 0, o_tgid },
    [O_VALUE] = { "value", 0, o_value }, [O_CODE] = { "code", 0, o_code },
    [O_SCOPE] = { "scope", 0, o_scope }, [O_TIMEOUT] = { "timeout", 0, o_timeout },
    [O_NONBLOCK] = { "nonblock", 1, o_nonblock }, [O_AUTODISARM] = { "autodisarm", 1, o_autodisarm },
    [O_OPTS] = { "opts", 0, o_opts },
};

/* ---- the action table ---- */
typedef struct act_def {
    const char *name, *sub;
    int kind, where;
    unsigned char args[3];
    unsigned tmask, opts;
} act_def;

#define SEND (W_STEP | W_BODY)
#define KILLT (TM_PROC | TM_THREAD | TM_PGRP | TM_ZERO | TM_ALL | TM_RAW)
static const act_def act_table[] = {
    { "sigprocmask", 0, SC_A_SIGPROCMASK, W_STEP, { A_HOW, A_SET }, 0, B(O_HOW) | B(O_SIZE) },
    { "sigaction", 0, SC_A_SIGACTION, W_STEP, { A_SIG, A_DISP }, 0, B(O_FLAGS) | B(O_MASK) | B(O_SIZE) | B(O_RAW) },
    { "kill", 0, SC_A_KILL, SEND, { A_TGT, A_SENDSIG }, KILLT, B(O_RAW) },
    { "tkill", 0, SC_A_TKILL, SEND, { A_TGT, A_SENDSIG }, TM_THREAD | TM_RAW, B(O_RAW) },
    { "tgkill", 0, SC_A_TGKILL, SEND, { A_TGT, A_SENDSIG }, TM_THREAD | TM_RAW, B(O_RAW) | B(O_TGID) },
    { "sigqueue", 0, SC_A_SIGQUEUE, SEND, { A_TGT, A_SENDSIG }, TM_PROC | TM_THREAD | TM_RAW, B(O_RAW) | B(O_VALUE) },
    { "rt_sigqueueinfo", 0, SC_A_RT_SIGQUEUEINFO, SEND, { A_TGT, A_SENDSIG }, TM_PROC | TM_THREAD | TM_RAW,
      B(O_RAW) | B(O_VALUE) | B(O_CODE) },
    { "rt_tgsigqueueinfo", 0, SC_A_RT_TGSIGQUEUEINFO, SEND, { A_TGT, A_SENDSIG }, TM_THREAD | TM_RAW,
      B(O_RAW) | B(O_VALUE) | B(O_CODE) | B(O_TGID) },
    { "pidfd_send_signal", 0, SC_A_PIDFD_SEND, SEND, { A_TGT, A_SENDSIG }, TM_PROC | TM_THREAD, B(O_RAW) | B(O_SCOPE) },
    { "raise", 0, SC_A_RAISE, SEND, { A_SENDSIG }, 0, B(O_RAW) },
    { "pthread_kill", 0, SC_A_PTHREAD_KILL, SEND, { A_TGT, A_SENDSIG }, TM_THREAD, B(O_RAW) },
    { "pause", 0, SC_A_PAUSE, W_STEP, { 0 }, 0, 0 },
    { "sigsuspend", 0, SC_A_SIGSUSPEND, W_STEP, { A_SET }, 0, B(O_SIZE) },
    { "sigwaitinfo", 0, SC_A_SIGWAITINFO, W_STEP, { A_SET }, 0, B(O_SIZE) },
    { "sigtimedwait", 0, SC_A_SIGTIMEDWAIT, W_STEP, { A_SET }, 0, B(O_TIMEOUT) | B(O_SIZE) },
    { "signalfd", 0, SC_A_SIGNALFD, W_STEP, { A_SET }, 0, B(O_NONBLOCK) | B(O_SIZE) },
    { "signalfd_read", 0, SC_A_SIGNALFD_READ, W_STEP, { 0 }, 0, B(O_NONBLOCK) },
    { "read", 0, SC_A_READ, W_STEP, { 0 }, 0, 0 },
    { "write", 0, SC_A_WRITE, W_STEP, { A_TGT }, TM_THREAD, 0 },
    { "nanosleep", 0, SC_A_NANOSLEEP, W_STEP, { A_MS }, 0, 0 },
    { "spin", 0, SC_A_SPIN, W_STEP | W_BODY, { 0 }, 0, 0 },
    { "fault", 0, SC_A_FAULT, W_STEP, { A_FAULT }, 0, 0 },
    { "sigaltstack", 0, SC_A_SIGALTSTACK, W_STEP, { A_SSIZE }, 0, B(O_AUTODISARM) },
    { "fork", 0, SC_A_FORK, W_STEP | W_ONE, { A_NAME }, 0, 0 },
    { "clone", 0, SC_A_CLONE, W_STEP | W_ONE, { A_NAME }, 0, 0 },
    { "exec", 0, SC_A_EXEC, W_STEP | W_ONE, { 0 }, 0, 0 },
    { "exit", 0, SC_A_EXIT, W_STEP | W_BODY, { A_CODE }, 0, 0 },
    { "exit_group", 0, SC_A_EXIT_GROUP, W_STEP | W_BODY, { A_CODE }, 0, 0 },
    { "wait", 0, SC_A_WAIT, W_STEP, { A_TGT }, TM_PROC | TM_PGRP | TM_ZERO | TM_ALL | TM_RAW, B(O_OPTS) },
    { "waitid", 0, SC_A_WAITID, W_STEP, { A_TGT }, TM_PROC | TM_PGRP | TM_ALL | TM_RAW, B(O_OPTS) },
    { "setsid", 0, SC_A_SETSID, W_STEP, { 0 }, 0, 0 },
    { "setpgid", 0, SC_A_SETPGID, W_STEP, { A_PGID }, 0, 0 },
    { "prctl", "pdeathsig", SC_A_PRCTL_PDEATHSIG, W_STEP, { A_SENDSIG }, 0, 0 },
    { "prctl", "subreaper", SC_A_PRCTL_SUBREAPER, W_STEP, { 0 }, 0, 0 },
    { "block", 0, SC_A_BLOCK, W_BODY, { A_SET }, 0, 0 },
    { "unblock", 0, SC_A_UNBLOCK, W_BODY, { A_SET }, 0, 0 },
    { "savedmask", "add", SC_A_SAVEDMASK_ADD, W_BODY, { A_SET }, 0, 0 },
    { "savedmask", "del", SC_A_SAVEDMASK_DEL, W_BODY, { A_SET }, 0, 0 },
    { "settle", 0, SC_A_SETTLE, W_STEP, { 0 }, 0, 0 },
};
#define N_ACT (int)(sizeof act_table / sizeof act_table[0])

/* Find the row for t[0] (and t[1] for two-word actions). *used = words consumed. */
static const act_def *find_act(ps *p, const tok *t, int n, int *used)
{
    char b[64];
    int named = 0;
    for (int i = 0; i < N_ACT; i++) {
        if (!tok_is(&t[0], act_table[i].name)) continue;
        named = 1;
        if (!act_table[i].sub) { *used = 1; return &act_table[i]; }
        if (n > 1 && tok_is(&t[1], act_table[i].sub)) { *used = 2; return &act_table[i]; }
    }
    if (!named) { perr(p, t[0].col, "unknown action %s", tq(&t[0], b, sizeof b)); return NULL; }
    if (tok_is(&t[0], "prctl"))
        perr(p, n > 1 ? t[1].col : t[0].col, "prctl needs pdeathsig or subreaper");
    else
        perr(p, n > 1 ? t[1].col : t[0].col, "savedmask needs add or del");
    return NULL;
}

/* ---- positional arguments ---- */

static void target_forms(unsigned m, char *buf, size_t len)
{
    static const char *const forms[] = { "", "PROC", "PROC.THREAD", "pgrp:PROC", "0", "-1", "pid=N" };
    size_t o = 0;
    buf[0] = 0;
    for (int k = 1; k <= SC_T_RAW && o < len; k++)
        if (m & (1u << k)) o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", forms[k]);
}

static int parse_target(ps *p, const tok *t, unsigned mask, const char *act, sc_target *tg)
{
    char b[128], w[64];
    long v;
    tg->proc = tg->thread = -1;
    if (tok_is(t, "0")) tg->kind = SC_T_ZERO;
    else if (tok_is(t, "-1")) tg->kind = SC_T_ALL;
    else if (t->len > 4 && !memcmp(t->s, "pid=", 4)) {
        tok nv = tok_sub(t, 4, t->len - 4);
        if (pv_num(p, &nv, -0x7fffffffL - 1, 0x7fffffff, "pid", &v)) return -1;
        tg->kind = SC_T_RAW;
        tg->raw = v;
    } else if (t->len > 5 && !memcmp(t->s, "pgrp:", 5)) {
        tok pn = tok_sub(t, 5, t->len - 5);
        if ((tg->proc = find_proc(p, pn.s, pn.len)) < 0)
            return perr(p, pn.col, "unknown process %s", tq(&pn, b, sizeof b));
        tg->kind = SC_T_PGRP;
    } else {
        if (num_of(t, &v) == 0) return perr(p, t->col, "bad target %s (write pid=N for a raw pid)", tq(t, b, sizeof b));
        if (parse_tref(p, t, 0, &tg->proc, &tg->thread)) return -1;
        tg->kind = tg->thread >= 0 ? SC_T_THREAD : SC_T_PROC;
    }
    if (mask & (1u << tg->kind)) return 0;
    target_forms(mask, b, sizeof b);
    return perr(p, t->col, "%s cannot target %s (use %s)", act, tq(t, w, sizeof w), b);
}

static int parse_fault(ps *p, const tok *t, sc_action *a)
{
    static const int ok[] = { 11, 8, 4, 5, 7 };
    if (pv_sig(p, t, 0, &a->sig)) return -1;
    for (int i = 0; i < 5; i++)
        if (a->sig == ok[i]) return 0;
    return perr(p, t->col, "fault needs SIGSEGV, SIGFPE, SIGILL, SIGTRAP or SIGBUS");
}

static int parse_word(ps *p, const tok *t, const char *const *words, int n, const char *what, int *out)
{
    char b[64];
    for (int i = 0; i < n; i++)
        if (tok_is(t, words[i])) { *out = i; return 0; }
    return perr(p, t->col, "expected %s, got %s", what, tq(t, b, sizeof b));
}

static int parse_arg(ps *p, int kind, const tok *t, const act_def *d, sc_action *a)
{
    static const char *const hows[] = { "block", "unblock", "setmask" };
    static const char *const disps[] = { "default", "ignore", "handler" };
    long v;
    switch (kind) {
    case A_SIG: return pv_sig(p, t, a->raw ? SIG_RAW : 0, &a->sig);
    case A_SENDSIG: return pv_sig(p, t, SIG_ALLOW0 | (a->raw ? SIG_RAW : 0), &a->sig);
    case A_SET: return pv_set(p, t, &a->set);
    case A_HOW: return parse_word(p, t, hows, 3, arg_desc[A_HOW], &a->how);
    case A_DISP: return parse_word(p, t, disps, 3, arg_desc[A_DISP], &a->disp);
    case A_TGT: return parse_target(p, t, d->tmask, d->name, &a->target);
    case A_CODE: if (pv_num(p, t, 0, 255, "exit code", &v)) return -1; a->code_exit = (int)v; return 0;
    case A_MS: return pv_num(p, t, 0, 0x7fffffff, "duration", &a->timeout_ms);
    case A_FAULT: return parse_fault(p, t, a);
    case A_PGID: {
        char b[64];
        if ((a->pgid_proc = find_proc(p, t->s, t->len)) < 0)
            return perr(p, t->col, "unknown process %s", tq(t, b, sizeof b));
        return 0;
    }
    case A_SSIZE:
        if (tok_is(t, "disable")) { a->ss_disable = 1; return 0; }
        return pv_num(p, t, 0, 0x7fffffff, "sigaltstack size", &a->ss_size);
    }
    return perr(p, t->col, "internal: bad argument kind");
}

static int is_how_word(const tok *t)
{
    return tok_is(t, "block") || tok_is(t, "unblock") || tok_is(t, "setmask");
}

/* Split words into options (applied after) and positionals (parsed in table order). */
static int generic_args(ps *p, const act_def *d, const tok *act, const tok *t, int n, sc_action *a,
                        int *how_word)
{
    char b[64];
    int pos[8], npos = 0, optidx[16], nopt = 0, ai = 0;
    for (int i = 0; i < n; i++) {
        tok val;
        int o = opt_lookup(step_opts, O__N, &t[i], &val);
        int eq = tok_find(&t[i], t[i].len, '=');
        if (o >= 0 && ((d->opts & B(o)) || eq >= 0)) {
            if (nopt == 16) return perr(p, t[i].col, "too many options");
            optidx[nopt++] = i;
            if (o == O_RAW) a->raw = 1;
        } else if (eq >= 0 && !(eq == 3 && !memcmp(t[i].s, "pid", 3))) {
            tok k = tok_sub(&t[i], 0, eq);
            return perr(p, t[i].col, "unknown option %s for %s", tq(&k, b, sizeof b), d->name);
        } else {
            if (npos < 8) pos[npos++] = i;    /* more than 3 is an error below */
        }
    }
    int k = 0;
    for (ai = 0; ai < 3 && d->args[ai] != A_END; ai++) {
        int kind = d->args[ai];
        if (k >= npos) {
            if (arg_optional(kind)) continue;
            return perr(p, act->col, "%s needs %s", d->name, arg_desc[kind]);
        }
        if (kind == A_HOW && !is_how_word(&t[pos[k]])) continue;
        if (kind == A_HOW) *how_word = 1;
        if (parse_arg(p, kind, &t[pos[k]], d, a)) return -1;
        k++;
    }
    if (k < npos) return perr(p, t[pos[k]].col, "unexpected %s", tq(&t[pos[k]], b, sizeof b));
    opt_seen seen = { 0, { 0 } };
    for (int i = 0; i < nopt; i++) {
        tok val;
        int o = opt_lookup(step_opts, O__N, &t[optidx[i]], &val);
        if (opt_one(p, step_opts, o, d->opts, &t[optidx[i]], &val, a, d->name, &seen)) return -1;
    }
    return 0;
}

static int check_how(ps *p, const tok *act, sc_action *a, int how_word)
{
    if (how_word && a->how_raw) return perr(p, act->col, "how= cannot be combined with block, unblock or setmask");
    if (!how_word && !a->how_raw) return perr(p, act->col, "sigprocmask needs block, unblock or setmask (or how=N)");
    return 0;
}

/* ---- fork and clone ---- */

static int parse_fork(ps *p, const tok *act, const tok *t, int n, sc_action *a, int actor_proc)
{
    sc_file *f = p->f;
    if (n < 1) return perr(p, act->col, "fork needs a name");
    int np = add_proc(p, &t[0]);
    if (np < 0) return -1;
    sc_proc *c = &f->procs[np], *par = &f->procs[actor_proc];
    c->parent = actor_proc;
    c->uid = par->uid; c->euid = par->euid; c->suid = par->suid;
    c->cap_kill = par->cap_kill; c->sigpending = par->sigpending;
    c->created_by_step = f->n_steps;
    static const char main_name[] = "main";
    tok mt = { main_name, 4, t[0].col, 0 };
    int nt = add_thread(p, np, &mt);
    if (nt < 0) return -1;
    f->threads[nt].created_by_step = f->n_steps;
    a->new_proc = np;
    a->new_thread = nt;
    return apply_proc_opts(p, t + 1, n - 1, np, 1);
}

static int parse_clone(ps *p, const tok *act, const tok *t, int n, sc_action *a, int actor_proc, int actor_thread)
{
    sc_file *f = p->f;
    if (n < 1) return perr(p, act->col, "clone needs a name");
    int nt = add_thread(p, actor_proc, &t[0]);
    if (nt < 0) return -1;
    sc_thread *th = &f->threads[nt], *par = &f->threads[actor_thread];
    th->policy = par->policy; th->prio = par->prio; th->nice = par->nice; th->cpu = par->cpu;
    th->created_by_step = f->n_steps;
    a->new_thread = nt;
    return apply_thread_opts(p, t + 1, n - 1, nt, act, 1);
}

/* ---- actions ---- */

static void action_defaults(sc_action *a, int kind, sc_loc loc)
{
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->loc = loc;
    a->size = 8;
    a->timeout_ms = -1;
    a->tgid_proc = -1;
    a->pgid_proc = -1;
    a->new_proc = a->new_thread = -1;
    a->target.proc = a->target.thread = -1;
}

static int parse_action(ps *p, const tok *t, int n, sc_action *a, int actor_proc, int actor_thread, int in_body);

static int parse_body(ps *p, const tok *dot, const tok *t, int n, sc_action *a)
{
    sc_action body[SC_MAX_BODY];
    int nb = 0, i = 0;
    if (a->disp != SC_DISP_HANDLER) return perr(p, dot->col, "'do' needs handler, not %s", a->disp == SC_DISP_IGNORE ? "ignore" : "default");
    if (n == 0) return perr(p, dot->col, "empty handler body after 'do'");
    while (i <= n) {
        int j = i;
        while (j < n && !tok_is(&t[j], ";")) j++;
        if (j == i) return perr(p, j < n ? t[j].col : t[n - 1].col + t[n - 1].len, "empty action in handler body");
        if (nb == SC_MAX_BODY) return perr(p, t[i].col, "handler body too long (max %d actions)", SC_MAX_BODY);
        if (parse_action(p, t + i, j - i, &body[nb], -1, -1, 1)) return -1;
        nb++;
        i = j + 1;
    }
    a->body = malloc((size_t)nb * sizeof *body);
    if (!a->body) return perr(p, dot->col, "out of memory");
    memcpy(a->body, body, (size_t)nb * sizeof *body);
    a->body_len = nb;
    return 0;
}

static int find_word(const tok *t, int n, const char *w)
{
    for (int i = 0; i < n; i++)
        if (tok_is(&t[i], w)) return i;
    return -1;
}

static int parse_action(ps *p, const tok *t, int n, sc_action *a, int actor_proc, int actor_thread, int in_body)
{
    int used = 0;
    const act_def *d = find_act(p, t, n, &used);
    if (!d) return -1;
    if (in_body && !(d->where & W_BODY)) return perr(p, t->col, "%s is not allowed in a handler body", d->name);
    if (!in_body && !(d->where & W_STEP))
        return perr(p, t->col, "%s is only allowed in a handler body (use sigprocmask in a step)", d->name);
    if ((d->where & W_ONE) && actor_thread < 0)
        return perr(p, t->col, "%s needs one thread as actor, not PROC.*", d->name);
    action_defaults(a, d->kind, (sc_loc){ p->line, t->col });
    int doi = find_word(t, n, "do");
    if (doi >= 0 && d->kind != SC_A_SIGACTION) return perr(p, t[doi].col, "'do' only follows sigaction SIG handler");
    int nargs = doi >= 0 ? doi : n, r, how_word = 0;
    if (d->kind == SC_A_FORK) r = parse_fork(p, t, t + used, nargs - used, a, actor_proc);
    else if (d->kind == SC_A_CLONE) r = parse_clone(p, t, t + used, nargs - used, a, actor_proc, actor_thread);
    else r = generic_args(p, d, t, t + used, nargs - used, a, &how_word);
    if (r) return -1;
    if (d->kind == SC_A_SIGPROCMASK && check_how(p, t, a, how_word)) return -1;
    if (doi >= 0 && parse_body(p, &t[doi], t + doi + 1, n - doi - 1, a)) return -1;
    return 0;
}

/* ---- steps ---- */

static int step_actor(ps *p, sc_step *st)
{
    tok a = tok_sub(&p->toks[0], 0, p->toks[0].len - 1);
    int thr;
    if (a.len == 0) return perr(p, a.col, "missing actor before ':'");
    if (parse_tref(p, &a, 1, &st->actor_proc, &thr)) return -1;
    st->actor_thread = thr == -1 ? leader_of(p, st->actor_proc) : thr == -2 ? -1 : thr;
    return 0;
}

/* `=> RESULT` is an expectation like `expect ACTOR result RESULT` placed right after the step
 * (for PROC.*: every thread), so run and check verify it the same way. */
static int add_result_expect(ps *p, const sc_step *st, int col)
{
    sc_cond *c = calloc(1, sizeof *c);
    if (!c) return perr(p, col, "out of memory");
    c->kind = SC_C_RESULT;
    c->proc = st->actor_proc;
    c->thread = st->actor_thread == -1 ? -2 : st->actor_thread;
    c->other_proc = -1;
    c->result = st->expect;
    c->loc = (sc_loc){ p->line, col };
    sc_expect *ne = grow(p, p->f->expects, &p->cap_expects, p->f->n_expects, sizeof *ne);
    if (!ne) { free(c); return -1; }
    p->f->expects = ne;
    ne[p->f->n_expects++] = (sc_expect){ p->f->n_steps, 1, c, { p->line, col } };
    /* c is now owned by the expects array (sc_free frees it) */
    // cppcheck-suppress memleak
    return 0;
}

int parse_step(ps *p)
{
    tok *t = p->toks;
    int n = p->ntok;
    char b[64];
    sc_step st;
    if (p->f->n_procs == 0) return perr(p, t->col, "step before any process");
    memset(&st, 0, sizeof st);
    st.loc = (sc_loc){ p->line, t->col };
    if (step_actor(p, &st)) return -1;
    int arrow = find_word(t, n, "=>"), end = arrow >= 0 ? arrow : n;
    if (end < 2) return perr(p, arrow >= 0 ? t[arrow].col : t->col + t->len, "missing action after ':'");
    if (arrow >= 0 && arrow == n - 1) return perr(p, t[arrow].col, "missing result after =>");
    if (arrow >= 0 && arrow < n - 2) return perr(p, t[arrow + 2].col, "unexpected %s after the result", tq(&t[arrow + 2], b, sizeof b));
    if (arrow >= 0 && pv_result(p, &t[arrow + 1], &st.expect)) return -1;
    if (parse_action(p, t + 1, end - 1, &st.act, st.actor_proc, st.actor_thread, 0)) return -1;
    sc_step *ns = grow(p, p->f->steps, &p->cap_steps, p->f->n_steps, sizeof *ns);
    if (!ns) { free(st.act.body); return -1; }
    p->f->steps = ns;
    ns[p->f->n_steps++] = st;
    return arrow >= 0 ? add_result_expect(p, &st, t[arrow].col) : 0;
}
