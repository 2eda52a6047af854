/* pending.c - sigpending queues and sigqueue entries: allocation through a per-world free list,
 * RLIMIT_SIGPENDING charged to the receiver's real uid, flushing, ledger instance counting. */
#include "sigpath.h"

void sigpending_init(struct sigpending *q)
{
    q->signal = 0;
    q->uncounted = 0;
    q->head = NULL;
    q->tail = &q->head;
}

/* find_user / alloc_ucounts: the per-uid counter (created on first use; never freed before the
 * world). NULL if it does not exist and create is false or allocation fails. */
struct tgs_user *user_get(struct tgs_world *w, uint32_t uid, bool create)
{
    for (struct tgs_user *u = w->users; u; u = u->next)
        if (u->uid == uid) return u;
    if (!create) return NULL;
    struct tgs_user *u = kalloc(w, sizeof *u);
    if (!u) return NULL;
    u->uid = uid;
    u->next = w->users;
    w->users = u;
    return u;
}

/* __sigqueue_alloc: charge the receiver's uid first, then take an entry from the free list (or
 * allocate). override lets standard kill-style signals exceed the limit. */
struct sigqueue *sigqueue_alloc(struct task *t, bool override)
{
    struct tgs_world *w = t->world;
    struct tgs_user *u = user_get(w, t->signal->uid, true);
    if (!u) return NULL;
    long limit = t->signal->rlim_sigpending;
    u->sigpending++;
    if (!override && limit >= 0 && u->sigpending > limit) {
        u->sigpending--;
        return NULL;
    }
    struct sigqueue *q = w->sigqueue_cache;
    if (q) w->sigqueue_cache = q->next;
    else q = kalloc(w, sizeof *q);
    if (!q) {
        u->sigpending--;
        return NULL;
    }
    memset(q, 0, sizeof *q);
    q->user = u;
    return q;
}

/* __sigqueue_free: uncharge, back to the free list */
void sigqueue_free(struct tgs_world *w, struct sigqueue *q)
{
    if (q->user) q->user->sigpending--;
    q->user = NULL;
    q->next = w->sigqueue_cache;
    w->sigqueue_cache = q;
}

void sigqueue_cache_destroy(struct tgs_world *w)
{
    while (w->sigqueue_cache) {
        struct sigqueue *q = w->sigqueue_cache;
        w->sigqueue_cache = q->next;
        kfree(w, q, sizeof *q);
    }
}

void sigqueue_append(struct sigpending *q, struct sigqueue *e)
{
    e->next = NULL;
    *q->tail = e;
    q->tail = &e->next;
}

int sigpending_entries(const struct sigpending *q, int sig)
{
    int n = 0;
    for (const struct sigqueue *e = q->head; e; e = e->next)
        if (e->info.si_signo == sig) n++;
    return n;
}

/* Ledger instances of sig in q: a set bit is one instance (bit only) or one per entry, minus
 * the one marked uncounted (zap SIGKILL, fatal fast path). */
long sigpending_instances(const struct sigpending *q, int sig)
{
    if (!(q->signal & sigmask(sig))) return 0;
    long n = sigpending_entries(q, sig);
    if (n == 0) n = 1;
    if (q->uncounted & sigmask(sig)) n--;
    return n;
}

long sigpending_all_instances(const struct sigpending *q)
{
    long n = 0;
    for (int s = 1; s <= K_NSIG; s++)
        if (q->signal & sigmask(s)) n += sigpending_instances(q, s);
    return n;
}

/* flush_sigqueue_mask: remove every instance of the signals in mask from q */
void flush_sigqueue_mask(struct tgs_world *w, tgs_sigset mask, struct sigpending *q, int bucket)
{
    tgs_sigset m = mask & q->signal;
    if (!m) return;
    long n = 0;
    for (int s = 1; s <= K_NSIG; s++)
        if (m & sigmask(s)) n += sigpending_instances(q, s);
    ledger_note(w, bucket, n);
    q->signal &= ~m;
    q->uncounted &= ~m;
    struct sigqueue **pp = &q->head;
    while (*pp) {
        struct sigqueue *e = *pp;
        if (e->info.si_signo >= 1 && (m & sigmask(e->info.si_signo))) {
            *pp = e->next;
            sigqueue_free(w, e);
        } else {
            pp = &e->next;
        }
    }
    q->tail = pp;
}

/* flush_sigqueue */
void flush_sigqueue(struct tgs_world *w, struct sigpending *q, int bucket)
{
    flush_sigqueue_mask(w, ~0ULL, q, bucket);
    q->signal = 0;
    q->uncounted = 0;
}

/* sigaddset(&t->pending.signal, SIGKILL) of a zap: not a generated signal */
void sigpending_add_kill(struct task *t)
{
    if (t->pending.signal & sigmask(SIGKILL)) return;
    t->pending.signal |= sigmask(SIGKILL);
    t->pending.uncounted |= sigmask(SIGKILL);
}
