/* perm.c - may the sender signal the target (§17). */
#include "sigpath.h"

/* kill_ok_by_cred: sender euid/uid against target uid/suid, or CAP_KILL */
static bool kill_ok_by_cred(const struct signal_struct *s, const struct signal_struct *t)
{
    return s->euid == t->suid || s->euid == t->uid || s->uid == t->suid || s->uid == t->uid ||
           s->cap_kill;
}

/* check_kill_permission: EINVAL for a bad signal, then EPERM for user-originated sends */
int check_kill_permission(int sig, const tgs_siginfo *info, struct task *t, struct task *sender)
{
    if (!valid_signal(sig) && sig != 0) return -EINVAL;
    if (!si_fromuser(info) || !sender) return 0;
    if (sender->signal == t->signal || kill_ok_by_cred(sender->signal, t->signal)) return 0;
    if (sig == SIGCONT && (t->signal->session == 0 || t->signal->session == sender->signal->session))
        return 0;
    return -EPERM;
}
