/* procpath.h - private helpers of the process path (core-B: world.c task.c fork.c exit.c wait.c
 * jobctl.c exec.c pgrp.c kthread.c). Not for the signal path: what it needs is in internal.h. */
#ifndef TGS_CORE_PROCPATH_H
#define TGS_CORE_PROCPATH_H

#include "internal.h"
#include "seltree.h"
#include <errno.h>
#include <string.h>

#define RESERVED_PIDS 300                     /* kernel/pid.c: the wrap-around floor */
#define TASK_MASK(s) (1u << (s))

/* world.c */
tgs_pid pid_alloc(struct tgs_world *w);
void pid_free(struct tgs_world *w, tgs_pid pid);
void pidns_put(struct tgs_world *w, struct pid_namespace *ns);
void free_deferred_tasks(struct tgs_world *w);

/* task.c */
void task_free(struct tgs_world *w, struct task *t);
void thread_link(struct signal_struct *sig, struct task *t);
void thread_unlink(struct task *t);
struct task *next_thread(struct task *t);            /* wrapping */
void child_link(struct task *parent, struct task *c);
void child_unlink(struct task *c);
void child_replace(struct task *old, struct task *new);
void pgrp_link(struct tgs_world *w, struct task *p);
void pgrp_unlink(struct tgs_world *w, struct task *p);
struct signal_struct *signal_alloc(struct tgs_world *w);
struct sighand_struct *sighand_alloc(struct tgs_world *w);
void sighand_put(struct tgs_world *w, struct sighand_struct *sh);
bool fatal_signal_pending(const struct task *t);
struct task *find_alive_thread(struct task *p);
static inline bool thread_group_leader(const struct task *t) { return t->group_leader == t; }
static inline tgs_pid task_tgid(const struct task *t) { return t->group_leader->pid; }
static inline bool same_thread_group(const struct task *a, const struct task *b)
{
    return a->signal == b->signal;
}

/* fork.c */
struct task *copy_process(struct task *cur, unsigned flags, int exit_signal, int *err);
struct task *create_init(struct tgs_world *w);
void complete_vfork_done(struct task *child);
void vfork_detach(struct task *parent);

/* exit.c */
struct task *find_child_reaper(struct task *father);

/* jobctl.c */
void task_join_group_stop(struct task *cur, struct task *t);

/* pgrp.c */
bool has_stopped_jobs(struct tgs_world *w, tgs_pid pgrp);

/* syscall bookkeeping: the syscall finished at once with ret (tgs_run reports it). */
static inline long sc_finish(struct task *t, int nr, long ret)
{
    memset(&t->sc, 0, sizeof t->sc);
    t->sc.nr = nr;
    t->sc.ret = ret;
    t->sc.done = 1;
    return ret;
}
/* The syscall sleeps: state, resume hook; returns TGS_ASLEEP. */
static inline int sc_sleep(struct task *t, int state, long (*resume)(struct task *))
{
    t->state = state;
    t->sc.asleep = 1;
    t->sc.done = 0;
    t->sc.resume = resume;
    return TGS_ASLEEP;
}

static inline void ev_emit(struct tgs_world *w, int type, tgs_pid tid, tgs_pid target, int sig,
                           int code, long value)
{
    if (!w->ops.trace) return;          /* no event is built (nor its fields read) untraced */
    tgs_event e;
    memset(&e, 0, sizeof e);
    e.type = type; e.tid = tid; e.target = target; e.sig = sig; e.code = code; e.value = value;
    trace_event(w, &e);
}

#endif
