/* seltree.h - the index complete_signal uses to find a thread that wants a signal (seltree.c).
 *
 * The kernel scans the thread list from signal->curr_target calling wants_signal on each
 * thread: O(threads) per process-directed signal. The model keeps, per thread group that has
 * had two threads, a position for every thread in thread-list order and an 8-ary tree over the
 * positions (one cache line of children per node) whose nodes hold the AND of their leaves'
 * refusal masks. A leaf's mask is the part of wants_signal that does not ask the host (blocked;
 * all ones when PF_EXITING or dead; all but SIGKILL when stopped), so the search skips every
 * thread whose leaf refuses sig and tests each other candidate with wants_signal itself
 * (task_curr asks the host; TIF_SIGPENDING), going on after it when it says no. The choice is
 * the kernel's exactly: O(log N) per candidate instead of O(1) per thread.
 *
 * Hooks (one line each at the sites that change what a leaf depends on):
 *   seltree_reserve  before a CLONE_THREAD copy_process links a new thread (may fail: -ENOMEM)
 *   seltree_link     thread_link (list_add_tail of thread_node)
 *   seltree_unlink   thread_unlink (list_del of thread_node)
 *   seltree_update   after t->blocked, PF_EXITING or the stopped state of t changes
 *   seltree_destroy  before a signal_struct is freed without its threads being unlinked
 * TIF_SIGPENDING needs no hook: it is not in the leaves. */
#ifndef TGS_CORE_SELTREE_H
#define TGS_CORE_SELTREE_H

#include "internal.h"

#define seltree_reserve tgs__seltree_reserve
#define seltree_link tgs__seltree_link
#define seltree_unlink tgs__seltree_unlink
#define seltree_update tgs__seltree_update
#define seltree_destroy tgs__seltree_destroy
#define seltree_check tgs__seltree_check
#define seltree_select tgs__seltree_select
#define select_thread_linear tgs__select_thread_linear

/* A free position at the tail for one more thread of sig (builds, compacts or grows the tree).
 * 0, or -ENOMEM with nothing changed. */
int seltree_reserve(struct signal_struct *sig);
void seltree_link(struct signal_struct *sig, struct task *t);
void seltree_unlink(struct signal_struct *sig, struct task *t);
void seltree_update(struct task *t);
void seltree_destroy(struct tgs_world *w, struct signal_struct *sig);
/* tgs_check: positions follow the thread list, leaves match the threads, nodes are the AND of
 * their children, the signalfd count matches. 0, or -1 with a description in why. */
int seltree_check(const struct signal_struct *sig, char *why, size_t len);

/* complete_signal's scan, p not wanting sig: the first thread at or after curr_target (thread
 * head if none), in thread-list order and wrapping, for which wants_signal holds; NULL if none.
 * Does not move curr_target. seltree_select uses the tree (the linear scan when the group has
 * none); select_thread_linear is the kernel's plain scan, kept as the reference. */
struct task *seltree_select(int sig, struct task *p);
struct task *select_thread_linear(int sig, struct task *p);

/* tgs_signalfd: t opened a signalfd (signalfd_notify scans the group only when one is open) */

#endif
