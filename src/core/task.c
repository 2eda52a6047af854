/* task.c - task allocation, thread lists, children lists, process groups, release_task. */
#include "procpath.h"
#include <stdio.h>

/* alloc_task_struct + alloc_pid: a zeroed task with a fresh pid, hashed in the pid table. */
struct task *task_alloc(struct tgs_world *w)
{
    free_deferred_tasks(w);
    if (w->nr_tasks >= w->pid_max) return NULL;
    struct task *t = kalloc(w, sizeof *t);
    if (!t) return NULL;
    tgs_pid pid = pid_alloc(w);
    if (!pid) { kfree(w, t, sizeof *t); return NULL; }
    t->pid = pid;
    t->world = w;
    sigpending_init(&t->pending);
    t->state = TASK_RUNNING;
    t->exit_signal = -1;
    w->pid_table[pid] = t;
    w->nr_tasks++;
    return t;
}

/* free_task */
void task_free(struct tgs_world *w, struct task *t)
{
    free_sigframes(t);
    kfree(w, t, sizeof *t);
}

/* delayed_put_task_struct: frees the tasks released since the last scheduling point */
void free_deferred_tasks(struct tgs_world *w)
{
    while (w->deferred_free) {
        struct task *t = w->deferred_free;
        w->deferred_free = t->free_next;
        task_free(w, t);
    }
}

/* list_add_tail_rcu(&p->thread_node, &sig->thread_head) */
void thread_link(struct signal_struct *sig, struct task *t)
{
    t->thread_next = NULL;
    t->thread_prev = sig->thread_tail;
    if (sig->thread_tail) sig->thread_tail->thread_next = t;
    else sig->thread_head = t;
    sig->thread_tail = t;
    seltree_link(sig, t);
}

/* list_del_rcu(&p->thread_node) */
void thread_unlink(struct task *t)
{
    struct signal_struct *sig = t->signal;
    if (t->thread_prev) t->thread_prev->thread_next = t->thread_next;
    else sig->thread_head = t->thread_next;
    if (t->thread_next) t->thread_next->thread_prev = t->thread_prev;
    else sig->thread_tail = t->thread_prev;
    t->thread_next = t->thread_prev = NULL;
    seltree_unlink(sig, t);
}

/* next_thread: the next thread in list order, wrapping to the first. */
struct task *next_thread(struct task *t)
{
    return t->thread_next ? t->thread_next : t->signal->thread_head;
}

/* thread_group_empty: t is the only thread left in its group's list. */
bool thread_group_empty(struct task *t)
{
    return t->signal->thread_head == t && !t->thread_next;
}

/* find_alive_thread: the first thread (list order) not yet in do_exit. */
struct task *find_alive_thread(struct task *p)
{
    for_each_thread(p->signal, t)
        if (!(t->flags & PF_EXITING)) return t;
    return NULL;
}

/* Children lists hold group leaders only (kernel: p->sibling). The head's sibling_prev points
 * at the tail, so appending is O(1); the tail's sibling_next is NULL. */
void child_link(struct task *parent, struct task *c)
{
    struct task *head = parent->children;
    c->sibling_next = NULL;
    if (!head) {
        parent->children = c;
        c->sibling_prev = c;
        return;
    }
    struct task *tail = head->sibling_prev;
    tail->sibling_next = c;
    c->sibling_prev = tail;
    head->sibling_prev = c;
}

/* list_del_init(&p->sibling) */
void child_unlink(struct task *c)
{
    struct task *parent = c->real_parent;
    if (!parent || !parent->children) return;
    struct task *head = parent->children;
    if (c == head) {
        parent->children = c->sibling_next;
        if (c->sibling_next) c->sibling_next->sibling_prev = c->sibling_prev;
    } else {
        c->sibling_prev->sibling_next = c->sibling_next;
        if (c->sibling_next) c->sibling_next->sibling_prev = c->sibling_prev;
        else head->sibling_prev = c->sibling_prev;
    }
    c->sibling_next = c->sibling_prev = NULL;
}

/* attach_pid(p, PIDTYPE_PGID): process groups list their processes (leaders). */
void pgrp_link(struct tgs_world *w, struct task *p)
{
    tgs_pid g = p->signal->pgrp;
    if (g <= 0 || g > w->pid_max) return;
    p->pgrp_prev = NULL;
    p->pgrp_next = w->pgrp_head[g];
    if (p->pgrp_next) p->pgrp_next->pgrp_prev = p;
    w->pgrp_head[g] = p;
}

