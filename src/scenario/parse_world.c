/* parse_world.c - option tables and the world statements: machine, process, thread. */
#include <string.h>
#include "parse_int.h"

/* ---- generic options ---- */

int opt_lookup(const opt_def *tbl, int n, const tok *t, tok *val)
{
    int eq = tok_find(t, t->len, '=');
    int klen = eq < 0 ? t->len : eq;
    *val = eq < 0 ? (tok){ NULL, 0, t->col + t->len, 0 } : tok_sub(t, eq + 1, t->len - eq - 1);
    for (int i = 0; i < n; i++)
        if ((int)strlen(tbl[i].name) == klen && !memcmp(tbl[i].name, t->s, (size_t)klen) && !t->quoted)
            return i;
    return -1;
}

int opt_one(ps *p, const opt_def *tbl, int idx, unsigned allowed, const tok *t, const tok *val,
            void *obj, const char *stmt, opt_seen *seen)
{
    const char *nm = tbl[idx].name;
    if (!(allowed & (1u << idx))) return perr(p, t->col, "%s does not take option '%s'", stmt, nm);
    if (tbl[idx].bare && val->s) return perr(p, t->col, "option '%s' takes no value", nm);
    if (!tbl[idx].bare && !val->s) return perr(p, t->col, "option '%s' needs a value (%s=...)", nm, nm);
    if (!tbl[idx].bare && !val->len) return perr(p, val->col, "missing value after '%s='", nm);
    if (seen->bits & (1u << idx)) return perr(p, t->col, "duplicate option '%s'", nm);
    seen->bits |= 1u << idx;
    seen->col[idx] = val->s ? val->col : t->col;
    return tbl[idx].fn(p, val, obj);
}

int opt_all(ps *p, const opt_def *tbl, int n, unsigned allowed, const tok *t, int nt, void *obj,
            const char *stmt, opt_seen *seen)
{
    char b[64];
    for (int i = 0; i < nt; i++) {
        tok val;
        int idx = opt_lookup(tbl, n, &t[i], &val);
        if (idx >= 0) {
            if (opt_one(p, tbl, idx, allowed, &t[i], &val, obj, stmt, seen)) return -1;
            continue;
        }
        int eq = tok_find(&t[i], t[i].len, '=');
        if (eq >= 0) {
            tok k = tok_sub(&t[i], 0, eq);
            return perr(p, t[i].col, "unknown option %s for %s", tq(&k, b, sizeof b), stmt);
        }
        return perr(p, t[i].col, "unexpected %s", tq(&t[i], b, sizeof b));
    }
    return 0;
}

/* ---- machine ---- */

static int m_cpus(ps *p, const tok *v, void *o)
{
    long n;
    if (pv_num(p, v, 1, 64, "cpus", &n)) return -1;
    ((sc_file *)o)->cpus = (int)n;
    return 0;
}

static int m_preempt(ps *p, const tok *v, void *o)
{
    static const char *const names[] = { "none", "full", "rt" };
    char b[64];
    for (int i = 0; i < 3; i++)
        if (tok_is(v, names[i])) { ((sc_file *)o)->preempt = i; return 0; }
    return perr(p, v->col, "unknown preempt model %s (none, full or rt)", tq(v, b, sizeof b));
}

static const opt_def machine_opts[] = { { "cpus", 0, m_cpus }, { "preempt", 0, m_preempt } };

int parse_machine(ps *p)
{
    opt_seen seen = { 0, { 0 } };
    if (p->seen_machine) return perr(p, p->toks[0].col, "duplicate machine statement");
    if (p->f->n_procs) return perr(p, p->toks[0].col, "machine must come before the first process");
    p->seen_machine = 1;
    return opt_all(p, machine_opts, 2, 3u, p->toks + 1, p->ntok - 1, p->f, "machine", &seen);
}

/* ---- process ---- */

#define PR(o) ((sc_proc *)(o))

static int pnum(ps *p, const tok *v, const char *what, long lo, long hi, long *out)
{
    return pv_num(p, v, lo, hi, what, out);
}

