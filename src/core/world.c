/* world.c - the world: creation, the pid table and allocator, memory hooks, credentials. */
#include "procpath.h"
#include <stdlib.h>

const char *tgs_version(void) { return "0.1.0 (linux 6.x model)"; }

static void *raw_alloc(const tgs_host_ops *o, size_t size)
{
    void *p = o->alloc ? o->alloc(o->ctx, size) : malloc(size);
    if (p) memset(p, 0, size);
    return p;
}

static void raw_free(const tgs_host_ops *o, void *p, size_t size)
{
    if (!p) return;
    if (o->free) o->free(o->ctx, p, size);
    else free(p);
}

/* kmalloc/kzalloc: every allocation of the library, with the alloc_fail_at test hook. */
void *kalloc(struct tgs_world *w, size_t size)
{
    w->alloc_count++;
    if (w->alloc_fail_at > 0 && w->alloc_count == w->alloc_fail_at) return NULL;
    void *p = raw_alloc(&w->ops, size);
    if (p) w->mem_in_use += size;
    return p;
}

/* kfree */
void kfree(struct tgs_world *w, void *p, size_t size)
{
    if (!p) return;
    w->mem_in_use -= size;
    raw_free(&w->ops, p, size);
}

size_t tgs_mem_in_use(const tgs_world *w) { return w ? w->mem_in_use : 0; }

/* alloc_pid: next free pid above the last one, wrapping to RESERVED_PIDS (or 1) like idr_alloc_cyclic. */
tgs_pid pid_alloc(struct tgs_world *w)
{
    int min = (w->last_pid > RESERVED_PIDS && w->pid_max > RESERVED_PIDS) ? RESERVED_PIDS : 1;
    for (tgs_pid p = w->last_pid + 1; p <= w->pid_max; p++)
        if (!w->pid_table[p]) return w->last_pid = p;
    for (tgs_pid p = min; p <= w->last_pid && p <= w->pid_max; p++)
        if (!w->pid_table[p]) return w->last_pid = p;
    return 0;
}

/* free_pid */
void pid_free(struct tgs_world *w, tgs_pid pid)
{
    if (pid > 0 && pid <= w->pid_max) w->pid_table[pid] = NULL;
}

/* put_pid_ns */
void pidns_put(struct tgs_world *w, struct pid_namespace *ns)
{
    while (ns && ns != &w->root_ns && --ns->refs == 0) {
        struct pid_namespace *parent = ns->parent;
        kfree(w, ns, sizeof *ns);
        ns = parent;
    }
}

static int world_tables(struct tgs_world *w)
{
    size_t n = (size_t)w->pid_max + 1;
    w->pid_table = kalloc(w, n * sizeof *w->pid_table);
    w->pgrp_head = kalloc(w, n * sizeof *w->pgrp_head);
    return w->pid_table && w->pgrp_head ? 0 : -ENOMEM;
}

/* start_kernel's share: pid table, root pid namespace, init (rest_init) */
tgs_world *tgs_world_new(const tgs_host_ops *ops, const tgs_config *cfg)
{
    tgs_host_ops o;
    memset(&o, 0, sizeof o);
    if (ops) o = *ops;
    struct tgs_world *w = raw_alloc(&o, sizeof *w);
    if (!w) return NULL;
    w->ops = o;
    w->mem_in_use = sizeof *w;
    if (cfg) w->cfg = *cfg;
    if (w->cfg.rlimit_sigpending <= 0) w->cfg.rlimit_sigpending = 1024;
    if (w->cfg.max_tasks <= 0) w->cfg.max_tasks = 32768;
    if (w->cfg.max_tasks < 2) w->cfg.max_tasks = 2;
    w->pid_max = w->cfg.max_tasks;
    w->root_ns.level = 0;
    w->root_ns.refs = 1;
    if (world_tables(w) < 0 || !create_init(w)) {
        tgs_world_free(w);
        return NULL;
    }
    return w;
}

tgs_pid tgs_init_pid(const tgs_world *w) { return w && w->init ? w->init->pid : 0; }

/* Frees one task and what it alone holds (world teardown: no notifications). */
static void world_free_task(struct tgs_world *w, struct task *t)
{
    struct signal_struct *sig = t->signal;
    flush_sigqueue(w, &t->pending, LEDGER_DISCARDED);
    if (t->sighand) sighand_put(w, t->sighand);
    if (sig && --sig->nr_threads <= 0) {
        flush_sigqueue(w, &sig->shared_pending, LEDGER_DISCARDED);
        pidns_put(w, sig->pid_ns);
        seltree_destroy(w, sig);
        kfree(w, sig, sizeof *sig);
    }
    task_free(w, t);
}

/* Tears the whole world down (no notifications, no ledger effects beyond discards). */
void tgs_world_free(tgs_world *w)
{
    if (!w) return;
    free_deferred_tasks(w);
    for (tgs_pid p = 1; w->pid_table && p <= w->pid_max; p++)
        if (w->pid_table[p]) {
            struct task *t = w->pid_table[p];
            w->pid_table[p] = NULL;
            world_free_task(w, t);
        }
    while (w->users) {
        struct tgs_user *u = w->users;
        w->users = u->next;
        kfree(w, u, sizeof *u);
    }
    sigqueue_cache_destroy(w);
    size_t n = (size_t)w->pid_max + 1;
    kfree(w, w->pid_table, n * sizeof *w->pid_table);
    kfree(w, w->pgrp_head, n * sizeof *w->pgrp_head);
    tgs_host_ops o = w->ops;
    raw_free(&o, w, sizeof *w);
}

/* commit_creds, for the whole process (credentials are per process in this model) */
int tgs_set_cred(tgs_world *w, tgs_pid tid, const tgs_cred *c)
{
    struct task *t = find_task_by_pid(w, tid);
    if (!t) return -ESRCH;
    if (!c) return -EFAULT;
    t->signal->uid = c->uid;
    t->signal->euid = c->euid;
    t->signal->suid = c->suid;
    t->signal->cap_kill = c->cap_kill;
    return 0;
}

/* setrlimit(RLIMIT_SIGPENDING) soft limit, for the whole process */
int tgs_set_rlimit_sigpending(tgs_world *w, tgs_pid tid, long limit)
{
    struct task *t = find_task_by_pid(w, tid);
    if (!t) return -ESRCH;
    if (limit < 0) return -EINVAL;
    t->signal->rlim_sigpending = limit;
    return 0;
}