/* detach_pid(p, PIDTYPE_PGID) */
void pgrp_unlink(struct tgs_world *w, struct task *p)
{
    tgs_pid g = p->signal->pgrp;
    if (g <= 0 || g > w->pid_max) return;
    if (p->pgrp_prev) p->pgrp_prev->pgrp_next = p->pgrp_next;
    else if (w->pgrp_head[g] == p) w->pgrp_head[g] = p->pgrp_next;
    if (p->pgrp_next) p->pgrp_next->pgrp_prev = p->pgrp_prev;
    p->pgrp_next = p->pgrp_prev = NULL;
}

/* kmem_cache_zalloc(signal_cachep) */
struct signal_struct *signal_alloc(struct tgs_world *w)
{
    struct signal_struct *sig = kalloc(w, sizeof *sig);
    if (sig) sigpending_init(&sig->shared_pending);
    return sig;
}

/* kmem_cache_alloc(sighand_cachep), count 1 */
struct sighand_struct *sighand_alloc(struct tgs_world *w)
{
    struct sighand_struct *sh = kalloc(w, sizeof *sh);
    if (sh) sh->count = 1;
    return sh;
}

/* __cleanup_sighand */
void sighand_put(struct tgs_world *w, struct sighand_struct *sh)
{
    if (sh && --sh->count == 0) kfree(w, sh, sizeof *sh);
}

/* fatal_signal_pending / __fatal_signal_pending: SIGKILL in the private set. */
bool fatal_signal_pending(const struct task *t)
{
    return (t->pending.signal & sigmask(SIGKILL)) != 0;
}

/* __exit_signal + __unhash_process: the task leaves its group, the pid table and its queues. */
static void exit_signal_unhash(struct tgs_world *w, struct task *p)
{
    struct signal_struct *sig = p->signal;
    bool group_dead = thread_group_leader(p);
    if (!group_dead) {
        if (sig->notify_count > 0 && !--sig->notify_count && sig->group_exec_task)
            wake_up_state(sig->group_exec_task, TASK_MASK(TASK_KILLABLE) | TASK_MASK(TASK_INTERRUPTIBLE));
    }
    if (sig->curr_target == p)
        sig->curr_target = next_thread(p) == p ? NULL : next_thread(p);
    sig->nr_threads--;
    if (p->signalfd_open) sig->nr_signalfd--;
    thread_unlink(p);
    if (w->pid_table[p->pid] == p) pid_free(w, p->pid);
    w->nr_tasks--;
    if (group_dead) {
        child_unlink(p);
        pgrp_unlink(w, p);
    }
    flush_sigqueue(w, &p->pending, LEDGER_DISCARDED);
    sighand_put(w, p->sighand);
    p->sighand = NULL;
    p->sigpending = 0;
    if (group_dead) {
        flush_sigqueue(w, &sig->shared_pending, LEDGER_DISCARDED);
        pidns_put(w, sig->pid_ns);
        kfree(w, sig, sizeof *sig);
    }
    p->signal = NULL;
}

/* release_task: reap p; if p was the last thread of a zombie leader, notify the leader's
 * parent and reap the leader too when the parent does not care. A task released inside its
 * own do_exit is freed at the next scheduling point (its caller may still look at it). */
void release_task(struct task *p)
{
    struct tgs_world *w = p->world;
    for (;;) {
        struct task *leader = p->group_leader;
        bool zap_leader = false;
        exit_signal_unhash(w, p);
        if (leader != p && thread_group_empty(leader) && leader->exit_state == EXIT_ZOMBIE) {
            zap_leader = do_notify_parent(leader, leader->exit_signal);
            if (zap_leader) leader->exit_state = EXIT_DEAD;
        }
        p->exit_state = EXIT_DEAD;
        p->free_next = w->deferred_free;
        w->deferred_free = p;
        if (!zap_leader) return;
        p = leader;
    }
}

/* list_replace_init(&old->sibling, &new->sibling): new takes old's place among the children. */
void child_replace(struct task *old, struct task *new)
{
    struct task *parent = old->real_parent;
    new->sibling_next = old->sibling_next;
    new->sibling_prev = old->sibling_prev;
    if (parent && parent->children == old) {
        parent->children = new;
        if (new->sibling_prev == old) new->sibling_prev = new;      /* the only child */
    } else if (new->sibling_prev) {
        new->sibling_prev->sibling_next = new;
    }
    if (new->sibling_next) new->sibling_next->sibling_prev = new;
    else if (parent && parent->children && parent->children != new)
        parent->children->sibling_prev = new;                       /* new is the tail */
    old->sibling_next = old->sibling_prev = NULL;
}

