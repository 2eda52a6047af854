/* ledger.c - the signal ledger: every generated signal ends in exactly one bucket. Pending is a
 * running total: raised when a send adds an instance to a queue (LEDGER_QUEUED), lowered by the
 * buckets that take instances out of queues (delivered, flushed, discarded). tgs_check recounts
 * the queues and compares, so the running total cannot drift unnoticed. ledger_note, called on
 * the hot paths, is inline in internal.h. */
#include "sigpath.h"

/* O(1): the running totals */
void tgs_ledger_get(const tgs_world *w, tgs_ledger *out)
{
    if (!out) return;
    if (!w) { memset(out, 0, sizeof *out); return; }
    *out = w->ledger;
}

/* O(1). The pending count is checked against the queues by tgs_check. */
int tgs_ledger_balanced(const tgs_world *w)
{
    if (!w) return 0;
    const tgs_ledger *l = &w->ledger;
    return l->generated == l->delivered + l->ignored + l->coalesced + l->overflowed + l->flushed +
                           l->discarded + l->pending;
}
