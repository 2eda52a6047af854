/* kr_util.c - small helpers of the real-kernel runner: clocks, futexes, files, the shared
 * event log, and the copy of the scenario into shared memory. */
#include "kr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

kr_shm *kr_g;

long long kr_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void kr_sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    syscall(SYS_nanosleep, &ts, NULL);
}

long kr_rs(long r)
{
    return r == -1 ? -(long)errno : r;
}

obs_event *kr_emit(int kind, int step, int thread)
{
    int i = __atomic_fetch_add(&kr_g->nev, 1, __ATOMIC_SEQ_CST);
    if (i >= KR_MAXEV) return NULL;
    obs_event *e = &kr_g->ev[i].e;
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->step = step;
    e->thread = thread;
    e->other = -1;
    return e;
}

void kr_emit_done(obs_event *e)
{
    if (!e) return;
    kr_ev *w = (kr_ev *)((char *)e - offsetof(kr_ev, e));
    __atomic_store_n(&w->valid, 1, __ATOMIC_RELEASE);
}

int kr_read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t got = 0;
    while (got + 1 < len) {
        ssize_t r = read(fd, buf + got, len - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    return (int)got;
}

int kr_write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t r = write(fd, text, strlen(text));
    close(fd);
    return r == (ssize_t)strlen(text) ? 0 : -1;
}

int kr_futex_wait(unsigned *addr, unsigned val, long timeout_us)
{
    struct timespec ts = { timeout_us / 1000000, (timeout_us % 1000000) * 1000 };
    return (int)syscall(SYS_futex, addr, FUTEX_WAIT, val, timeout_us >= 0 ? &ts : NULL, NULL, 0);
}

void kr_futex_wake(unsigned *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}

int kr_set_error(const char *fmt, ...)
{
    if (kr_g->err[0]) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(kr_g->err, sizeof kr_g->err, fmt, ap);
    va_end(ap);
    return -1;
}

static void *arena_copy(kr_shm *g, const void *src, size_t n)
{
    size_t at = (g->arena_used + 15) & ~(size_t)15;
    if (n == 0 || !src) return NULL;
    if (at + n > KR_ARENA) return NULL;
    memcpy(g->arena + at, src, n);
    g->arena_used = at + n;
    return g->arena + at;
}

static int copy_steps(kr_shm *g, const sc_file *src)
{
    g->f.steps = arena_copy(g, src->steps, sizeof(sc_step) * (size_t)src->n_steps);
    if (src->n_steps && !g->f.steps) return -1;
    for (int i = 0; i < src->n_steps; i++) {
        sc_action *a = &g->f.steps[i].act;
        if (a->body_len <= 0) { a->body = NULL; a->body_len = 0; continue; }
        a->body = arena_copy(g, src->steps[i].act.body, sizeof(sc_action) * (size_t)a->body_len);
        if (!a->body) return -1;
        for (int j = 0; j < a->body_len; j++) { a->body[j].body = NULL; a->body[j].body_len = 0; }
    }
    return 0;
}

static int copy_status(kr_shm *g, const sc_file *src)
{
    g->f.status = arena_copy(g, src->status, sizeof(sc_status) * (size_t)src->n_status);
    if (src->n_status && !g->f.status) return -1;
    for (int i = 0; i < src->n_status; i++) {
        sc_status *s = &g->f.status[i];
        s->threads = arena_copy(g, src->status[i].threads, sizeof(int) * (size_t)s->n);
        if (s->n && !s->threads) return -1;
    }
    return 0;
}

int kr_copy_file(kr_shm *g, const sc_file *src, char *err, size_t len)
{
    g->f = *src;
    g->f.expects = NULL;
    g->f.n_expects = 0;
    g->snap = (unsigned char *)arena_copy(g, g->arena, (size_t)src->n_steps + 1);
    if (g->snap) memset(g->snap, 0, (size_t)src->n_steps + 1);
    for (int i = 0; g->snap && i < src->n_expects; i++) {
        int k = src->expects[i].after_step;
        if (k >= 1 && k <= src->n_steps) g->snap[k - 1] = 1;
    }
    g->f.procs = arena_copy(g, src->procs, sizeof(sc_proc) * (size_t)src->n_procs);
    g->f.threads = arena_copy(g, src->threads, sizeof(sc_thread) * (size_t)src->n_threads);
    if ((src->n_procs && !g->f.procs) || (src->n_threads && !g->f.threads)
        || copy_steps(g, src) < 0 || copy_status(g, src) < 0) {
        snprintf(err, len, "scenario too large for the kernel runner");
        return -1;
    }
    return 0;
}
