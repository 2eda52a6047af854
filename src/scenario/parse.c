/* parse.c - sc_parse entry points, errors, the name tables and line dispatch.
 * See docs/scenario.md for the language and scenario.h for the result. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse_int.h"

int perr(ps *p, int col, const char *fmt, ...)
{
    if (p->failed) return -1;
    p->failed = 1;
    if (!p->err || !p->errlen) return -1;
    int n = snprintf(p->err, p->errlen, "%s:%d:%d: ", p->path, p->line, col);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *tq(const tok *t, char *buf, size_t len)
{
    int n = t->len > 40 ? 40 : t->len;
    snprintf(buf, len, "'%.*s%s'", n, t->s, t->len > 40 ? "..." : "");
    return buf;
}

int tok_is(const tok *t, const char *word)
{
    size_t n = strlen(word);
    return !t->quoted && (size_t)t->len == n && !memcmp(t->s, word, n);
}

tok tok_sub(const tok *t, int off, int len)
{
    return (tok){ t->s + off, len, t->col + off, t->quoted };
}

int tok_find(const tok *t, int len, char c)
{
    const char *q = memchr(t->s, c, (size_t)(len < t->len ? len : t->len));
    return q ? (int)(q - t->s) : -1;
}

void *grow(ps *p, void *arr, int *cap, int n, size_t elem)
{
    if (n < *cap) return arr;
    if (*cap > (1 << 28)) { perr(p, 1, "out of memory"); return NULL; }
    int nc = *cap ? *cap * 2 : 8;
    void *na = realloc(arr, (size_t)nc * elem);
    if (!na) { perr(p, 1, "out of memory"); return NULL; }
    *cap = nc;
    return na;
}

/* ---- name hash tables: open addressing, slot = index + 1, 0 = empty ---- */

