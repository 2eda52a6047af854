/* seltree.c - complete_signal's thread choice in O(log N) per candidate (see seltree.h).
 *
 * Models: the kernel's sticky scan of the thread list from signal->curr_target (complete_signal
 * calling wants_signal), with the same result. Not a kernel structure: the kernel scans. */
#include "sigpath.h"
#include <stdio.h>

#define SEL_FAN            8u          /* children per node: one 64-byte cache line of masks */
#define SEL_LINE           64u
#define SEL_MAXLEV         12          /* levels of a tree of SELTREE_MAX_CAP positions, and more */
#define SELTREE_MIN_CAP    SEL_FAN     /* positions of a new tree: one group of leaves */
#define SELTREE_SHRINK_CAP 256u        /* below this, a tree never shrinks when threads leave */
#define SELTREE_MAX_CAP    (1u << 30)
#define SEL_HOLE           (~0ULL)     /* a free position (or padding) refuses everything */

/* One thread group's index: an 8-ary AND tree, stored level by level from the leaves up, every
 * level padded to whole groups of SEL_FAN (SEL_HOLE) and line-aligned, so that one node's
 * children are one cache line. Level 0 holds the refusal mask of each position (SEL_HOLE when
 * no thread is there); node i of level k+1 is the AND of nodes 8i..8i+7 of level k, so a node
 * has a bit clear iff some position below it does not refuse that signal. The top level has at
 * most SEL_FAN nodes. Positions follow thread-list order: a new thread takes `next`, an exited
 * one leaves a hole. The node and slot arrays live in the same allocation as the header. */
struct seltree {
    unsigned cap;                /* positions: a power of two >= SEL_FAN */
    unsigned next;               /* positions >= next are free */
    unsigned nr;                 /* threads placed */
    uint64_t *node;              /* the levels, leaves first */
    struct task **slot;          /* the thread at each position, NULL for a hole */
};

static unsigned sel_up(unsigned len) { return (len + SEL_FAN - 1) / SEL_FAN; }     /* parents of len */
static unsigned sel_pad(unsigned len) { return sel_up(len) * SEL_FAN; }            /* stored length */

static size_t sel_nodes(unsigned cap)
{
    size_t n = 0;
    for (unsigned len = cap;; len = sel_up(len)) {
        n += sel_pad(len);
        if (len <= SEL_FAN) return n;
    }
}

static size_t sel_bytes(unsigned cap)
{
    return sizeof(struct seltree) + SEL_LINE + sel_nodes(cap) * sizeof(uint64_t) + (size_t)cap * sizeof(struct task *);
}

/* The arrays inside a fresh allocation: nodes on a cache-line boundary, then the slots. */
static void sel_layout(struct seltree *st, unsigned cap)
{
    uintptr_t a = ((uintptr_t)(st + 1) + SEL_LINE - 1) & ~(uintptr_t)(SEL_LINE - 1);
    st->cap = cap;
    st->node = (uint64_t *)a;
    st->slot = (struct task **)(st->node + sel_nodes(cap));
}

/* The smallest power of two >= 2n (at least SELTREE_MIN_CAP); 0 if too large. */
static unsigned sel_cap_for(unsigned n)
{
    unsigned cap = SELTREE_MIN_CAP;
    while (cap < 2 * (unsigned long)n) {
        if (cap >= SELTREE_MAX_CAP) return 0;
        cap *= 2;
    }
    return cap;
}

/* The static half of wants_signal: the signals t refuses whatever task_curr and TIF_SIGPENDING
 * say (blocked; everything once PF_EXITING or dead; everything but SIGKILL while stopped). */
static uint64_t sel_refusal(const struct task *t)
{
    if ((t->flags & PF_EXITING) || t->exit_state) return SEL_HOLE;
    uint64_t m = t->blocked;
    if (t->state == TASK_STOPPED || (t->jobctl & JOBCTL_STOPPED)) m |= ~sigmask(SIGKILL);
    return m;
}

/* The AND of the group (SEL_FAN nodes of one line) that holds node i of a level. */
static uint64_t sel_group_and(const uint64_t *lv, unsigned i)
{
    const uint64_t *g = lv + (i & ~(SEL_FAN - 1));
    uint64_t v = SEL_HOLE;
    for (unsigned j = 0; j < SEL_FAN; j++) v &= g[j];
    return v;
}

