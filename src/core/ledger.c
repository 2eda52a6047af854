/* ledger.c - the signal ledger: every generated signal ends in exactly one bucket. Pending is
 * not stored: it is the number of instances still queued, counted when asked. */
#include "sigpath.h"

void ledger_note(struct tgs_world *w, int bucket, long n)
{
    if (n <= 0) return;
    uint64_t v = (uint64_t)n;
    switch (bucket) {
    case LEDGER_DELIVERED: w->ledger.delivered += v; break;
    case LEDGER_IGNORED: w->ledger.ignored += v; break;
    case LEDGER_COALESCED: w->ledger.coalesced += v; break;
    case LEDGER_OVERFLOWED: w->ledger.overflowed += v; break;
    case LEDGER_FLUSHED: w->ledger.flushed += v; break;
    default: w->ledger.discarded += v; break;
    }
}

/* Instances still queued in every private and shared queue of the world. */
static uint64_t ledger_pending(const struct tgs_world *w)
{
    uint64_t n = 0;
    for (tgs_pid p = 1; w->pid_table && p <= w->pid_max; p++) {
        const struct task *t = w->pid_table[p];
        if (!t) continue;
        n += (uint64_t)sigpending_all_instances(&t->pending);
        if (t->signal && t->signal->thread_head == t)
            n += (uint64_t)sigpending_all_instances(&t->signal->shared_pending);
    }
    return n;
}

void tgs_ledger_get(const tgs_world *w, tgs_ledger *out)
{
    if (!out) return;
    if (!w) { memset(out, 0, sizeof *out); return; }
    *out = w->ledger;
    out->pending = ledger_pending(w);
}

int tgs_ledger_balanced(const tgs_world *w)
{
    tgs_ledger l;
    if (!w) return 0;
    tgs_ledger_get(w, &l);
    return l.generated == l.delivered + l.ignored + l.coalesced + l.overflowed + l.flushed +
                          l.discarded + l.pending;
}
