/* obs.c - the observation record: storage, names and one-line text of each event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "obs_int.h"

void obs_init(tgs_obs *o, int caps)
{
    memset(o, 0, sizeof *o);
    o->caps = caps;
}

void obs_free(tgs_obs *o)
{
    if (!o) return;
    free(o->ev);
    o->ev = NULL;
    o->n = o->cap = 0;
}

/* Appends a zeroed event; NULL only when memory runs out (the record is left as it was). */
obs_event *obs_add(tgs_obs *o, int kind, int step, int thread)
{
    if (o->n >= o->cap) {
        int ncap = o->cap ? o->cap * 2 : 64;
        if (ncap <= o->cap || (size_t)ncap > SIZE_MAX / sizeof *o->ev) return NULL;
        obs_event *ev = realloc(o->ev, (size_t)ncap * sizeof *ev);
        if (!ev) return NULL;
        o->ev = ev;
        o->cap = ncap;
    }
    obs_event *e = &o->ev[o->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->step = step;
    e->thread = thread;
    return e;
}

/* ---- string builder ---- */

void sb_init(sbuf *b, char *p, size_t cap)
{
    b->p = p; b->cap = cap; b->n = 0; b->trunc = 0;
    if (cap) p[0] = 0;
}

static void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
    if (b->cap == 0) { b->trunc = 1; return; }
    size_t room = b->cap - b->n;
    int k = vsnprintf(b->p + b->n, room, fmt, ap);
    if (k < 0) return;
    if ((size_t)k >= room) {
        b->n = b->cap - 1;
        b->trunc = 1;
        if (b->cap >= 4) memcpy(b->p + b->cap - 4, "...", 4);
    } else {
        b->n += (size_t)k;
    }
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void sb_puts(sbuf *b, const char *s) { sb_printf(b, "%s", s); }

/* ---- names ---- */

int obs__thread_proc(const sc_file *f, int t)
{
    if (!f || t < 0 || t >= f->n_threads) return -1;
    return f->threads[t].proc;
}

const char *obs__proc_name(const sc_file *f, int p, char *buf)
{
    if (f && p >= 0 && p < f->n_procs) snprintf(buf, OBS_NAME, "%s", f->procs[p].name);
    else snprintf(buf, OBS_NAME, "proc#%d", p);
    return buf;
}

const char *obs__thread_name(const sc_file *f, int t, char *buf)
{
    int p = obs__thread_proc(f, t);
    if (p >= 0 && p < f->n_procs)
        snprintf(buf, OBS_NAME, "%s.%s", f->procs[p].name, f->threads[t].name);
    else
        snprintf(buf, OBS_NAME, "thread#%d", t);
    return buf;
}

const char *obs__pid_name(const sc_file *f, int other, char *buf)
{
    if (other == -1) return strcpy(buf, "0");
    if (other < -1) return strcpy(buf, "?");
    return obs__proc_name(f, other, buf);
}

const char *obs__code_name(int sig, long code, char *buf)
{
    static const char *const neg[] = { "SI_USER", "SI_QUEUE", "SI_TIMER", "SI_MESGQ",
                                       "SI_ASYNCIO", "SI_SIGIO", "SI_TKILL", "SI_DETHREAD" };
    static const char *const cld[] = { "", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
                                       "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
    if (code <= 0 && code >= -7) return strcpy(buf, neg[-code]);
    if (sig == 17 && code >= 1 && code <= 6) return strcpy(buf, cld[code]);
    if (code == 0x80) return strcpy(buf, "SI_KERNEL");
    snprintf(buf, OBS_NAME, "%ld", code);
    return buf;
}

const char *obs__mask_text(uint64_t m, char *buf)
{
    if (!m) return strcpy(buf, "none");
    sbuf b;
    sb_init(&b, buf, OBS_NAME);
    for (int s = 1; s <= 64; s++) {
        if (!(m & (1ULL << (s - 1)))) continue;
        sb_printf(&b, "%s%s", b.n ? "," : "", sc_signame(s));
        if (b.n > 60) break;
    }
    if (b.n > 60 || b.trunc) snprintf(buf, OBS_NAME, "%016llx", (unsigned long long)m);
    return buf;
}

const char *obs__result_text(const obs_event *e, char *buf)
{
    if (e->blocked) return strcpy(buf, "blocked");
    if (e->err > 0) return strcpy(buf, sc_errname(e->err));
    snprintf(buf, OBS_NAME, "%ld", e->value);
    return buf;
}

static char cld_decode(long code, long value, int *num)
{
    static const char kinds[] = "?ekdtsc";
    *num = (int)value;
    return kinds[code >= 1 && code <= 6 ? code : 0];
}

char obs__wait_decode(const obs_event *e, int *num)
{
    long st = e->value;
    if (e->code != 0) return cld_decode(e->code, e->value, num);
    if (st == 0xffff) { *num = 0; return 'c'; }
    if ((st & 0x7f) == 0) { *num = (int)((st >> 8) & 0xff); return 'e'; }
    if ((st & 0xff) == 0x7f) { *num = (int)((st >> 8) & 0xff); return 's'; }
    *num = (int)(st & 0x7f);
    return (st & 0x80) ? 'd' : 'k';
}

const char *obs__wait_text(const obs_event *e, char *buf)
{
    int num;
    switch (obs__wait_decode(e, &num)) {
    case 'e': snprintf(buf, OBS_NAME, "exited %d", num); break;
    case 'k': snprintf(buf, OBS_NAME, "killed %s", sc_signame(num)); break;
    case 'd': snprintf(buf, OBS_NAME, "killed %s (core dumped)", sc_signame(num)); break;
    case 's': snprintf(buf, OBS_NAME, "stopped %s", sc_signame(num)); break;
    case 't': snprintf(buf, OBS_NAME, "trapped %s", sc_signame(num)); break;
    case 'c': snprintf(buf, OBS_NAME, "continued"); break;
    default: snprintf(buf, OBS_NAME, "status %#lx code %ld", e->value, e->code); break;
    }
    return buf;
}

const char *obs__end_text(int how, long code, char *buf)
{
    switch (how) {
    case OBS_END_ALIVE: return strcpy(buf, "alive");
    case OBS_END_EXITED: snprintf(buf, OBS_NAME, "exited %ld", code); break;
    case OBS_END_KILLED: snprintf(buf, OBS_NAME, "killed-by %s", sc_signame((int)code)); break;
    case OBS_END_DUMPED: snprintf(buf, OBS_NAME, "dumped %s", sc_signame((int)code)); break;
    case OBS_END_STOPPED:
        if (code > 0) snprintf(buf, OBS_NAME, "stopped by %s", sc_signame((int)code));
        else snprintf(buf, OBS_NAME, "stopped");
        break;
    default: snprintf(buf, OBS_NAME, "end state %d", how); break;
    }
    return buf;
}

/* ---- obs_format ---- */

static void fmt_status(sbuf *b, const sc_file *f, const obs_status *s)
{
    char a[OBS_NAME], c[OBS_NAME], d[OBS_NAME];
    sb_printf(b, " State=%c Tgid=%s Pid=%s PPid=%s Threads=%d", s->state ? s->state : '?',
              obs__thread_name(f, s->tgid_thread, a), obs__thread_name(f, s->pid_thread, c),
              s->ppid_proc == -2 ? "0" : s->ppid_proc == -1 ? "outside" : obs__proc_name(f, s->ppid_proc, d),
              s->threads);
    if (s->sigq >= 0) sb_printf(b, " SigQ=%ld/%ld", s->sigq, s->sigq_limit);
    sb_printf(b, " SigPnd=%016llx ShdPnd=%016llx SigBlk=%016llx SigIgn=%016llx SigCgt=%016llx",
              (unsigned long long)s->pnd, (unsigned long long)s->shd, (unsigned long long)s->blk,
              (unsigned long long)s->ign, (unsigned long long)s->cgt);
}

static void fmt_handler(sbuf *b, const sc_file *f, const obs_event *e)
{
    char c[OBS_NAME], p[OBS_NAME], m[OBS_NAME];
    sb_printf(b, " handler %s code=%s pid=%s value=%ld mask=%s depth=%d%s", sc_signame(e->sig),
              obs__code_name(e->sig, e->code, c), obs__pid_name(f, e->other, p), e->value,
              obs__mask_text(e->mask, m), e->depth, e->altstack ? " altstack" : "");
}

static void fmt_body(sbuf *b, const sc_file *f, const obs_event *e)
{
    char x[OBS_NAME], y[OBS_NAME];
    switch (e->kind) {
    case OBS_RESULT: sb_printf(b, " result %s", obs__result_text(e, x)); break;
    case OBS_HANDLER: fmt_handler(b, f, e); break;
    case OBS_DELIVER: sb_printf(b, " deliver %s", sc_signame(e->sig)); break;
    case OBS_GENERATE:
        sb_printf(b, " generate %s res=%d grp=%d", sc_signame(e->sig), e->res, e->grp); break;
    case OBS_EXIT: sb_printf(b, " exit"); break;
    case OBS_WAIT:
        sb_printf(b, " waited %s %s", obs__proc_name(f, e->other, x), obs__wait_text(e, y)); break;
    case OBS_STATUS: sb_printf(b, " status"); fmt_status(b, f, &e->st); break;
    case OBS_THREAD_END: sb_printf(b, " end state %c", e->code ? (char)e->code : '?'); break;
    default: sb_printf(b, " event kind %d", e->kind); break;
    }
}

int obs_format(const sc_file *f, const obs_event *e, char *buf, size_t len)
{
    char t[OBS_NAME], y[OBS_NAME];
    sbuf b;
    sb_init(&b, buf, len);
    if (e->step >= 0) sb_printf(&b, "step %d: ", e->step);
    else sb_puts(&b, "setup: ");
    if (e->kind == OBS_PROC_END) {
        sb_printf(&b, "%s end %s", obs__proc_name(f, e->other, t),
                  obs__end_text((int)e->value, e->code, y));
    } else {
        sb_puts(&b, obs__thread_name(f, e->thread, t));
        fmt_body(&b, f, e);
    }
    return (int)b.n;
}
