/* kr_main.c - kr_available and kr_run: checks a scenario can run here, sets up the shared
 * region and tracefs, forks the supervisor, bounds it in time, and turns what it recorded
 * (plus the trace) into a tgs_obs. Nothing is left running or mounted afterwards. */
#include "kr_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

int kr_no_ns;

int kr_available(char *why, size_t len)
{
#if defined(__linux__)
    if (access("/proc/self/status", R_OK) != 0) {
        snprintf(why, len, "/proc is not mounted");
        return 0;
    }
    if (why && len) why[0] = 0;
    return 1;
#else
    snprintf(why, len, "the real-kernel runner needs Linux");
    return 0;
#endif
}

static int uses_kill_all(const sc_action *a)
{
    int send = a->kind == SC_A_KILL || a->kind == SC_A_SIGQUEUE || a->kind == SC_A_RT_SIGQUEUEINFO
            || a->kind == SC_A_PIDFD_SEND;
    return send && (a->target.kind == SC_T_ALL || (a->target.kind == SC_T_RAW && a->target.raw == -1));
}

static int raw_pid_taken(const sc_action *a)
{
    char p[48];
    long r = a->target.raw < 0 ? -a->target.raw : a->target.raw;
    if (a->target.kind != SC_T_RAW || a->kind == SC_A_WAIT || a->kind == SC_A_WAITID) return 0;
    if (r <= 1 || r > 4194304) return r == 1;
    snprintf(p, sizeof p, "/proc/%ld", r);
    return access(p, F_OK) == 0;
}

/* With the runner's namespaces (ns) a kill -1 or a raw pid reaches only the scenario's own
 * processes; without them such a scenario is skipped. *need = 1 when it needs them. */
static int check_action(const sc_action *a, int ns, int *need, char *why, size_t len)
{
    if (uses_kill_all(a)) {
        if (!ns) {
            snprintf(why, len, "skip: kill -1 needs the runner's own pid namespace (root only)");
            return -1;
        }
        *need = 1;
    }
    if (raw_pid_taken(a)) {
        if (!ns) {
            snprintf(why, len, "skip: raw pid %ld exists on this machine", a->target.raw);
            return -1;
        }
        *need = 1;
    }
    return 0;
}

static int precheck(const sc_file *f, int ns, int *need, char *why, size_t len)
{
    if (f->n_threads > KR_MAXT || f->n_procs > KR_MAXP) {
        snprintf(why, len, "skip: too many threads or processes for the kernel runner");
        return -1;
    }
    for (int p = 0; p < f->n_procs; p++)
        if (f->procs[p].kernel) {
            snprintf(why, len, "skip: kernel threads (%s) cannot be created from user space: "
                     "simulator only, by design", f->procs[p].name);
            return -1;
        }
    for (int i = 0; i < f->n_steps; i++) {
        const sc_action *a = &f->steps[i].act;
        if (check_action(a, ns, need, why, len) < 0) return -1;
        for (int j = 0; j < a->body_len; j++)
            if (check_action(&a->body[j], ns, need, why, len) < 0) return -1;
    }
    return 0;
}

