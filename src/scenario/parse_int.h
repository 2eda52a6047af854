/* parse_int.h - internal interface between the scenario lexer and the parser files
 * (lex.c, parse.c, parse_val.c, parse_step.c, parse_expect.c, names.c). Not for other parts. */
#ifndef TGS_PARSE_INT_H
#define TGS_PARSE_INT_H

#include "scenario.h"

#define SC_MAX_LINE 4096
#define SC_MAX_THREADS 100000
#define SC_MAX_FILE (256u << 20)

/* A word of a line: points into the source text (not NUL-terminated). */
typedef struct tok { const char *s; int len, col, quoted; } tok;

typedef struct name_hash { int *slot; int cap, n; } name_hash;

/* Parser state: one per sc_parse call (no globals). */
typedef struct ps {
    const char *path;
    sc_file *f;
    char *err;
    size_t errlen;
    int failed;
    int line;
    int cap_procs, cap_threads, cap_steps, cap_expects, cap_status;
    name_hash ph, th;           /* process names; (proc, thread name) */
    int open_proc;              /* process whose indented thread lines may follow, -1 = none */
    int seen_machine;
    tok *toks;                  /* words of the current line */
    int ntok, cap_tok;
    int indented;               /* the current line starts with a space or tab */
} ps;

typedef struct lexer { const char *text; size_t len, pos; int line; } lexer;

/* lex.c: split the next line into p->toks. 1 = a line, 0 = end of text, -1 = error. */
int lx_next(lexer *lx, ps *p);

/* parse.c: errors, names, arrays */
int perr(ps *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *tq(const tok *t, char *buf, size_t len);    /* quoted word for messages */
int tok_is(const tok *t, const char *word);
tok tok_sub(const tok *t, int off, int len);
int tok_find(const tok *t, int len, char c);            /* index of c in the word, -1 if none */
int find_proc(ps *p, const char *s, int len);           /* -1 if none */
int find_thread(ps *p, int proc, const char *s, int len);
int check_name(ps *p, const tok *t);                    /* valid new name? 0 / -1 */
int add_proc(ps *p, const tok *name);                   /* new proc index or -1 */
int add_thread(ps *p, int proc, const tok *name);       /* new thread index or -1 */
void *grow(ps *p, void *arr, int *cap, int n, size_t elem);

/* TREF: PROC | PROC.THREAD | PROC.* ; *thread = index, -1 for bare PROC, -2 for PROC.* */
int parse_tref(ps *p, const tok *t, int allow_star, int *proc, int *thread);
int leader_of(ps *p, int proc);

/* parse_val.c: values. Each reports its own error and returns -1, else 0. */
enum { SIG_ALLOW0 = 1, SIG_RAW = 2 };
int pv_num(ps *p, const tok *t, long lo, long hi, const char *what, long *out);
int pv_sig(ps *p, const tok *t, int flags, int *out);
int pv_set(ps *p, const tok *t, uint64_t *out);
int pv_flags(ps *p, const tok *t, unsigned long *out);
int pv_wopts(ps *p, const tok *t, int *out);
int pv_sicode(ps *p, const tok *t, long *out);
int pv_result(ps *p, const tok *t, sc_result *out);
int num_of(const tok *t, long *out);        /* 0 ok, -1 not a number, -2 overflow (no error) */

/* Options: `key=value` or bare `key` words, described by a table. */
typedef int (*opt_fn)(ps *p, const tok *val, void *obj);
typedef struct opt_def { const char *name; int bare; opt_fn fn; } opt_def;
typedef struct opt_seen { unsigned bits; int col[32]; } opt_seen;   /* bit i = table entry i */
int opt_lookup(const opt_def *tbl, int n, const tok *t, tok *val);   /* index or -1 */
int opt_one(ps *p, const opt_def *tbl, int idx, unsigned allowed, const tok *t, const tok *val,
            void *obj, const char *stmt, opt_seen *seen);
int opt_all(ps *p, const opt_def *tbl, int n, unsigned allowed, const tok *t, int nt, void *obj,
            const char *stmt, opt_seen *seen);

/* parse_world.c */
int parse_machine(ps *p);
int parse_process(ps *p);
int parse_thread(ps *p);
int close_proc(ps *p);
/* options shared by `fork` / `clone` steps */
int apply_proc_opts(ps *p, const tok *t, int n, int proc, int fork_only);
int apply_thread_opts(ps *p, const tok *t, int n, int thread, const tok *stmt, int inherit);

/* parse_step.c */
int parse_step(ps *p);
/* parse_expect.c */
int parse_expect(ps *p);
int parse_status(ps *p);

/* names.c: length-aware lookups */
int sc__sig_from_name_n(const char *s, int len);
int sc__err_from_name_n(const char *s, int len);

#endif
