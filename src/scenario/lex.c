/* lex.c - splits scenario text into lines and words.
 *
 * A line ends at '\n' (a '\r' right before it is dropped). Words are separated by spaces and
 * tabs; ';' is always a word of its own; "..." is one word (no escapes); '#' outside a string
 * starts a comment. NUL and other control bytes are errors anywhere, non-ASCII bytes are errors
 * outside comments, and a line may hold at most SC_MAX_LINE characters. */
#include <stdlib.h>
#include "parse_int.h"

static int push_tok(ps *p, const char *s, int len, int col, int quoted)
{
    if (p->ntok == p->cap_tok) {
        tok *nt = grow(p, p->toks, &p->cap_tok, p->ntok, sizeof *p->toks);
        if (!nt) return -1;
        p->toks = nt;
    }
    p->toks[p->ntok++] = (tok){ s, len, col, quoted };
    return 0;
}

/* Check the bytes of one line [s, s+n) and find where its comment starts. */
static int check_bytes(ps *p, const char *s, int n, int *code_end)
{
    int inq = 0;
    *code_end = n;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= SC_MAX_LINE) return perr(p, SC_MAX_LINE + 1, "line too long (max %d characters)", SC_MAX_LINE);
        if (c == 0) return perr(p, i + 1, "NUL byte");
        if ((c < 0x20 && c != '\t') || c == 0x7f) return perr(p, i + 1, "binary byte 0x%02x", c);
        if (*code_end < n) continue;
        if (c >= 0x80) return perr(p, i + 1, "non-ASCII character");
        if (c == '"') inq = !inq;
        else if (c == '#' && !inq) *code_end = i;
    }
    return 0;
}

static int is_sp(char c) { return c == ' ' || c == '\t'; }

static int split_words(ps *p, const char *s, int n)
{
    int i = 0;
    while (i < n) {
        if (is_sp(s[i])) { i++; continue; }
        int start = i;
        if (s[i] == ';') {
            if (push_tok(p, s + i, 1, i + 1, 0)) return -1;
            i++;
            continue;
        }
        if (s[i] == '"') {
            i++;
            while (i < n && s[i] != '"') i++;
            if (i >= n) return perr(p, start + 1, "unterminated string");
            i++;
            if (i < n && !is_sp(s[i]) && s[i] != ';')
                return perr(p, i + 1, "expected a space after a string");
            if (push_tok(p, s + start + 1, i - start - 2, start + 1, 1)) return -1;
            continue;
        }
        while (i < n && !is_sp(s[i]) && s[i] != ';') {
            if (s[i] == '"') return perr(p, i + 1, "unexpected '\"' inside a word");
            i++;
        }
        if (push_tok(p, s + start, i - start, start + 1, 0)) return -1;
    }
    return 0;
}

int lx_next(lexer *lx, ps *p)
{
    if (lx->pos >= lx->len) return 0;
    const char *s = lx->text + lx->pos;
    size_t rest = lx->len - lx->pos, n = 0;
    while (n < rest && s[n] != '\n') n++;
    lx->pos += n < rest ? n + 1 : n;
    lx->line++;
    p->line = lx->line;
    p->ntok = 0;
    if (n > 0 && s[n - 1] == '\r') n--;
    int len = n > SC_MAX_LINE ? SC_MAX_LINE + 1 : (int)n, code_end;
    if (check_bytes(p, s, len, &code_end)) return -1;
    p->indented = len > 0 && is_sp(s[0]);
    if (split_words(p, s, code_end)) return -1;
    return 1;
}
