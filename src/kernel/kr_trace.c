/* kr_trace.c - tracefs for the real-kernel runner: a private instance that records
 * signal_generate, signal_deliver and sched_process_exit for the supervisor and every task it
 * forks (set_event_pid + options/event-fork), step markers written to the instance's
 * trace_marker, and the parse of the trace back into scenario names.
 *
 * Several `tgsig check` runs may trace at once (from different worktrees), so nothing here
 * touches shared state but the run's own instance:
 *  - the tracefs root is a directory fd (g->trace_fd): the existing mount when there is one
 *    (/sys/kernel/tracing or /sys/kernel/debug/tracing), else a detached private mount made
 *    with fsopen/fsmount, visible to nobody else and gone with the last fd. tracefs is never
 *    mounted or unmounted on a shared path, so no run can pull the mount from under another;
 *  - the instance name is tgsig-PID-START-SEQ (the caller's pid and /proc start time, a
 *    sequence number), created with mkdir, which is atomic: EEXIST means another run owns that
 *    name and the next number is tried;
 *  - every exit path removes the instance: kr_trace_teardown after a run (also after a
 *    supervisor that overran and was killed), the supervisor when the caller dies (its
 *    PR_SET_PDEATHSIG handler, see kr_sup.c), and, for a caller and a supervisor both killed
 *    with SIGKILL, the next run: kr_trace_setup removes tgsig-* instances whose owner process
 *    is gone (a live owner's instance is never touched).
 * Every path below is relative to g->trace_fd. */
#include "kr_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fsopen
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#define KR_FSOPEN_CLOEXEC 1u
#define KR_FSCONFIG_CMD_CREATE 6u
#define KR_FSMOUNT_CLOEXEC 1u

static int tdir_write(const kr_shm *g, const char *rel, const char *text)
{
    char p[320];
    if (g->trace_fd < 0 || !g->trace_dir[0]) return -1;
    snprintf(p, sizeof p, "%s/%s", g->trace_dir, rel);
    int fd = openat(g->trace_fd, p, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = (ssize_t)strlen(text), r = write(fd, text, (size_t)n);
    close(fd);
    return r == n ? 0 : -1;
}

static int open_dir(const char *path)
{
    char p[128];
    snprintf(p, sizeof p, "%s/instances", path);
    if (access(p, F_OK) != 0) return -1;
    return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* A detached tracefs mount of our own (the same tracefs, with the same instances). */
static int private_mount(void)
{
    int fs = (int)syscall(SYS_fsopen, "tracefs", KR_FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int m = -1;
    if (syscall(SYS_fsconfig, fs, KR_FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        m = (int)syscall(SYS_fsmount, fs, KR_FSMOUNT_CLOEXEC, 0);
    close(fs);
    if (m >= 0 && faccessat(m, "instances", F_OK, 0) != 0) { close(m); m = -1; }
    return m;
}

/* The tracefs root as a directory fd in g->trace_fd (inherited by the supervisor). */
int kr_trace_open(kr_shm *g, char *why, size_t len)
{
    int fd = open_dir("/sys/kernel/tracing");
    if (fd < 0) fd = open_dir("/sys/kernel/debug/tracing");
    if (fd < 0) fd = private_mount();
    g->trace_fd = fd;
    g->trace_dir[0] = 0;
    if (fd < 0) { snprintf(why, len, "tracefs not available: %s", strerror(errno)); return -1; }
    return 0;
}

static unsigned long long start_time(int pid)
{
    unsigned long long st = 0;
    return kr_stat_field(pid, 0, 22, &st) == 0 ? st : 0;
}

/* Remove tgsig-* instances left by runs whose owner is gone (both killed with SIGKILL).
 * Names: tgsig-PID-START-SEQ (this runner) or tgsig-PID-SEQ (older runners). */
static void sweep_stale(int tfd)
{
    int dfd = openat(tfd, "instances", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;
    if (!d) { if (dfd >= 0) close(dfd); return; }
    while ((de = readdir(d))) {
        int pid = 0, seq = 0;
        unsigned long long st = 0;
        char c;
        int n = sscanf(de->d_name, "tgsig-%d-%llu-%d%c", &pid, &st, &seq, &c);
        if (n != 3 && sscanf(de->d_name, "tgsig-%d-%d%c", &pid, &seq, &c) != 2) continue;
        if (pid <= 0) continue;
        unsigned long long now = start_time(pid);
        if (now && (n != 3 || now == st)) continue;     /* the owner is alive */
        unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

int kr_trace_setup(kr_shm *g, int sup_pid, char *why, size_t len)
{
    static int seq;
    char pid[24];
    int me = (int)getpid();
    unsigned long long st = start_time(me);
    if (g->trace_fd < 0) { snprintf(why, len, "tracefs not available"); return -1; }
    sweep_stale(g->trace_fd);
    char name[sizeof g->trace_dir];
    for (int tries = 0;; tries++) {
        snprintf(name, sizeof name, "instances/tgsig-%d-%llu-%d", me, st, seq++);
        if (mkdirat(g->trace_fd, name, 0700) == 0) break;
        if (errno != EEXIST || tries > 100) {
            snprintf(why, len, "mkdir %s: %s", name, strerror(errno));
            return -1;
        }
    }
    memcpy(g->trace_dir, name, sizeof name);  /* ours now: the supervisor may remove it */
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
    if (g->trace_on) tdir_write(g, "trace_marker", text);
}

void kr_trace_stop(const kr_shm *g)
{
    if (g->trace_on) tdir_write(g, "tracing_on", "0");
}

/* Async-signal-safe removal of the instance (also used by the supervisor's death handler). */
void kr_trace_remove(const kr_shm *g)
{
    if (g->trace_fd < 0 || !g->trace_dir[0]) return;
    for (int i = 0; i < 50; i++) {
        if (unlinkat(g->trace_fd, g->trace_dir, AT_REMOVEDIR) == 0 || errno != EBUSY) return;
        kr_sleep_us(20000);
    }
}

void kr_trace_teardown(kr_shm *g)
{
    if (g->trace_dir[0]) {
        tdir_write(g, "tracing_on", "0");
        kr_trace_remove(g);
        g->trace_dir[0] = 0;
    }
    g->trace_on = 0;
    if (g->trace_fd >= 0) close(g->trace_fd);
    g->trace_fd = -1;
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

static char *read_all(int dirfd, const char *path)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    FILE *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!fp && fd >= 0) close(fd);
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
    char *buf = g->trace_fd >= 0 ? read_all(g->trace_fd, path) : NULL;
    if (!buf) return -1;
    for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        parse_line(&ts, line);
    }
    free(buf);
    return 0;
}
