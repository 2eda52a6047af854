/* kthread.c - kthreadd and kernel threads (§15): every action SIG_IGN, PF_KTHREAD, uid 0. */
#include "procpath.h"

/* ignore_signals: flush the queues and set every action (KILL and STOP too) to SIG_IGN. */
static void ignore_signals(struct task *t)
{
    flush_sigqueue(t->world, &t->pending, LEDGER_FLUSHED);
    for (int i = 0; i < K_NSIG; i++) {
        t->sighand->action[i].handler = TGS_SIG_IGN;
        t->sighand->action[i].flags = 0;
        t->sighand->action[i].mask = 0;
    }
}

/* kthreadd (pid 2 when it is the first task after init): PPid 0 like the kernel's, no pgrp. */
static struct task *kthreadd_create(struct tgs_world *w)
{
    struct task *init = w->init;
    int err;
    struct task *k = copy_process(init, 0, SIGCHLD, &err);
    if (!k) return NULL;
    child_unlink(k);                                 /* its parent is the idle task (pid 0) */
    pgrp_unlink(w, k);
    k->real_parent = k->parent = NULL;
    k->signal->pgrp = k->signal->session = 0;
    k->signal->uid = k->signal->euid = k->signal->suid = 0;
    k->signal->cap_kill = 1;
    k->signal->flags = 0;
    k->flags |= PF_KTHREAD;
    k->blocked = 0;
    seltree_update(k);
    k->sas_ss_sp = k->sas_ss_size = 0;
    k->depth = 0;
    ignore_signals(k);
    w->kthreadd = k;
    ev_emit(w, TGS_EV_FORK, 0, k->pid, 0, 0, 0);
    return k;
}

/* kthread_create: kthreadd forks the new kernel thread (it copies kthreadd's ignoring table). */
int tgs_kthread_create(tgs_world *w, tgs_pid *tid)
{
    int err;
    if (!w) return -EINVAL;
    free_deferred_tasks(w);
    if (!w->kthreadd && !kthreadd_create(w)) return w->nr_tasks >= w->pid_max ? -EAGAIN : -ENOMEM;
    struct task *k = w->kthreadd;
    struct task *p = copy_process(k, 0, SIGCHLD, &err);
    if (!p) return err;
    p->flags |= PF_KTHREAD;
    if (tid) *tid = p->pid;
    ev_emit(w, TGS_EV_FORK, k->pid, p->pid, 0, 0, 0);
    return p->pid;
}