static unsigned hname(int proc, const char *s, size_t len)
{
    unsigned h = 2166136261u ^ (unsigned)(proc + 2);
    for (size_t i = 0; i < len; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
    return h;
}

static const char *entry_name(ps *p, int is_thread, int i, int *proc)
{
    *proc = is_thread ? p->f->threads[i].proc : -1;
    return is_thread ? p->f->threads[i].name : p->f->procs[i].name;
}

static int h_find(ps *p, int is_thread, int proc, const char *s, int len)
{
    name_hash *h = is_thread ? &p->th : &p->ph;
    if (!h->cap || len <= 0 || len >= SC_MAX_NAME) return -1;
    unsigned m = (unsigned)h->cap - 1;
    for (unsigned i = hname(proc, s, (size_t)len) & m;; i = (i + 1) & m) {
        int v = h->slot[i], ep;
        if (!v) return -1;
        const char *nm = entry_name(p, is_thread, v - 1, &ep);
        if (ep == proc && strlen(nm) == (size_t)len && !memcmp(nm, s, (size_t)len)) return v - 1;
    }
}

static void h_put(ps *p, name_hash *h, int is_thread, int idx)
{
    int proc;
    const char *nm = entry_name(p, is_thread, idx, &proc);
    unsigned m = (unsigned)h->cap - 1, i = hname(proc, nm, strlen(nm)) & m;
    while (h->slot[i]) i = (i + 1) & m;
    h->slot[i] = idx + 1;
    h->n++;
}

/* Index entry idx (the newest one of its array), growing the table when half full. */
static int h_add(ps *p, int is_thread, int idx)
{
    name_hash *h = is_thread ? &p->th : &p->ph;
    if ((h->n + 1) * 2 > h->cap) {
        int nc = h->cap ? h->cap * 2 : 64;
        int *ns = calloc((size_t)nc, sizeof *ns);
        if (!ns) return perr(p, 1, "out of memory");
        free(h->slot);
        h->slot = ns; h->cap = nc; h->n = 0;
        for (int i = 0; i < idx; i++) h_put(p, h, is_thread, i);
    }
    h_put(p, h, is_thread, idx);
    return 0;
}

int find_proc(ps *p, const char *s, int len) { return h_find(p, 0, -1, s, len); }
int find_thread(ps *p, int proc, const char *s, int len) { return h_find(p, 1, proc, s, len); }

static const char *const reserved[] = { "do", "or", "raw", "nonblock", "autodisarm", "all", "none" };

int check_name(ps *p, const tok *t)
{
    char b[64];
    int ok = t->len > 0 && !t->quoted &&
             ((t->s[0] >= 'A' && t->s[0] <= 'Z') || (t->s[0] >= 'a' && t->s[0] <= 'z') || t->s[0] == '_');
    for (int i = 1; ok && i < t->len; i++) {
        char c = t->s[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    if (!ok) return perr(p, t->col, "bad name %s (a letter or '_', then letters, digits, '_' or '-')", tq(t, b, sizeof b));
    if (t->len >= SC_MAX_NAME) return perr(p, t->col, "name too long (max %d characters)", SC_MAX_NAME - 1);
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (tok_is(t, reserved[i])) return perr(p, t->col, "%s is a reserved word", tq(t, b, sizeof b));
    return 0;
}

int add_proc(ps *p, const tok *name)
{
    sc_file *f = p->f;
    char b[64];
    if (check_name(p, name)) return -1;
    if (find_proc(p, name->s, name->len) >= 0)
        return perr(p, name->col, "duplicate process name %s", tq(name, b, sizeof b));
    sc_proc *np = grow(p, f->procs, &p->cap_procs, f->n_procs, sizeof *np);
    if (!np) return -1;
    f->procs = np;
    sc_proc *pr = &f->procs[f->n_procs];
    memset(pr, 0, sizeof *pr);
    memcpy(pr->name, name->s, (size_t)name->len);
    pr->parent = -1; pr->cap_kill = 1; pr->pgrp_of = -1; pr->sigpending = -1;
    pr->created_by_step = -1; pr->first_thread = -1;
    pr->loc = (sc_loc){ p->line, name->col };
    if (h_add(p, 0, f->n_procs)) return -1;
    return f->n_procs++;
}

int add_thread(ps *p, int proc, const tok *name)
{
    sc_file *f = p->f;
    char b[64];
    if (check_name(p, name)) return -1;
    if (f->n_threads >= SC_MAX_THREADS) return perr(p, name->col, "too many threads (max %d)", SC_MAX_THREADS);
    if (find_thread(p, proc, name->s, name->len) >= 0)
        return perr(p, name->col, "duplicate thread name %s in process '%s'", tq(name, b, sizeof b), f->procs[proc].name);
    sc_thread *nt = grow(p, f->threads, &p->cap_threads, f->n_threads, sizeof *nt);
    if (!nt) return -1;
    f->threads = nt;
    sc_thread *th = &f->threads[f->n_threads];
    memset(th, 0, sizeof *th);
    memcpy(th->name, name->s, (size_t)name->len);
    th->proc = proc; th->policy = SC_POLICY_OTHER; th->cpu = -1; th->created_by_step = -1;
    th->loc = (sc_loc){ p->line, name->col };
    if (h_add(p, 1, f->n_threads)) return -1;
    if (f->procs[proc].first_thread < 0) f->procs[proc].first_thread = f->n_threads;
    return f->n_threads++;
}

int leader_of(ps *p, int proc) { return p->f->procs[proc].first_thread; }

int parse_tref(ps *p, const tok *t, int allow_star, int *proc, int *thread)
{
    char b[64];
    int dot = tok_find(t, t->len, '.');
    tok pt = tok_sub(t, 0, dot < 0 ? t->len : dot);
    if (t->quoted || (*proc = find_proc(p, pt.s, pt.len)) < 0)
        return perr(p, t->col, "unknown process %s", tq(&pt, b, sizeof b));
    *thread = -1;
    if (dot < 0) return 0;
    tok tt = tok_sub(t, dot + 1, t->len - dot - 1);
    if (tok_is(&tt, "*")) {
        if (!allow_star) return perr(p, tt.col, "'%s.*' is not allowed here (name one thread)", p->f->procs[*proc].name);
        *thread = -2;
        return 0;
    }
    if (tt.len == 0) return perr(p, tt.col, "missing thread name after '.'");
    if ((*thread = find_thread(p, *proc, tt.s, tt.len)) < 0)
        return perr(p, tt.col, "unknown thread %s in process '%s'", tq(&tt, b, sizeof b), p->f->procs[*proc].name);
    return 0;
}

/* ---- lines ---- */

static int parse_settle(ps *p)
{
    char b[64];
    if (p->ntok > 1) return perr(p, p->toks[1].col, "unexpected %s", tq(&p->toks[1], b, sizeof b));
    return 0;
}

static const struct { const char *word; int (*fn)(ps *); } statements[] = {
    { "machine", parse_machine }, { "process", parse_process }, { "expect", parse_expect },
    { "status", parse_status }, { "settle", parse_settle },
};

static int parse_line(ps *p)
{
    tok *t = p->toks;
    char b[64];
    if (p->ntok == 0) return 0;
    if (tok_is(t, "thread")) return parse_thread(p);
    if (close_proc(p)) return -1;
    if (!tok_is(t, "expect"))
        for (int i = 0; i < p->ntok; i++)
            if (t[i].quoted) return perr(p, t[i].col, "a quoted string is only allowed as a field value");
    if (t->len > 0 && t->s[t->len - 1] == ':') return parse_step(p);
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
        if (tok_is(t, statements[i].word)) return statements[i].fn(p);
    return perr(p, t->col, "unknown statement %s", tq(t, b, sizeof b));
}

int sc_parse(const char *path, const char *text, size_t len, sc_file *out, char *err, size_t errlen)
{
    ps p;
    memset(&p, 0, sizeof p);
    p.path = path ? path : "<input>";
    p.err = err; p.errlen = errlen; p.open_proc = -1; p.line = 1;
    if (err && errlen) err[0] = 0;
    if (!out) return perr(&p, 1, "no output");
    memset(out, 0, sizeof *out);
    p.f = out;
    snprintf(out->path, sizeof out->path, "%s", p.path);
    out->cpus = 1;
    out->preempt = SC_PREEMPT_FULL;
    if (!text && len) perr(&p, 1, "no text");
    else if (len > SC_MAX_FILE) perr(&p, 1, "file too large (max %u bytes)", SC_MAX_FILE);
    else {
        lexer lx = { text, len, 0, 0 };
        while (lx_next(&lx, &p) > 0 && !parse_line(&p)) {}
        if (!p.failed) close_proc(&p);
    }
    free(p.toks);
    free(p.ph.slot);
    free(p.th.slot);
    if (!p.failed) return 0;
    sc_free(out);
    return -1;
}

int sc_parse_file(const char *path, sc_file *out, char *err, size_t errlen)
{
    FILE *fp = fopen(path ? path : "", "rb");
    if (out) memset(out, 0, sizeof *out);
    if (!fp) {
        if (err && errlen) snprintf(err, errlen, "%s:1:1: cannot open: %s", path ? path : "", strerror(errno));
        return -1;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap || cap > SC_MAX_FILE) break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb; cap *= 2;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        if (err && errlen) snprintf(err, errlen, "%s:1:1: cannot read: %s", path, buf ? "I/O error" : "out of memory");
        free(buf);
        return -1;
    }
    int r = sc_parse(path, buf, n, out, err, errlen);
    free(buf);
    return r;
}

void sc_free(sc_file *f)
{
    if (!f) return;
    for (int i = 0; f->steps && i < f->n_steps; i++) free(f->steps[i].act.body);
    for (int i = 0; f->expects && i < f->n_expects; i++) free(f->expects[i].alt);
    for (int i = 0; f->status && i < f->n_status; i++) free(f->status[i].threads);
    free(f->procs);
    free(f->threads);
    free(f->steps);
    free(f->expects);
    free(f->status);
    memset(f, 0, sizeof *f);
}