/* Sets one leaf and the ANDs above it (stops where a node does not change). A leaf that only
 * loses bits takes them from each ancestor (one load a level); otherwise groups are re-ANDed. */
static void sel_set(struct seltree *st, unsigned pos, uint64_t mask)
{
    uint64_t *lv = st->node;
    unsigned len = st->cap, i = pos;
    bool only_clears = !(mask & ~lv[i]);
    if (lv[i] == mask) return;
    lv[i] = mask;
    while (len > SEL_FAN) {
        uint64_t v = only_clears ? mask : sel_group_and(lv, i);
        lv += sel_pad(len);
        len = sel_up(len);
        i /= SEL_FAN;
        if (only_clears) v &= lv[i];
        if (lv[i] == v) return;
        lv[i] = v;
    }
}

/* Positions 0..n-1 to the threads in list order, holes after, every level recomputed (the
 * caller made cap >= the number of threads). Used to build, compact and resize. */
static void sel_fill(struct seltree *st, struct signal_struct *sig)
{
    unsigned n = 0;
    for_each_thread(sig, t) {
        st->slot[n] = t;
        st->node[n] = sel_refusal(t);
        t->sel_pos = ++n;
    }
    st->nr = st->next = n;
    for (unsigned i = n; i < st->cap; i++) {
        st->slot[i] = NULL;
        st->node[i] = SEL_HOLE;
    }
    uint64_t *lv = st->node;
    for (unsigned len = st->cap; len > SEL_FAN; len = sel_up(len)) {
        uint64_t *up = lv + sel_pad(len);
        for (unsigned i = 0; i < sel_pad(sel_up(len)); i++)
            up[i] = i < sel_up(len) ? sel_group_and(lv, i * SEL_FAN) : SEL_HOLE;
        lv = up;
    }
}

/* A new tree of cap positions for sig's threads replaces the old one. 0 or -ENOMEM. */
static int sel_rebuild(struct tgs_world *w, struct signal_struct *sig, unsigned cap)
{
    if (!cap) return -ENOMEM;
    struct seltree *st = kalloc(w, sel_bytes(cap));
    if (!st) return -ENOMEM;
    sel_layout(st, cap);
    sel_fill(st, sig);
    seltree_destroy(w, sig);
    sig->seltree = st;
    return 0;
}

void seltree_destroy(struct tgs_world *w, struct signal_struct *sig)
{
    struct seltree *st = sig->seltree;
    if (!st) return;
    sig->seltree = NULL;
    kfree(w, st, sel_bytes(st->cap));
}

/* Before copy_process links a new thread: a free tail position. The first second thread builds
 * the tree; a full tree is compacted in place when at most half used (no allocation), shrunk
 * when at most an eighth used, doubled otherwise. Amortized O(1) per new thread. */
int seltree_reserve(struct signal_struct *sig)
{
    struct seltree *st = sig->seltree;
    struct tgs_world *w = sig->thread_head->world;
    if (!st) {
        unsigned n = 0;
        for_each_thread(sig, t) n++;
        return sel_rebuild(w, sig, sel_cap_for(n + 1));
    }
    if (st->next < st->cap) return 0;
    if (2 * (unsigned long)(st->nr + 1) > st->cap)
        return sel_rebuild(w, sig, st->cap >= SELTREE_MAX_CAP ? 0 : 2 * st->cap);
    if (8 * (unsigned long)(st->nr + 1) <= st->cap && sel_rebuild(w, sig, sel_cap_for(st->nr + 1)) == 0)
        return 0;
    sel_fill(st, sig);
    return 0;
}

/* thread_link: t, now last in the list, takes the next position. */
void seltree_link(struct signal_struct *sig, struct task *t)
{
    struct seltree *st = sig->seltree;
    if (!st) return;                             /* one thread: complete_signal needs no index */
    if (st->next == st->cap) {                   /* linked without seltree_reserve */
        if (st->nr < st->cap) sel_fill(st, sig); /* t is in the list: it gets a position too */
        else seltree_destroy(t->world, sig);     /* back to the plain scan; tgs_check says so */
        return;
    }
    unsigned pos = st->next++;
    st->slot[pos] = t;
    t->sel_pos = pos + 1;
    st->nr++;
    sel_set(st, pos, sel_refusal(t));
}

