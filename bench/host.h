/* host.h - the benchmarks' tiny in-process host for libtgsig.
 *
 * No clock, no timers, no CPUs: wake() puts the tid on a FIFO run queue (once), trace() counts
 * events (or is NULL), alloc()/free() go to malloc through a counting allocator so the
 * benchmark can report bytes per thread and per queued siginfo. mhost_settle() plays the
 * scheduler: it gives every woken thread kernel time (tgs_run) until nobody is runnable,
 * running handler bodies as empty (immediate tgs_sigreturn). */
#ifndef TGS_BENCH_HOST_H
#define TGS_BENCH_HOST_H

#include "tgsig.h"
#include <stddef.h>

/* What a thread does when it comes back to user space in mhost_settle. */
enum mhost_park { MH_SPIN, MH_PAUSE };

struct mhost {
    tgs_world *w;
    tgs_host_ops ops;
    int max_tasks;
    tgs_pid *ring;              /* run queue: max_tasks + 1 slots */
    size_t head, count;
    unsigned char *queued;      /* by tid */
    int park;                   /* enum mhost_park */
    tgs_sigset sigreturn_block; /* added to the saved mask by every handler (savedmask add) */
    /* counting allocator */
    size_t mem_cur, mem_peak;
    long n_alloc, n_free;
    /* counters */
    long wakes, runs, events, dropped;
    tgs_pid last_handler_tid;   /* who ran the last handler in mhost_settle */
    long handlers;
};

/* Creates the world. max_tasks 0 = library default. trace: 1 counts events, 0 = ops->trace NULL.
 * Returns 0 or -1. */
int mhost_init(struct mhost *h, int max_tasks, int trace);
void mhost_free(struct mhost *h);

/* The contract's "tgs_run after every syscall" for a thread in user space that made a
 * non-blocking call; handlers that result run (empty body) at once. Returns the final
 * tgs_run result. */
int mhost_after_syscall(struct mhost *h, tgs_pid tid);
/* Run every runnable thread until none is. Returns the number of tgs_run calls, -1 on error. */
long mhost_settle(struct mhost *h);

/* Process setup helpers (as `self` in user space). Return the new tid, or -1. */
tgs_pid mhost_fork(struct mhost *h, tgs_pid self);
tgs_pid mhost_thread(struct mhost *h, tgs_pid self);
/* Park a thread in pause() (asleep until a signal). 0 or -1. */
int mhost_pause(struct mhost *h, tgs_pid tid);

#endif