#define PFAIL(...) do { if (why && len) snprintf(why, len, __VA_ARGS__); return -1; } while (0)

/* One process: thread list links, counters, leader, children list of every thread. */
static int check_group_links(const struct tgs_world *w, const struct signal_struct *s, char *why, size_t len)
{
    int n = 0, live = 0;
    const struct task *prev = NULL, *head = s->thread_head;
    for (const struct task *t = head; t; prev = t, t = t->thread_next) {
        n++;
        if (t->thread_prev != prev) PFAIL("thread %d: broken thread_prev", t->pid);
        if (t->group_leader != head->group_leader) PFAIL("thread %d: leader differs from group's", t->pid);
        if (!(t->flags & PF_EXITING)) live++;
        if (t->exit_state && t != t->group_leader) PFAIL("non-leader %d is a zombie", t->pid);
        if (w->pid_table[t->pid] != t) PFAIL("thread %d is not hashed", t->pid);
        if (t->real_parent && !t->real_parent->signal) PFAIL("thread %d: parent released", t->pid);
    }
    if (s->thread_tail != prev) PFAIL("group %d: thread_tail is wrong", head->pid);
    if (n != s->nr_threads) PFAIL("group %d: nr_threads %d but %d threads", head->pid, s->nr_threads, n);
    if (live != s->live) PFAIL("group %d: live %d but %d live threads", head->pid, s->live, live);
    if (s->quick_threads < s->live) PFAIL("group %d: quick_threads %d < live %d", head->pid, s->quick_threads, s->live);
    return 0;
}

/* One task's children list: leaders whose real_parent is the task, consistent links. */
static int check_children(const struct task *t, char *why, size_t len)
{
    const struct task *prev = NULL;
    for (const struct task *c = t->children; c; prev = c, c = c->sibling_next) {
        if (c->real_parent != t) PFAIL("child %d of %d has real_parent %d", c->pid, t->pid,
                                       c->real_parent ? c->real_parent->pid : 0);
        if (c->group_leader != c) PFAIL("child %d of %d is not a leader", c->pid, t->pid);
        if (prev && c->sibling_prev != prev) PFAIL("child %d: broken sibling_prev", c->pid);
    }
    if (t->children && t->children->sibling_prev != prev) PFAIL("task %d: children tail is wrong", t->pid);
    return 0;
}

/* Every process is in the list of its pgrp, and every list member has that pgrp. */
static int check_pgrps(const struct tgs_world *w, char *why, size_t len)
{
    int listed = 0, leaders = 0;
    for (tgs_pid g = 1; g <= w->pid_max; g++)
        for (const struct task *p = w->pgrp_head[g]; p; p = p->pgrp_next) {
            listed++;
            if (p->signal->pgrp != g) PFAIL("process %d listed in pgrp %d but has pgrp %d", p->pid, g, p->signal->pgrp);
            if (w->pid_table[p->pid] != p) PFAIL("pgrp %d lists an unhashed task", g);
        }
    for (tgs_pid p = 1; p <= w->pid_max; p++) {
        const struct task *t = w->pid_table[p];
        if (t && t->group_leader == t && t->signal->pgrp > 0) leaders++;
    }
    if (listed != leaders) PFAIL("pgrp lists hold %d processes, %d exist", listed, leaders);
    return 0;
}

/* The process path's invariants (thread lists, counters, children, pgrps, pid table);
 * tgs_check calls it. 0 = fine, -1 with a description in why. */
int check_process_path(const struct tgs_world *w, char *why, size_t len)
{
    int hashed = 0;
    for (tgs_pid p = 1; p <= w->pid_max; p++) {
        const struct task *t = w->pid_table[p];
        if (!t) continue;
        hashed++;
        if (!t->signal) PFAIL("task %d has no signal_struct", p);
        if (t->signal->thread_head == t && check_group_links(w, t->signal, why, len)) return -1;
        if (check_children(t, why, len)) return -1;
        if (!t->real_parent && t != w->init && t != w->kthreadd && t->group_leader != w->kthreadd &&
            t->signal != w->init->signal)
            PFAIL("task %d has no parent", p);
    }
    if (hashed != w->nr_tasks) PFAIL("nr_tasks %d but %d hashed tasks", w->nr_tasks, hashed);
    return check_pgrps(w, why, len);
}