/* thread_unlink: t's position becomes a hole; trailing holes are reused; a sparse large tree
 * shrinks (if that allocation fails the tree stays as it is); the last thread frees it. */
void seltree_unlink(struct signal_struct *sig, struct task *t)
{
    struct seltree *st = sig->seltree;
    unsigned pos = t->sel_pos;
    t->sel_pos = 0;
    if (!st) return;
    if (!sig->thread_head) {
        seltree_destroy(t->world, sig);
        return;
    }
    if (!pos || pos > st->cap || st->slot[pos - 1] != t) return;
    st->slot[pos - 1] = NULL;
    st->nr--;
    sel_set(st, pos - 1, SEL_HOLE);
    while (st->next > 0 && !st->slot[st->next - 1]) st->next--;
    if (st->cap > SELTREE_SHRINK_CAP && 8 * (unsigned long)st->nr <= st->cap)
        (void)sel_rebuild(t->world, sig, sel_cap_for(st->nr));
}

/* t's blocked mask, PF_EXITING or stopped state changed: its leaf follows. O(log N). A task
 * not (or no longer) in a tree has sel_pos 0: a new task is zeroed, thread_unlink clears it. */
void seltree_update(struct task *t)
{
    struct seltree *st = t->signal ? t->signal->seltree : NULL;
    if (st && t->sel_pos) sel_set(st, t->sel_pos - 1, sel_refusal(t));
}

/* The first index >= i, within i's group of a level, whose node does not refuse bit; or -1. */
static long sel_group_find(const uint64_t *lv, unsigned i, uint64_t bit)
{
    for (unsigned end = i | (SEL_FAN - 1); i <= end; i++)
        if (!(lv[i] & bit)) return i;
    return -1;
}

/* One search for one signal: where each level starts, its length, the top level. */
struct sel_walk {
    const uint64_t *base[SEL_MAXLEV];
    unsigned len[SEL_MAXLEV];
    unsigned top, next;
    uint64_t bit;
};

static void sel_walk_init(const struct seltree *st, struct sel_walk *w, uint64_t bit)
{
    unsigned k = 0, len = st->cap;
    w->base[0] = st->node;
    w->len[0] = len;
    for (; len > SEL_FAN; k++) {
        w->base[k + 1] = w->base[k] + sel_pad(len);
        len = sel_up(len);
        w->len[k + 1] = len;
    }
    w->top = k;
    w->next = st->next;
    w->bit = bit;
}

/* From node j of level k down to the leftmost leaf below it that does not refuse the bit (a
 * clear bit in a node means some child has it clear; -1 only if the tree were inconsistent,
 * which tgs_check reports). */
static long sel_descend(const struct sel_walk *w, unsigned k, long j)
{
    for (; k > 0 && j >= 0; k--) j = sel_group_find(w->base[k - 1], (unsigned)j * SEL_FAN, w->bit);
    return j;
}

/* The first position >= from whose leaf does not refuse the bit, or -1: climb while the rest
 * of the group refuses (a level up, from the next node on the right), then descend. One cache
 * line per level each way. */
static long sel_next(const struct sel_walk *w, unsigned from)
{
    unsigned k = 0, i = from;
    long j;
    if (from >= w->next) return -1;              /* only holes from there on */
    while ((j = sel_group_find(w->base[k], i, w->bit)) < 0) {
        if (k == w->top) return -1;              /* nothing further right */
        i = i / SEL_FAN + 1;
        k++;
        if (i >= w->len[k]) return -1;
    }
    return sel_descend(w, k, j);
}

/* The first position whose leaf does not refuse the bit, or -1: straight down from the top. */
static long sel_first(const struct sel_walk *w)
{
    long j = sel_group_find(w->base[w->top], 0, w->bit);
    return sel_descend(w, w->top, j);
}

