/* kr_proc.c - reading /proc for the real-kernel runner: thread states, stat fields, our own
 * ids in every pid namespace level, status blocks, and mapping pids back to scenario names. */
#include "kr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stat_path(char *p, size_t n, int tgid, int tid, const char *file)
{
    if (tid > 0) return snprintf(p, n, "/proc/%d/task/%d/%s", tgid, tid, file);
    return snprintf(p, n, "/proc/%d/%s", tgid, file);
}

/* Field `field` (1-based as in proc(5)) of /proc/TGID[/task/TID]/stat. */
int kr_stat_field(int tgid, int tid, int field, unsigned long long *v)
{
    char path[96], buf[1024];
    stat_path(path, sizeof path, tgid, tid, "stat");
    if (kr_read_file(path, buf, sizeof buf) <= 0) return -1;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;
    for (int f = 3; f <= field; f++) {
        while (*p == ' ') p++;
        if (!*p) return -1;
        if (f == field) {
            if (field == 3) { *v = (unsigned char)*p; return 0; }
            *v = strtoull(p, NULL, 10);
            return 0;
        }
        while (*p && *p != ' ') p++;
    }
    return -1;
}

char kr_thread_state(int tgid, int tid)
{
    unsigned long long v;
    if (tgid <= 0 || kr_stat_field(tgid, tid, 3, &v) < 0) return 0;
    return (char)v;
}

static int parse_ids(const char *buf, const char *key, int *out)
{
    const char *p = strstr(buf, key);
    int n = 0;
    if (!p) return 0;
    p += strlen(key);
    while (*p && *p != '\n' && n < KR_MAXLVL) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) break;
        out[n++] = (int)v;
        p = end;
    }
    return n;
}

/* Our global tid/tgid and the numbers in each pid-ns level (level 0 = /proc's namespace). */
int kr_self_ids(int *tid, int *tgid, int *ns_tid, int *ns_tgid, int *nlev)
{
    char link[64], buf[4096];
    ssize_t n = readlink("/proc/thread-self", link, sizeof link - 1);
    if (n <= 0) return -1;
    link[n] = 0;
    if (sscanf(link, "%d/task/%d", tgid, tid) != 2) return -1;
    if (kr_read_file("/proc/thread-self/status", buf, sizeof buf) <= 0) return -1;
    int a = parse_ids(buf, "\nNSpid:", ns_tid);
    int b = parse_ids(buf, "\nNStgid:", ns_tgid);
    if (a <= 0 || a != b) { ns_tid[0] = *tid; ns_tgid[0] = *tgid; a = 1; }
    *nlev = a;
    return 0;
}

int kr_proc_of_pid(const kr_shm *g, int level, int pid)
{
    if (pid <= 0 || level < 0 || level >= KR_MAXLVL) return -1;
    for (int t = 0; t < g->f.n_threads && t < KR_MAXT; t++) {
        const kr_slot *s = &g->th[t];
        if (s->registered && s->level >= level && s->ns_tgid[level] == pid)
            return g->f.threads[t].proc;
    }
    return -1;
}

/* The thread a tid number first belonged to: after an exec from a non-leader the process's
 * pid still names the old leader (a process name means its leader). */
int kr_thread_of_tid(const kr_shm *g, int tid)
{
    for (int t = 0; t < g->f.n_threads && t < KR_MAXT; t++)
        if (g->th[t].registered && g->th[t].orig_tid == tid) return t;
    for (int t = 0; t < g->f.n_threads && t < KR_MAXT; t++)
        if (g->th[t].registered && g->th[t].tid == tid) return t;
    return -1;
}

static const char *field(const char *buf, const char *key)
{
    const char *p = strstr(buf, key);
    return p ? p + strlen(key) : NULL;
}

static uint64_t hexfield(const char *buf, const char *key)
{
    const char *p = field(buf, key);
    return p ? strtoull(p, NULL, 16) : 0;
}

static long numfield(const char *buf, const char *key)
{
    const char *p = field(buf, key);
    return p ? strtol(p, NULL, 10) : -1;
}

static int ppid_proc(const kr_shm *g, long ppid)
{
    if (ppid == 0) return -2;
    return kr_proc_of_pid(g, 0, (int)ppid);
}

/* The SigQ baseline measured for real uid `uid` before the run; -1 when there is none. */
long kr_sigq_base(const kr_shm *g, int uid)
{
    if (g->ns_mode) return 0;   /* a private user namespace: the counts are the scenario's own */
    for (int i = 0; i < g->n_sigq_uid; i++)
        if (g->sigq_uid[i] == uid) return g->sigq_base[i];
    return -1;
}

/* The thread a Pid/Tgid number of the status of thread `self` (its global tid, 0 = the
 * process) names. A number equal to self is self: after an exec from a non-leader the thread
 * that exec'd took the old leader's number, and its own status names it, not the old leader
 * (kr_thread_of_tid's choice for a process's pid); the model names it the same way. */
static int status_thread(const kr_shm *g, int n, int self)
{
    if (self > 0 && n == self)
        for (int t = 0; t < g->f.n_threads && t < KR_MAXT; t++)
            if (g->th[t].registered && !g->th[t].gone && g->th[t].tid == n) return t;
    return kr_thread_of_tid(g, n);
}

/* Fill st from /proc/TGID/task/TID/status; -1 if the thread is gone. */
int kr_read_status(int tgid, int tid, obs_status *st, const kr_shm *g)
{
    char path[96], buf[4096];
    memset(st, 0, sizeof *st);
    st->state = 'X';
    st->tgid_thread = st->pid_thread = -1;
    st->ppid_proc = -1;
    stat_path(path, sizeof path, tgid, tid, "status");
    if (tgid <= 0 || kr_read_file(path, buf, sizeof buf) <= 0) return -1;
    const char *s = field(buf, "\nState:\t");
    if (s) st->state = *s;
    st->tgid_thread = status_thread(g, (int)numfield(buf, "\nTgid:\t"), tid);
    st->pid_thread = status_thread(g, (int)numfield(buf, "\nPid:\t"), tid);
    st->ppid_proc = ppid_proc(g, numfield(buf, "\nPPid:\t"));
    st->threads = (int)numfield(buf, "\nThreads:\t");
    const char *q = field(buf, "\nSigQ:\t");
    st->sigq = -1;
    if (q) sscanf(q, "%ld/%ld", &st->sigq, &st->sigq_limit);
    if (st->sigq >= 0) {                /* relative to the uid's baseline, or unknown (-1) */
        long base = kr_sigq_base(g, (int)numfield(buf, "\nUid:\t"));
        st->sigq = base < 0 || st->sigq < base ? -1 : st->sigq - base;
    }
    st->pnd = hexfield(buf, "\nSigPnd:\t");
    st->shd = hexfield(buf, "\nShdPnd:\t");
    st->blk = hexfield(buf, "\nSigBlk:\t");
    st->ign = hexfield(buf, "\nSigIgn:\t");
    st->cgt = hexfield(buf, "\nSigCgt:\t");
    return 0;
}

/* 1 if the thread is off every run queue (wchan names where it sleeps), 0 if it is on one
 * (wchan "0": running, or preempted while already marked S/T), -1 if unknown. */
int kr_thread_off_cpu(int tgid, int tid)
{
    char path[96], buf[128];
    stat_path(path, sizeof path, tgid, tid, "wchan");
    if (kr_read_file(path, buf, sizeof buf) <= 0) return -1;
    return strcmp(buf, "0") != 0;
}
