/* kr_trace.c - tracefs for the real-kernel runner: a private instance (instances/tgsig-PID)
 * that records signal_generate, signal_deliver and sched_process_exit for the supervisor and
 * every task it forks (set_event_pid + options/event-fork), step markers written to the
 * instance's trace_marker, and the parse of the trace back into scenario names. */
#include "kr_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define KR_TRACEFS "/sys/kernel/tracing"
static int g_mounted;           /* we mounted tracefs (in the caller's process) */

static int path_ok(const char *p) { return access(p, F_OK) == 0; }

static int tdir_write(const kr_shm *g, const char *rel, const char *text)
{
    char p[320];
    snprintf(p, sizeof p, "%s/%s", g->trace_dir, rel);
    return kr_write_file(p, text);
}

static const char *find_base(void)
{
    if (path_ok(KR_TRACEFS "/instances")) return KR_TRACEFS;
    if (path_ok("/sys/kernel/debug/tracing/instances")) return "/sys/kernel/debug/tracing";
    if (mount("nodev", KR_TRACEFS, "tracefs", 0, NULL) == 0) {
        g_mounted = 1;
        if (path_ok(KR_TRACEFS "/instances")) return KR_TRACEFS;
    }
    return NULL;
}

int kr_trace_setup(kr_shm *g, int sup_pid, char *why, size_t len)
{
    static int seq;
    char pid[24];
    const char *base = find_base();
    if (!base) { snprintf(why, len, "tracefs not available"); return -1; }
    snprintf(g->trace_dir, sizeof g->trace_dir, "%s/instances/tgsig-%d-%d", base, (int)getpid(),
             seq++);
    if (mkdir(g->trace_dir, 0700) != 0) {
        snprintf(why, len, "mkdir %s: %s", g->trace_dir, strerror(errno));
        g->trace_dir[0] = 0;
        kr_trace_teardown(g);
        return -1;
    }
    snprintf(pid, sizeof pid, "%d", sup_pid);
    tdir_write(g, "trace_clock", "global");
    int bad = tdir_write(g, "set_event_pid", pid) | tdir_write(g, "options/event-fork", "1")
            | tdir_write(g, "events/signal/signal_generate/enable", "1")
            | tdir_write(g, "events/signal/signal_deliver/enable", "1")
            | tdir_write(g, "events/sched/sched_process_exit/enable", "1")
            | tdir_write(g, "tracing_on", "1");
    if (bad) {
        snprintf(why, len, "could not configure %s", g->trace_dir);
        kr_trace_teardown(g);
        return -1;
    }
    g->trace_on = 1;
    return 0;
}

void kr_trace_marker(const kr_shm *g, const char *text)
{
    if (g->trace_on && g->trace_dir[0]) tdir_write(g, "trace_marker", text);
}

void kr_trace_stop(const kr_shm *g)
{
    if (g->trace_on && g->trace_dir[0]) tdir_write(g, "tracing_on", "0");
}

void kr_trace_teardown(kr_shm *g)
{
    if (g->trace_dir[0]) {
        tdir_write(g, "tracing_on", "0");
        for (int i = 0; i < 50 && rmdir(g->trace_dir) != 0 && errno == EBUSY; i++)
            kr_sleep_us(20000);
        g->trace_dir[0] = 0;
    }
    g->trace_on = 0;
    if (g_mounted && umount(KR_TRACEFS) == 0) g_mounted = 0;
}

/* ---- parsing ---- */

typedef struct remap { int pid, thread, step, done; } remap;

typedef struct tstate {
    const kr_shm *g;
    tgs_obs *out;
    int step, ended;
    remap rm[KR_MAXT];
    int nrm;
} tstate;

static int map_tid(const tstate *ts, int pid)
{
    for (int i = ts->nrm - 1; i >= 0; i--)
        if (ts->rm[i].done && ts->rm[i].pid == pid) return ts->rm[i].thread;
    for (int t = 0; t < ts->g->f.n_threads; t++) {
        const kr_slot *s = &ts->g->th[t];
        if (s->registered && s->orig_tid == pid) return t;
    }
    return -1;
}

static void apply_remaps(tstate *ts, int exit_pid)
{
    for (int i = 0; i < ts->nrm; i++) {
        remap *r = &ts->rm[i];
        if (!r->done && ((exit_pid == r->pid && ts->step >= r->step) || ts->step > r->step))
            r->done = 1;
    }
}

static long num_after(const char *s, const char *key)
{
    const char *p = strstr(s, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static int line_pid(const char *line, const char *ev)
{
    const char *p = ev;
    while (p > line && *p != '[') p--;
    if (p == line) return -1;
    p--;
    while (p > line && *p == ' ') p--;
    const char *end = p + 1;
    while (p > line && p[-1] >= '0' && p[-1] <= '9') p--;
    return p < end ? atoi(p) : -1;
}

static void add(tstate *ts, int kind, int thread, int sig)
{
    obs_event *e = obs_add(ts->out, kind, ts->step, thread);
    if (!e) return;
    e->other = -1;
    e->sig = sig;
}

static void parse_line(tstate *ts, const char *line)
{
    const char *ev;
    if (line[0] == '#' || ts->ended) return;
    if ((ev = strstr(line, ": tracing_mark_write: tgsig "))) {
        const char *m = ev + strlen(": tracing_mark_write: tgsig ");
        if (!strncmp(m, "end", 3)) { ts->ended = 1; return; }
        ts->step = atoi(m + 5);
        apply_remaps(ts, -1);
    } else if ((ev = strstr(line, ": signal_generate: "))) {
        int t = map_tid(ts, (int)num_after(ev, " pid="));
        if (t < 0) return;
        add(ts, OBS_GENERATE, t, (int)num_after(ev, "sig="));
        ts->out->ev[ts->out->n - 1].res = (int)num_after(ev, " res=");
        ts->out->ev[ts->out->n - 1].grp = (int)num_after(ev, " grp=");
    } else if ((ev = strstr(line, ": signal_deliver: "))) {
        int t = map_tid(ts, line_pid(line, ev));
        if (t >= 0) add(ts, OBS_DELIVER, t, (int)num_after(ev, "sig="));
    } else if ((ev = strstr(line, ": sched_process_exit: "))) {
        int pid = (int)num_after(ev, " pid=");
        int t = map_tid(ts, pid);
        if (t >= 0) add(ts, OBS_EXIT, t, 0);
        apply_remaps(ts, pid);
    }
}

static char *read_all(const char *path)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    FILE *fp = fopen(path, "re");
    if (!buf || !fp) { free(buf); if (fp) fclose(fp); return NULL; }
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, fp);
        if (r == 0) break;
        n += r;
    }
    fclose(fp);
    buf[n] = 0;
    return buf;
}

int kr_trace_collect(const kr_shm *g, tgs_obs *tmp)
{
    char path[320];
    static tstate ts;
    memset(&ts, 0, sizeof ts);
    ts.g = g;
    ts.out = tmp;
    ts.step = -1;
    for (int t = 0; t < g->f.n_threads && ts.nrm < KR_MAXT; t++) {
        const kr_slot *s = &g->th[t];
        if (s->registered && s->exec_step >= 0 && s->tid != s->orig_tid)
            ts.rm[ts.nrm++] = (remap){ s->tid, t, s->exec_step, 0 };
    }
    snprintf(path, sizeof path, "%s/trace", g->trace_dir);
    char *buf = read_all(path);
    if (!buf) return -1;
    for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        parse_line(&ts, line);
    }
    free(buf);
    return 0;
}
