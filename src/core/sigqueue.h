/* sigqueue.h - the small, hot primitives of the pending queues, inline (pending.c holds the
 * rest: allocation, users, flushing). Entries keep FIFO order in one list per sigpending; the
 * `queued` mask and the RT counts say how many entries each signal has, so nothing here walks a
 * queue. Included by sigpath.h. */
#ifndef TGS_CORE_SIGQUEUE_H
#define TGS_CORE_SIGQUEUE_H

#include "internal.h"

#define RT_SIGMASK (~0ULL << (K_SIGRTMIN - 1))   /* signals 32..64 */

/* The user an entry is charged to (NULL = none). */
static inline struct tgs_user *sigqueue_user(const struct tgs_world *w, const struct sigqueue *e)
{
    return e->user ? w->user_tab[e->user - 1] : NULL;
}

/* __sigqueue_free: uncharge, back to the per-world free list */
static inline void sigqueue_free(struct tgs_world *w, struct sigqueue *e)
{
    if (e->user) w->user_tab[e->user - 1]->sigpending--;
    e->user = 0;
    e->next = w->sigqueue_cache;
    w->sigqueue_cache = e;
}

/* copy_siginfo into an entry (its fields without tgs_siginfo's padding) */
static inline void siginfo_to_entry(struct sigqueue *e, const tgs_siginfo *info)
{
    e->si_signo = info->si_signo;
    e->si_errno = info->si_errno;
    e->si_code = info->si_code;
    e->si_pid = info->si_pid;
    e->si_uid = info->si_uid;
    e->si_value = info->si_value;
    e->si_status = info->si_status;
    e->si_addr = info->si_addr;
}

/* copy_siginfo out of an entry */
static inline void entry_to_siginfo(tgs_siginfo *info, const struct sigqueue *e)
{
    memset(info, 0, sizeof *info);
    info->si_signo = e->si_signo;
    info->si_errno = e->si_errno;
    info->si_code = e->si_code;
    info->si_pid = e->si_pid;
    info->si_uid = e->si_uid;
    info->si_value = e->si_value;
    info->si_status = e->si_status;
    info->si_addr = e->si_addr;
}

/* Appends e (keyed by its si_signo; an RT one needs q->rt, see sigqueue_alloc). */
static inline void sigqueue_append(struct sigpending *q, struct sigqueue *e)
{
    int sig = e->si_signo;
    e->next = NULL;
    *q->tail = e;
    q->tail = &e->next;
    q->queued |= sigmask(sig);
    if (sig >= K_SIGRTMIN) q->rt->n[sig - K_SIGRTMIN]++;
}

/* q holds no RT entry any more: its counts (all zero) go back to the free list. */
static inline void sigcount_release(struct tgs_world *w, struct sigpending *q)
{
    q->rt->next_free = w->sigcount_cache;
    w->sigcount_cache = q->rt;
    q->rt = NULL;
}

/* Unlinks the entry *pp from q: the tail, the counts; the entry is not freed. */
static inline struct sigqueue *sigqueue_unlink(struct tgs_world *w, struct sigpending *q,
                                               struct sigqueue **pp)
{
    struct sigqueue *e = *pp;
    int sig = e->si_signo;
    *pp = e->next;
    if (q->tail == &e->next) q->tail = pp;
    if (sig < K_SIGRTMIN) {
        q->queued &= ~sigmask(sig);
    } else if (--q->rt->n[sig - K_SIGRTMIN] == 0) {
        q->queued &= ~sigmask(sig);
        if (!(q->queued & RT_SIGMASK)) sigcount_release(w, q);
    }
    return e;
}

#endif
