/* parse_val.c - values: numbers, signals, signal sets, SA_ flags, wait options, si_codes,
 * step results. */
#include <limits.h>
#include <string.h>
#include "parse_int.h"

int num_of(const tok *t, long *out)
{
    int i = 0, neg = 0, base = 10;
    unsigned long v = 0, lim;
    if (t->quoted || t->len == 0) return -1;
    if (t->s[0] == '-' || t->s[0] == '+') { neg = t->s[0] == '-'; i = 1; }
    if (t->len - i > 2 && t->s[i] == '0' && (t->s[i + 1] == 'x' || t->s[i + 1] == 'X')) { base = 16; i += 2; }
    if (i >= t->len) return -1;
    lim = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
    int over = 0;
    for (; i < t->len; i++) {
        char c = t->s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        if (v > (lim - (unsigned long)d) / (unsigned long)base) over = 1;
        else v = v * (unsigned long)base + (unsigned long)d;
    }
    if (over) return -2;
    *out = neg ? (v == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)v) : (long)v;
    return 0;
}

int pv_num(ps *p, const tok *t, long lo, long hi, const char *what, long *out)
{
    char b[64];
    long v = 0;
    int r = num_of(t, &v);
    if (r == -1) return perr(p, t->col, "expected a number for %s, got %s", what, tq(t, b, sizeof b));
    if (r == -2 || v < lo || v > hi) return perr(p, t->col, "%s out of range (%ld..%ld)", what, lo, hi);
    *out = v;
    return 0;
}

int pv_sig(ps *p, const tok *t, int flags, int *out)
{
    char b[64];
    long v;
    int lo = flags & SIG_ALLOW0 ? 0 : 1;
    if (t->len > 0 && ((t->s[0] >= '0' && t->s[0] <= '9') || t->s[0] == '-' || t->s[0] == '+')) {
        int r = num_of(t, &v);
        if (r == -1) return perr(p, t->col, "unknown signal %s", tq(t, b, sizeof b));
        if (flags & SIG_RAW) {
            if (r == -2 || v < INT_MIN || v > INT_MAX) return perr(p, t->col, "signal out of range (int)");
        } else if (r == -2 || v < lo || v > 64) {
            return perr(p, t->col, "signal out of range (%d..64)%s", lo,
                        flags & SIG_ALLOW0 ? "; add raw to send it anyway" : "");
        }
        *out = (int)v;
        return 0;
    }
    int s = t->quoted ? -1 : sc__sig_from_name_n(t->s, t->len);
    if (s < 1) return perr(p, t->col, "unknown signal %s", tq(t, b, sizeof b));
    *out = s;
    return 0;
}

int pv_set(ps *p, const tok *t, uint64_t *out)
{
    if (tok_is(t, "all")) { *out = ~(uint64_t)0; return 0; }
    if (tok_is(t, "none")) { *out = 0; return 0; }
    uint64_t set = 0;
    int i = 0;
    while (i <= t->len) {
        int j = i;
        while (j < t->len && t->s[j] != ',') j++;
        tok one = tok_sub(t, i, j - i);
        int sig;
        if (one.len == 0) return perr(p, one.col, "empty signal in set");
        if (pv_sig(p, &one, 0, &sig)) return -1;
        set |= (uint64_t)1 << (sig - 1);
        i = j + 1;
    }
    *out = set;
    return 0;
}

struct named { const char *name; long v; };

static const struct named sa_flags[] = {
    { "NOCLDSTOP", 0x1 }, { "NOCLDWAIT", 0x2 }, { "SIGINFO", 0x4 }, { "ONSTACK", 0x08000000 },
    { "RESTART", 0x10000000 }, { "NODEFER", 0x40000000 }, { "NOMASK", 0x40000000 },
    { "RESETHAND", 0x80000000L }, { "ONESHOT", 0x80000000L },
};

static const struct named w_opts[] = {
    { "WNOHANG", 1 }, { "WUNTRACED", 2 }, { "WSTOPPED", 2 }, { "WEXITED", 4 }, { "WCONTINUED", 8 },
    { "WNOWAIT", 0x01000000 }, { "__WNOTHREAD", 0x20000000 }, { "__WALL", 0x40000000 },
    { "__WCLONE", 0x80000000L },
};