static int p_parent(ps *p, const tok *v, void *o)
{
    char b[64];
    int i = find_proc(p, v->s, v->len);
    if (i < 0) return perr(p, v->col, "unknown process %s", tq(v, b, sizeof b));
    if (&p->f->procs[i] == PR(o)) return perr(p, v->col, "a process cannot be its own parent");
    PR(o)->parent = i;
    return 0;
}

static int p_pgrp(ps *p, const tok *v, void *o)
{
    char b[64];
    int i = find_proc(p, v->s, v->len);
    if (i < 0) return perr(p, v->col, "unknown process %s", tq(v, b, sizeof b));
    PR(o)->pgrp_of = i;
    return 0;
}

static int p_uid(ps *p, const tok *v, void *o) { long n; if (pnum(p, v, "uid", 0, 0x7fffffff, &n)) return -1; PR(o)->uid = (int)n; return 0; }
static int p_euid(ps *p, const tok *v, void *o) { long n; if (pnum(p, v, "euid", 0, 0x7fffffff, &n)) return -1; PR(o)->euid = (int)n; return 0; }
static int p_suid(ps *p, const tok *v, void *o) { long n; if (pnum(p, v, "suid", 0, 0x7fffffff, &n)) return -1; PR(o)->suid = (int)n; return 0; }
static int p_sigpending(ps *p, const tok *v, void *o) { return pnum(p, v, "sigpending", 0, 0x7fffffff, &PR(o)->sigpending); }
static int p_nocapkill(ps *p, const tok *v, void *o) { (void)p; (void)v; PR(o)->cap_kill = 0; return 0; }
static int p_init(ps *p, const tok *v, void *o) { (void)p; (void)v; PR(o)->is_init = 1; return 0; }
static int p_subreaper(ps *p, const tok *v, void *o) { (void)p; (void)v; PR(o)->subreaper = 1; return 0; }
static int p_kernel(ps *p, const tok *v, void *o) { (void)p; (void)v; PR(o)->kernel = 1; return 0; }

static int p_session(ps *p, const tok *v, void *o)
{
    char b[64];
    if (!tok_is(v, "new")) return perr(p, v->col, "unknown session %s (only session=new)", tq(v, b, sizeof b));
    PR(o)->new_session = 1;
    return 0;
}

static int p_pdeathsig(ps *p, const tok *v, void *o) { return pv_sig(p, v, 0, &PR(o)->pdeathsig); }

enum { PO_PARENT, PO_UID, PO_EUID, PO_SUID, PO_NOCAPKILL, PO_PGRP, PO_SESSION, PO_INIT,
       PO_SUBREAPER, PO_KERNEL, PO_SIGPENDING, PO_PDEATHSIG, PO__N };
static const opt_def proc_opts[PO__N] = {
    [PO_PARENT] = { "parent", 0, p_parent }, [PO_UID] = { "uid", 0, p_uid },
    [PO_EUID] = { "euid", 0, p_euid }, [PO_SUID] = { "suid", 0, p_suid },
    [PO_NOCAPKILL] = { "nocapkill", 1, p_nocapkill }, [PO_PGRP] = { "pgrp", 0, p_pgrp },
    [PO_SESSION] = { "session", 0, p_session }, [PO_INIT] = { "init", 1, p_init },
    [PO_SUBREAPER] = { "subreaper", 1, p_subreaper }, [PO_KERNEL] = { "kernel", 1, p_kernel },
    [PO_SIGPENDING] = { "sigpending", 0, p_sigpending }, [PO_PDEATHSIG] = { "pdeathsig", 0, p_pdeathsig },
};

int apply_proc_opts(ps *p, const tok *t, int n, int proc, int fork_only)
{
    opt_seen seen = { 0, { 0 } };
    unsigned allowed = fork_only ? (1u << PO_PGRP) | (1u << PO_PDEATHSIG) : (1u << PO__N) - 1;
    sc_proc *pr = &p->f->procs[proc];
    if (opt_all(p, proc_opts, PO__N, allowed, t, n, pr, fork_only ? "fork" : "process", &seen)) return -1;
    if (pr->uid || pr->euid) pr->cap_kill = 0;
    if (pr->new_session && pr->pgrp_of >= 0 && pr->pgrp_of != proc)
        return perr(p, seen.col[PO_PGRP], "pgrp= names another process's group but session=new makes its own");
    return 0;
}

