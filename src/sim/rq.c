/* rq.c - a run queue: the queued threads ordered by (key, seq), smallest first.
 *
 * Two parts: a ring of entries in non-decreasing order (an insert that is not smaller than the
 * ring's last entry is appended: O(1); this is the common case, threads woken in a burst get the
 * same vruntime and increasing seq) and a binary heap for the other inserts (O(log n)). The
 * smallest entry is the smaller of the ring's head and the heap's top, so the order is the
 * same as one heap's. Entries carry their key (no access to the thread to compare). A thread
 * removed from the middle of the ring leaves a stale entry, dropped when it reaches the head:
 * an entry is live while the thread's rq / rq_pos still name it (only this file sets them). */
#include "sim/sim_int.h"
#include <stdlib.h>
#include <string.h>

#define RING_BIT 0x80000000u

static int e_less(const sim_rqe *a, const sim_rqe *b)
{
    return a->k != b->k ? a->k < b->k : a->seq < b->seq;
}

int sim_rq_init(sim_rq *q, int id)
{
    memset(q, 0, sizeof(*q));
    q->id = id;
    return 0;
}

void sim_rq_free(sim_rq *q)
{
    free(q->heap);
    free(q->ring);
    memset(q, 0, sizeof(*q));
}

static int live(const sim *s, const sim_rq *q, const sim_rqe *e)
{
    const sim_thread *th = &s->th[e->t];
    return th->rq == q->id && th->rq_pos == (RING_BIT | (e->slot & ~RING_BIT));
}

/* ---- heap ---------------------------------------------------------------------------------- */
static void h_set(sim *s, sim_rq *q, int i, const sim_rqe *e)
{
    q->heap[i] = *e;
    s->th[e->t].rq_pos = (uint32_t)i;
}

static void h_up(sim *s, sim_rq *q, int i)
{
    sim_rqe e = q->heap[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!e_less(&e, &q->heap[p]))
            break;
        h_set(s, q, i, &q->heap[p]);
        i = p;
    }
    h_set(s, q, i, &e);
}

static void h_down(sim *s, sim_rq *q, int i)
{
    sim_rqe e = q->heap[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && e_less(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!e_less(&q->heap[c], &e))
            break;
        h_set(s, q, i, &q->heap[c]);
        i = c;
    }
    h_set(s, q, i, &e);
}

static int h_push(sim *s, sim_rq *q, const sim_rqe *e)
{
    if (q->n == q->cap) {
        int ncap = q->cap ? q->cap * 2 : 16;
        sim_rqe *na = realloc(q->heap, sizeof(*na) * (size_t)ncap);
        if (!na)
            return -1;
        q->heap = na;
        q->cap = ncap;
    }
    q->heap[q->n++] = *e;
    h_up(s, q, q->n - 1);
    return 0;
}

static void h_remove(sim *s, sim_rq *q, int i)
{
    sim_rqe last = q->heap[--q->n];
    if (i == q->n)
        return;
    h_set(s, q, i, &last);
    h_up(s, q, i);
    h_down(s, q, (int)s->th[last.t].rq_pos);
}

/* ---- ring ---------------------------------------------------------------------------------- */
static sim_rqe *r_at(const sim_rq *q, int k)
{
    return &q->ring[(q->head + k) & (q->rcap - 1)];
}

static int r_grow(sim_rq *q)
{
    int ncap = q->rcap ? q->rcap * 2 : 16;
    sim_rqe *nr = malloc(sizeof(*nr) * (size_t)ncap);
    if (!nr)
        return -1;
    for (int k = 0; k < q->len; k++)
        nr[k] = *r_at(q, k);
    free(q->ring);
    q->ring = nr;
    q->rcap = ncap;
    q->head = 0;
    return 0;
}

static int r_push(sim *s, sim_rq *q, sim_rqe *e)
{
    if (q->len == q->rcap && r_grow(q) < 0)
        return -1;
    e->slot = q->next_slot++ & ~RING_BIT;
    *r_at(q, q->len++) = *e;
    s->th[e->t].rq_pos = RING_BIT | e->slot;
    return 0;
}

/* Drops stale entries at the ring's head. */
static void r_clean(const sim *s, sim_rq *q)
{
    while (q->len && !live(s, q, r_at(q, 0))) {
        q->head = (q->head + 1) & (q->rcap - 1);
        q->len--;
    }
}

/* ---- queue --------------------------------------------------------------------------------- */
int sim_rq_add(sim *s, sim_rq *q, int t, uint64_t key, int64_t seq)
{
    sim_rqe e = { key, seq, t, 0 };
    int r = q->len == 0 || !e_less(&e, r_at(q, q->len - 1)) ? r_push(s, q, &e) : h_push(s, q, &e);
    if (r < 0)
        return -1;
    s->th[t].rq = (int8_t)q->id;
    q->live++;
    return 0;
}

void sim_rq_del(sim *s, sim_rq *q, int t)
{
    sim_thread *th = &s->th[t];
    uint32_t pos = th->rq_pos;
    th->rq = -1;
    q->live--;
    if (!(pos & RING_BIT))
        h_remove(s, q, (int)pos);
    else
        r_clean(s, q);
}

/* The k-th entry in storage order (k < sim_rq_slots), NULL if it is stale. */
const sim_rqe *sim_rq_entry(const sim *s, const sim_rq *q, int k)
{
    if (k < q->n)
        return &q->heap[k];
    const sim_rqe *e = r_at(q, k - q->n);
    return live(s, q, e) ? e : NULL;
}

int sim_rq_slots(const sim_rq *q)
{
    return q->n + q->len;
}

/* The seq of queued thread t's entry. */
int64_t sim_rq_seq(const sim *s, const sim_rq *q, int t)
{
    uint32_t pos = s->th[t].rq_pos;
    if (!(pos & RING_BIT))
        return q->heap[pos].seq;
    int k = (int)(((pos & ~RING_BIT) - r_at(q, 0)->slot) & ~RING_BIT);  /* slots are consecutive */
    return r_at(q, k)->seq;
}