static const struct named si_codes[] = {
    { "SI_USER", 0 }, { "SI_KERNEL", 0x80 }, { "SI_QUEUE", -1 }, { "SI_TIMER", -2 },
    { "SI_MESGQ", -3 }, { "SI_ASYNCIO", -4 }, { "SI_SIGIO", -5 }, { "SI_TKILL", -6 },
    { "SI_DETHREAD", -7 }, { "CLD_EXITED", 1 }, { "CLD_KILLED", 2 }, { "CLD_DUMPED", 3 },
    { "CLD_TRAPPED", 4 }, { "CLD_STOPPED", 5 }, { "CLD_CONTINUED", 6 },
};

static int named_find(const struct named *tb, size_t n, const char *s, int len, long *v)
{
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(tb[i].name) == len && !memcmp(tb[i].name, s, (size_t)len)) { *v = tb[i].v; return 0; }
    return -1;
}

/* A '|' or ',' separated list of names from tb (prefix optional) or numbers 0..0xffffffff. */
static int bit_list(ps *p, const tok *t, const struct named *tb, size_t n, const char *prefix,
                    const char *what, unsigned long *out)
{
    char b[64];
    unsigned long acc = 0;
    int plen = (int)strlen(prefix);
    if (tok_is(t, "none")) { *out = 0; return 0; }
    for (int i = 0; i <= t->len;) {
        int j = i;
        while (j < t->len && t->s[j] != '|' && t->s[j] != ',') j++;
        tok one = tok_sub(t, i, j - i);
        long v;
        if (one.len == 0) return perr(p, one.col, "empty %s", what);
        if (one.s[0] >= '0' && one.s[0] <= '9') {
            if (pv_num(p, &one, 0, 0xffffffffL, what, &v)) return -1;
        } else if (named_find(tb, n, one.s, one.len, &v) &&
                   (one.len <= plen || memcmp(one.s, prefix, (size_t)plen) != 0 ||
                    named_find(tb, n, one.s + plen, one.len - plen, &v))) {
            return perr(p, one.col, "unknown %s %s", what, tq(&one, b, sizeof b));
        }
        acc |= (unsigned long)v;
        i = j + 1;
    }
    *out = acc;
    return 0;
}

int pv_flags(ps *p, const tok *t, unsigned long *out)
{
    return bit_list(p, t, sa_flags, sizeof sa_flags / sizeof sa_flags[0], "SA_", "flag", out);
}

int pv_wopts(ps *p, const tok *t, int *out)
{
    unsigned long v;
    if (bit_list(p, t, w_opts, sizeof w_opts / sizeof w_opts[0], "", "wait option", &v)) return -1;
    *out = (int)(unsigned)v;
    return 0;
}

int pv_sicode(ps *p, const tok *t, long *out)
{
    char b[64];
    if (!t->quoted && !named_find(si_codes, sizeof si_codes / sizeof si_codes[0], t->s, t->len, out)) return 0;
    int r = num_of(t, out);
    if (r == -1) return perr(p, t->col, "unknown si_code %s", tq(t, b, sizeof b));
    if (r == -2 || *out < INT_MIN || *out > INT_MAX) return perr(p, t->col, "si_code out of range (int)");
    return 0;
}

int pv_result(ps *p, const tok *t, sc_result *out)
{
    char b[64];
    long v;
    out->loc = (sc_loc){ p->line, t->col };
    if (tok_is(t, "blocked")) { out->kind = SC_R_BLOCKED; return 0; }
    int e = t->quoted ? -1 : sc__err_from_name_n(t->s, t->len);
    if (e > 0) { out->kind = SC_R_ERRNO; out->value = e; return 0; }
    int r = num_of(t, &v);
    if (r == -2) return perr(p, t->col, "result out of range");
    if (r == 0) { out->kind = SC_R_VALUE; out->value = v; return 0; }
    int s = t->quoted ? -1 : sc__sig_from_name_n(t->s, t->len);
    if (s > 0) { out->kind = SC_R_VALUE; out->value = s; return 0; }
    return perr(p, t->col, "bad result %s (a number, an errno name, a signal or blocked)", tq(t, b, sizeof b));
}