int parse_process(ps *p)
{
    tok *t = p->toks;
    if (p->f->n_steps) return perr(p, t->col, "process after the first step (use fork in a step)");
    if (p->ntok < 2) return perr(p, t->col, "process needs a name");
    int i = add_proc(p, &t[1]);
    if (i < 0 || apply_proc_opts(p, t + 2, p->ntok - 2, i, 0)) return -1;
    p->open_proc = i;
    return 0;
}

/* ---- thread ---- */

#define TH(o) ((sc_thread *)(o))

static int t_policy(ps *p, const tok *v, void *o)
{
    static const char *const names[] = { "other", "fifo", "rr" };
    char b[64];
    for (int i = 0; i < 3; i++)
        if (tok_is(v, names[i])) { TH(o)->policy = i; return 0; }
    return perr(p, v->col, "unknown policy %s (other, fifo or rr)", tq(v, b, sizeof b));
}

static int t_prio(ps *p, const tok *v, void *o) { long n; if (pv_num(p, v, 1, 99, "prio", &n)) return -1; TH(o)->prio = (int)n; return 0; }
static int t_nice(ps *p, const tok *v, void *o) { long n; if (pv_num(p, v, -20, 19, "nice", &n)) return -1; TH(o)->nice = (int)n; return 0; }
static int t_cpu(ps *p, const tok *v, void *o) { long n; if (pv_num(p, v, 0, p->f->cpus - 1, "cpu", &n)) return -1; TH(o)->cpu = (int)n; return 0; }

enum { TO_POLICY, TO_PRIO, TO_NICE, TO_CPU, TO__N };
static const opt_def thread_opts[TO__N] = {
    [TO_POLICY] = { "policy", 0, t_policy }, [TO_PRIO] = { "prio", 0, t_prio },
    [TO_NICE] = { "nice", 0, t_nice }, [TO_CPU] = { "cpu", 0, t_cpu },
};

int apply_thread_opts(ps *p, const tok *t, int n, int thread, const tok *stmt, int inherit)
{
    opt_seen seen = { 0, { 0 } };
    sc_thread *th = &p->f->threads[thread];
    if (opt_all(p, thread_opts, TO__N, (1u << TO__N) - 1, t, n, th, inherit ? "clone" : "thread", &seen))
        return -1;
    int has_prio = (int)((seen.bits >> TO_PRIO) & 1u);
    if (th->policy == SC_POLICY_OTHER && has_prio)
        return perr(p, seen.col[TO_PRIO], "prio needs policy=fifo or policy=rr");
    if (th->policy == SC_POLICY_OTHER) th->prio = 0;
    if (th->policy != SC_POLICY_OTHER && th->prio == 0)
        return perr(p, (seen.bits >> TO_POLICY) & 1 ? seen.col[TO_POLICY] : stmt->col,
                    "policy=%s needs prio=1..99", th->policy == SC_POLICY_FIFO ? "fifo" : "rr");
    return 0;
}

int parse_thread(ps *p)
{
    tok *t = p->toks;
    if (p->f->n_steps) return perr(p, t->col, "thread after the first step (use clone in a step)");
    if (p->open_proc < 0) return perr(p, t->col, "thread line without a process");
    if (!p->indented) return perr(p, t->col, "thread line must be indented under its process");
    if (p->ntok < 2) return perr(p, t->col, "thread needs a name");
    sc_proc *pr = &p->f->procs[p->open_proc];
    if (pr->kernel && pr->first_thread >= 0) return perr(p, t->col, "a kernel process has only one thread");
    int i = add_thread(p, p->open_proc, &t[1]);
    if (i < 0) return -1;
    return apply_thread_opts(p, t + 2, p->ntok - 2, i, &t[0], 0);
}

int close_proc(ps *p)
{
    int pi = p->open_proc;
    p->open_proc = -1;
    if (pi < 0 || p->f->procs[pi].first_thread >= 0) return 0;
    static const char main_name[] = "main";
    tok mt = { main_name, 4, p->f->procs[pi].loc.col, 0 };
    int i = add_thread(p, pi, &mt);
    if (i < 0) return -1;
    p->f->threads[i].loc = p->f->procs[pi].loc;
    return 0;
}