static kr_shm *shm_create(const sc_file *f, char *why, size_t len)
{
    int fd = (int)syscall(SYS_memfd_create, "tgsig-kr", 0);
    if (fd < 0) { snprintf(why, len, "memfd_create: %s", strerror(errno)); return NULL; }
    if (ftruncate(fd, (off_t)sizeof(kr_shm)) != 0) {
        snprintf(why, len, "ftruncate: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    kr_shm *g = mmap(NULL, sizeof(kr_shm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (g == MAP_FAILED) { snprintf(why, len, "mmap: %s", strerror(errno)); close(fd); return NULL; }
    g->magic = KR_MAGIC;
    g->self = g;
    g->size = sizeof(kr_shm);
    g->fd = fd;
    g->cur_step = -1;
    g->trace_fd = -1;
    for (int t = 0; t < KR_MAXT; t++) { g->th[t].sfd = -1; g->th[t].exec_step = -1; }
    if (kr_copy_file(g, f, why, len) < 0) {
        munmap(g, sizeof(kr_shm));
        close(fd);
        return NULL;
    }
    return g;
}

/* Wait for the supervisor; kill it (and the scenario processes) if it overruns. */
static int wait_supervisor(pid_t sup, long long budget_ms)
{
    long long end = kr_now_ns() + budget_ms * 1000000LL;
    for (;;) {
        int st;
        pid_t r = waitpid(sup, &st, WNOHANG);
        if (r == sup) return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
        if (r < 0) return -1;
        if (kr_now_ns() > end) {
            kill(sup, SIGKILL);
            waitpid(sup, &st, 0);
            return -2;
        }
        kr_sleep_us(2000);
    }
}

static void collect(const kr_shm *g, tgs_obs *out)
{
    int n = g->nev < KR_MAXEV ? g->nev : KR_MAXEV;
    for (int i = 0; i < n; i++) {
        if (!g->ev[i].valid) continue;
        obs_event *e = obs_add(out, g->ev[i].e.kind, g->ev[i].e.step, g->ev[i].e.thread);
        if (e) *e = g->ev[i].e;
    }
}

/* Merge the trace events into out, stably by step. */
static void merge(tgs_obs *out, const tgs_obs *tr)
{
    tgs_obs all;
    obs_init(&all, out->caps);
    int i = 0, j = 0;
    while (i < out->n || j < tr->n) {
        const obs_event *src = (j >= tr->n || (i < out->n && out->ev[i].step <= tr->ev[j].step))
                             ? &out->ev[i++] : &tr->ev[j++];
        obs_event *e = obs_add(&all, src->kind, src->step, src->thread);
        if (e) *e = *src;
    }
    memcpy(all.error, out->error, sizeof all.error);
    all.n_threads = out->n_threads;
    obs_free(out);
    *out = all;
}

static long long budget_ms(const sc_file *f, int timeout_ms)
{
    return (long long)(f->n_steps + f->n_procs + 2) * (timeout_ms + 100)
         + (long long)f->n_threads * 200 + 10000;
}

static void finish(kr_shm *g, tgs_obs *out, int sup_status, int traced)
{
    if (sup_status == -2) {
        kr_kill_all();          /* the supervisor overran: its children are orphans now */
        snprintf(out->error, sizeof out->error, "the run did not finish in time");
    } else if (sup_status < 0) {
        kr_kill_all();
        snprintf(out->error, sizeof out->error, "the supervisor failed");
    }
    if (g->err[0]) snprintf(out->error, sizeof out->error, "%s", g->err);
    else if (g->unsafe)
        snprintf(out->error, sizeof out->error, "a raw pid named a process outside the run");
    collect(g, out);
    out->n_threads = g->f.n_threads;
    if (traced) {
        tgs_obs tr;
        obs_init(&tr, 0);
        if (kr_trace_collect(g, &tr) == 0) {
            merge(out, &tr);
            out->caps |= OBS_CAP_TRACE | OBS_CAP_EXIT_ORDER;
        }
        obs_free(&tr);
    }
}

int kr_run(const sc_file *f, const kr_options *opt, tgs_obs *out)
{
    kr_options o = { 1, 3000, 0 };
    char why[200] = "";
    int need_ns = 0;
    if (opt) o = *opt;
    if (o.timeout_ms <= 0) o.timeout_ms = 3000;
    obs_init(out, OBS_CAP_STATUS);
    if (!kr_available(out->error, sizeof out->error)) return -1;
    const char *env = getenv("TGSIG_KR_NO_NS");
    int ns = !kr_no_ns && !(env && !strcmp(env, "1")) && geteuid() == 0;
    if (precheck(f, ns, &need_ns, out->error, sizeof out->error) < 0) return -1;
    kr_shm *g = shm_create(f, out->error, sizeof out->error);
    if (!g) return -1;
    kr_g = g;
    g->ns_mode = ns;
    g->ns_required = need_ns;
    g->caller_pid = (int)getpid();
    g->deadline_ns = kr_now_ns() + budget_ms(f, o.timeout_ms) * 1000000LL;
    if (o.use_tracefs && geteuid() == 0 && kr_trace_open(g, why, sizeof why) < 0 && o.verbose)
        fprintf(stderr, "tgsig: no tracefs: %s\n", why);
    fflush(NULL);
    pid_t sup = fork();
    if (sup == 0) kr_supervisor(&o);
    int traced = 0;
    if (sup > 0 && g->trace_fd >= 0) {
        traced = kr_trace_setup(g, sup, why, sizeof why) == 0;
        if (!traced && o.verbose) fprintf(stderr, "tgsig: no tracefs: %s\n", why);
    }
    __atomic_store_n(&g->go, 1, __ATOMIC_SEQ_CST);
    int st = sup > 0 ? wait_supervisor(sup, budget_ms(f, o.timeout_ms)) : -1;
    finish(g, out, st, traced);
    kr_trace_teardown(g);
    close(g->fd);
    munmap(g, sizeof(kr_shm));
    kr_g = NULL;
    return out->error[0] ? -1 : 0;
}
