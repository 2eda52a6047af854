/* obs_int.h - helpers shared by obs.c, expect.c and compare.c (not for other parts). */
#ifndef TGS_OBS_INT_H
#define TGS_OBS_INT_H

#include <stdarg.h>
#include "obs.h"

/* A bounded string builder: never overflows, remembers truncation. */
typedef struct sbuf { char *p; size_t cap, n; int trunc; } sbuf;
void sb_init(sbuf *b, char *p, size_t cap);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(sbuf *b, const char *s);

/* Names (buf must hold at least OBS_NAME bytes). Out-of-range indexes give "thread#N". */
#define OBS_NAME 80
const char *obs__thread_name(const sc_file *f, int t, char *buf);   /* "app.t1" */
const char *obs__proc_name(const sc_file *f, int p, char *buf);     /* "app" */
const char *obs__pid_name(const sc_file *f, int other, char *buf);  /* proc, "0", "?" */
const char *obs__code_name(int sig, long code, char *buf);          /* "SI_USER", "CLD_STOPPED", "3" */
const char *obs__mask_text(uint64_t m, char *buf);                  /* "SIGUSR1,SIGUSR2" */
const char *obs__result_text(const obs_event *e, char *buf);        /* "0", "EINTR", "blocked" */

/* A wait report decoded: kind 'e' exited, 'k' killed, 'd' dumped, 's' stopped, 'c' continued,
 * 't' trapped, '?' unknown; num = exit code or signal. Text: "exited 0", "killed SIGTERM". */
char obs__wait_decode(const obs_event *e, int *num);
const char *obs__wait_text(const obs_event *e, char *buf);
const char *obs__end_text(int how, long code, char *buf);           /* "exited 0", "alive" */

/* The process a thread belongs to, -1 if unknown. */
int obs__thread_proc(const sc_file *f, int t);

#endif
