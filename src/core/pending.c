/* pending.c - sigpending queues and sigqueue entries: allocation through a per-world free list,
 * RLIMIT_SIGPENDING charged to the receiver's real uid, per-signal entry counts (so counting a
 * signal's instances never walks a queue), flushing, ledger instance counting. */
#include "sigpath.h"

void sigpending_init(struct sigpending *q)
{
    memset(q, 0, sizeof *q);
    q->tail = &q->head;
}

/* Appends u to the world's user table (grown by doubling); false on allocation failure. */
static bool user_tab_add(struct tgs_world *w, struct tgs_user *u)
{
    if (w->nr_users == w->user_cap) {
        uint32_t cap = w->user_cap ? 2 * w->user_cap : 4;
        struct tgs_user **tab = kalloc(w, cap * sizeof *tab);
        if (!tab) return false;
        if (w->nr_users) memcpy(tab, w->user_tab, w->nr_users * sizeof *tab);
        kfree(w, w->user_tab, w->user_cap * sizeof *tab);
        w->user_tab = tab;
        w->user_cap = cap;
    }
    u->idx = w->nr_users;
    w->user_tab[w->nr_users++] = u;
    return true;
}

/* find_user / alloc_ucounts: the per-uid counter (created on first use; never freed before the
 * world). NULL if it does not exist and create is false or allocation fails. */
struct tgs_user *user_get(struct tgs_world *w, uint32_t uid, bool create)
{
    if (w->user_last && w->user_last->uid == uid) return w->user_last;
    for (struct tgs_user *u = w->users; u; u = u->next)
        if (u->uid == uid) return w->user_last = u;
    if (!create) return NULL;
    struct tgs_user *u = kalloc(w, sizeof *u);
    if (!u) return NULL;
    if (!user_tab_add(w, u)) {
        kfree(w, u, sizeof *u);
        return NULL;
    }
    u->uid = uid;
    u->next = w->users;
    w->users = u;
    return w->user_last = u;
}

/* Frees the user table (world teardown, after the users themselves). */
static void user_tab_destroy(struct tgs_world *w)
{
    kfree(w, w->user_tab, w->user_cap * sizeof *w->user_tab);
    w->user_tab = NULL;
    w->nr_users = w->user_cap = 0;
    w->user_last = NULL;
}

/* The RT entry counts of q, taken from the free list (or allocated) when q has none. */
static bool sigcount_ensure(struct tgs_world *w, struct sigpending *q)
{
    if (q->rt) return true;
    struct sigcount *c = w->sigcount_cache;
    if (c) {
        w->sigcount_cache = c->next_free;
        c->next_free = NULL;            /* the counts were all zero when it was released */
    } else if (!(c = kalloc(w, sizeof *c))) {
        return false;
    }
    q->rt = c;
    return true;
}

/* __sigqueue_alloc: charge the receiver's uid first, then take an entry from the free list (or
 * allocate). override lets standard kill-style signals exceed the limit. An RT signal also
 * needs q's entry counts. */
struct sigqueue *sigqueue_alloc(struct task *t, struct sigpending *q, int sig, bool override)
{
    struct tgs_world *w = t->world;
    struct tgs_user *u = w->user_last;
    if (!u || u->uid != t->signal->uid) u = user_get(w, t->signal->uid, true);
    if (!u) return NULL;
    long limit = t->signal->rlim_sigpending;
    u->sigpending++;
    if (!override && limit >= 0 && u->sigpending > limit) {
        u->sigpending--;
        return NULL;
    }
    struct sigqueue *e = w->sigqueue_cache;
    if (e) w->sigqueue_cache = e->next;
    else e = kalloc(w, sizeof *e);
    if (e) e->user = u->idx + 1;
    if (e && sig >= K_SIGRTMIN && !sigcount_ensure(w, q)) {
        sigqueue_free(w, e);
        return NULL;
    }
    if (!e) u->sigpending--;
    return e;
}

/* World teardown: the free lists of entries and counts, and the user table. */
void sigqueue_cache_destroy(struct tgs_world *w)
{
    user_tab_destroy(w);
    while (w->sigqueue_cache) {
        struct sigqueue *q = w->sigqueue_cache;
        w->sigqueue_cache = q->next;
        kfree(w, q, sizeof *q);
    }
    while (w->sigcount_cache) {
        struct sigcount *c = w->sigcount_cache;
        w->sigcount_cache = c->next_free;
        kfree(w, c, sizeof *c);
    }
}

/* Instances of every signal of mask in q (O(signals in the mask)). */
static long instances_in(const struct sigpending *q, tgs_sigset mask)
{
    long n = 0;
    for (tgs_sigset m = mask & q->signal; m; m &= m - 1)
        n += sigpending_instances(q, __builtin_ctzll(m) + 1);
    return n;
}

/* flush_sigqueue_mask: remove every instance of the signals in mask from q */
void flush_sigqueue_mask(struct tgs_world *w, tgs_sigset mask, struct sigpending *q, int bucket)
{
    tgs_sigset m = mask & q->signal;
    if (!m) return;
    ledger_note(w, bucket, instances_in(q, m));
    q->signal &= ~m;
    q->uncounted &= ~m;
    struct sigqueue **pp = &q->head;
    while (*pp && (q->queued & m)) {
        int s = (*pp)->si_signo;
        if (s >= 1 && (m & sigmask(s))) sigqueue_free(w, sigqueue_unlink(w, q, pp));
        else pp = &(*pp)->next;
    }
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
