/* host.c - the benchmarks' tiny host for libtgsig (see host.h). */
#include "host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void h_wake(void *ctx, tgs_pid tid)
{
    struct mhost *h = ctx;
    h->wakes++;
    if (tid <= 0 || tid > h->max_tasks) {
        h->dropped++;           /* a tid beyond the configured pid space: reported by settle */
        return;
    }
    if (h->queued[tid])
        return;
    h->queued[tid] = 1;
    h->ring[(h->head + h->count) % (size_t)(h->max_tasks + 1)] = tid;
    h->count++;
}

static void h_trace(void *ctx, const tgs_event *ev)
{
    (void)ev;
    ((struct mhost *)ctx)->events++;
}

static void *h_alloc(void *ctx, size_t size)
{
    struct mhost *h = ctx;
    void *p = malloc(size);
    if (p) {
        h->mem_cur += size;
        if (h->mem_cur > h->mem_peak)
            h->mem_peak = h->mem_cur;
        h->n_alloc++;
    }
    return p;
}

static void h_free(void *ctx, void *p, size_t size)
{
    struct mhost *h = ctx;
    if (!p)
        return;
    h->mem_cur -= size;
    h->n_free++;
    free(p);
}

int mhost_init(struct mhost *h, int max_tasks, int trace)
{
    memset(h, 0, sizeof *h);
    h->max_tasks = max_tasks > 0 ? max_tasks : 32768;
    h->ring = malloc(sizeof(tgs_pid) * (size_t)(h->max_tasks + 1));
    h->queued = calloc((size_t)h->max_tasks + 1, 1);
    if (!h->ring || !h->queued)
        goto fail;
    h->ops.ctx = h;
    h->ops.wake = h_wake;
    h->ops.trace = trace ? h_trace : NULL;
    h->ops.alloc = h_alloc;
    h->ops.free = h_free;
    tgs_config cfg = { .rlimit_sigpending = 1024, .max_tasks = h->max_tasks };
    h->w = tgs_world_new(&h->ops, &cfg);
    if (!h->w)
        goto fail;
    return 0;
fail:
    free(h->ring);
    free(h->queued);
    return -1;
}

void mhost_free(struct mhost *h)
{
    if (h->w)
        tgs_world_free(h->w);
    free(h->ring);
    free(h->queued);
    h->w = NULL;
    h->ring = NULL;
    h->queued = NULL;
}

static tgs_pid pop(struct mhost *h)
{
    if (!h->count)
        return 0;
    tgs_pid t = h->ring[h->head];
    h->head = (h->head + 1) % (size_t)(h->max_tasks + 1);
    h->count--;
    h->queued[t] = 0;
    return t;
}

/* Give tid kernel time until it is back in user space (then park it as h->park says), asleep,
 * stopped or dead. Returns the last tgs_run result or a negative errno. */
static int run_thread(struct mhost *h, tgs_pid tid, int park)
{
    tgs_upcall up;
    for (int guard = 0; guard < 1000; guard++) {
        int r = tgs_run(h->w, tid, &up);
        h->runs++;
        if (r < 0)
            return r;
        if (up.tid > 0)
            tid = up.tid;
        if (r == TGS_RUN_HANDLER) {
            h->handlers++;
            h->last_handler_tid = tid;
            if (tgs_sigreturn(h->w, tid, h->sigreturn_block, 0) < 0)
                return -1;
            continue;
        }
        if (r == TGS_RUN_USER && park == MH_PAUSE) {
            int p = tgs_pause(h->w, tid);
            if (p != TGS_ASLEEP && p < 0 && p != -EINTR /* a signal came first */)
                return p;
            continue;
        }
        return r;
    }
    return -1;
}

int mhost_after_syscall(struct mhost *h, tgs_pid tid)
{
    return run_thread(h, tid, MH_SPIN);
}

long mhost_settle(struct mhost *h)
{
    long runs0 = h->runs;
    tgs_pid t;
    if (h->dropped)
        return -1;
    while ((t = pop(h)) != 0)
        if (run_thread(h, t, h->park) < 0)
            return -1;
    return h->runs - runs0;
}

tgs_pid mhost_fork(struct mhost *h, tgs_pid self)
{
    tgs_pid c = 0;
    if (tgs_fork(h->w, self, &c) < 0 || c <= 0)
        return -1;
    if (run_thread(h, self, MH_SPIN) < 0 || run_thread(h, c, MH_SPIN) < 0)
        return -1;
    return c;
}

tgs_pid mhost_thread(struct mhost *h, tgs_pid self)
{
    tgs_pid c = 0;
    if (tgs_clone(h->w, self, TGS_CLONE_THREAD, 0, &c) < 0 || c <= 0)
        return -1;
    if (run_thread(h, self, MH_SPIN) < 0 || run_thread(h, c, MH_SPIN) < 0)
        return -1;
    return c;
}

int mhost_pause(struct mhost *h, tgs_pid tid)
{
    int r = tgs_pause(h->w, tid);
    if (r != TGS_ASLEEP)
        return -1;
    r = run_thread(h, tid, MH_PAUSE);
    return r == TGS_RUN_SLEEP ? 0 : -1;
}