/* complete_signal's scan: from curr_target (or the head) to the end, then from the start up to
 * it; each candidate the leaves let through is tested with wants_signal itself. */
struct task *seltree_select(int sig, struct task *p)
{
    struct signal_struct *signal = p->signal;
    const struct seltree *st = signal->seltree;
    struct task *start = signal->curr_target ? signal->curr_target : signal->thread_head;
    if (!st || !start->sel_pos) return select_thread_linear(sig, p);
    long s = start->sel_pos - 1;
    struct sel_walk w;
    sel_walk_init(st, &w, sigmask(sig));
    for (long pos = sel_next(&w, (unsigned)s); pos >= 0; pos = sel_next(&w, (unsigned)pos + 1))
        if (wants_signal(sig, st->slot[pos])) return st->slot[pos];
    for (long pos = sel_first(&w); pos >= 0 && pos < s; pos = sel_next(&w, (unsigned)pos + 1))
        if (wants_signal(sig, st->slot[pos])) return st->slot[pos];
    return NULL;
}

/* ---- tgs_check ------------------------------------------------------------------------------ */
#define SFAIL(...) do { if (why && len) snprintf(why, len, __VA_ARGS__); return -1; } while (0)

/* Each thread at its slot, positions increasing in list order, leaves = the threads' masks. */
static int sel_check_threads(const struct signal_struct *sig, const struct seltree *st, char *why, size_t len)
{
    unsigned n = 0, prev = 0;
    tgs_pid g = sig->thread_head->pid;
    for_each_thread(sig, t) {
        unsigned pos = t->sel_pos;
        if (pos <= prev || pos > st->next || st->slot[pos - 1] != t)
            SFAIL("seltree of group %d: thread %d at position %u, out of list order", g, t->pid, pos);
        if (st->node[pos - 1] != sel_refusal(t))
            SFAIL("seltree of group %d: thread %d's leaf %llx, it refuses %llx", g, t->pid,
                  (unsigned long long)st->node[pos - 1], (unsigned long long)sel_refusal(t));
        prev = pos;
        n++;
    }
    if (n != st->nr) SFAIL("seltree of group %d: %u placed, %u threads", g, st->nr, n);
    return 0;
}

/* Holes refuse everything, nothing beyond next; above the leaves every node is the AND of its
 * group of children, padding refuses everything. */
static int sel_check_nodes(const struct signal_struct *sig, const struct seltree *st, char *why, size_t len)
{
    unsigned used = 0;
    tgs_pid g = sig->thread_head->pid;
    for (unsigned i = 0; i < st->cap; i++) {
        used += st->slot[i] != NULL;
        if (st->slot[i] && i >= st->next) SFAIL("seltree of group %d: position %u beyond next", g, i);
        if (!st->slot[i] && st->node[i] != SEL_HOLE) SFAIL("seltree of group %d: hole %u refuses %llx", g, i,
                                                            (unsigned long long)st->node[i]);
    }
    if (used != st->nr) SFAIL("seltree of group %d: %u slots used, %u placed", g, used, st->nr);
    const uint64_t *lv = st->node;
    for (unsigned n = st->cap, k = 1; n > SEL_FAN; n = sel_up(n), k++) {
        const uint64_t *up = lv + sel_pad(n);
        for (unsigned i = 0; i < sel_pad(sel_up(n)); i++)
            if (up[i] != (i < sel_up(n) ? sel_group_and(lv, i * SEL_FAN) : SEL_HOLE))
                SFAIL("seltree of group %d: node %u of level %u is not the AND of its children", g, i, k);
        lv = up;
    }
    return 0;
}

int seltree_check(const struct signal_struct *sig, char *why, size_t len)
{
    const struct seltree *st = sig->seltree;
    int n = 0;
    for_each_thread(sig, t) n++;
    if (!st) {
        if (n > 1) SFAIL("group %d: %d threads and no seltree", sig->thread_head->pid, n);
        return 0;
    }
    if (st->next > st->cap || st->nr > st->next) SFAIL("seltree of group %d: bad counters", sig->thread_head->pid);
    if (sel_check_threads(sig, st, why, len)) return -1;
    return sel_check_nodes(sig, st, why, len);
}
