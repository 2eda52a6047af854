/* kr_act.c - the actions of scenario threads on the real kernel: raw signal syscalls, the
 * one real signal handler (records OBS_HANDLER, runs the body), faults, waits, sends.
 * glibc is avoided for everything signal-related: its sigaction refuses 32/33, its
 * sigwaitinfo rewrites SI_TKILL, and its wrappers add SA_RESTORER behind our back. */
#include "kr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

struct ksigaction { void *handler; unsigned long flags; void *restorer; uint64_t mask; };

#if defined(__x86_64__)
/* rt_sigreturn trampoline and the fault sites (each with a resume label after it). */
__asm__(".text\n.p2align 4\n"
        ".globl tgsig_kr_restore_rt\n.hidden tgsig_kr_restore_rt\n"
        "tgsig_kr_restore_rt:\n\tmovq $15, %rax\n\tsyscall\n\thlt\n"
        ".globl tgsig_kr_segv\n.hidden tgsig_kr_segv\n"
        "tgsig_kr_segv:\n\txorl %eax, %eax\n"
        ".globl tgsig_kr_segv_at\n.hidden tgsig_kr_segv_at\ntgsig_kr_segv_at:\n\tmovl $1, (%rax)\n"
        ".globl tgsig_kr_segv_end\n.hidden tgsig_kr_segv_end\ntgsig_kr_segv_end:\n\tret\n"
        ".globl tgsig_kr_fpe\n.hidden tgsig_kr_fpe\n"
        "tgsig_kr_fpe:\n\txorl %ecx, %ecx\n\txorl %edx, %edx\n\tmovl $1, %eax\n"
        ".globl tgsig_kr_fpe_at\n.hidden tgsig_kr_fpe_at\ntgsig_kr_fpe_at:\n\tdivl %ecx\n"
        ".globl tgsig_kr_fpe_end\n.hidden tgsig_kr_fpe_end\ntgsig_kr_fpe_end:\n\tret\n"
        ".globl tgsig_kr_ill\n.hidden tgsig_kr_ill\n"
        "tgsig_kr_ill:\n"
        ".globl tgsig_kr_ill_at\n.hidden tgsig_kr_ill_at\ntgsig_kr_ill_at:\n\tud2\n"
        ".globl tgsig_kr_ill_end\n.hidden tgsig_kr_ill_end\ntgsig_kr_ill_end:\n\tret\n"
        ".globl tgsig_kr_trap\n.hidden tgsig_kr_trap\n"
        "tgsig_kr_trap:\n\tint3\n\tret\n");
void tgsig_kr_restore_rt(void);
void tgsig_kr_segv(void), tgsig_kr_segv_at(void), tgsig_kr_segv_end(void);
void tgsig_kr_fpe(void), tgsig_kr_fpe_at(void), tgsig_kr_fpe_end(void);
void tgsig_kr_ill(void), tgsig_kr_ill_at(void), tgsig_kr_ill_end(void);
void tgsig_kr_trap(void);
#define KR_RESTORER ((void *)tgsig_kr_restore_rt)
#define KR_RESTORER_FLAG SA_RESTORER
#else
#define KR_RESTORER NULL
#define KR_RESTORER_FLAG 0
#endif

static const sc_action *g_body[65];     /* per process, like the kernel's sighand */
static const sc_action *g_act[65];      /* the scenario's last sigaction per signal */
__thread int kr_tls_idx = -1;
static __thread int tls_depth;
static __thread uintptr_t tls_ss_lo, tls_ss_hi;

static long raw_mask(int how, const uint64_t *set, uint64_t *old, int size)
{
    return kr_rs(syscall(SYS_rt_sigprocmask, how, set, old, size));
}

static int cur_step(void) { return __atomic_load_n(&kr_g->cur_step, __ATOMIC_SEQ_CST); }

static int ns_level(int idx) { return idx >= 0 ? kr_g->th[idx].level : 0; }

/* ---- target numbers as seen from the sender's pid namespace ---- */

static int thread_alive(const kr_slot *s)
{
    char path[80];
    if (!s->registered || s->tid <= 0) return 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d", s->ns_tgid[0], s->tid);
    return access(path, F_OK) == 0;
}

static long tnum(int t, int lvl)
{
    if (t < 0 || t >= kr_g->f.n_threads) return KR_BOGUS_PID;
    const kr_slot *s = &kr_g->th[t];
    if (!thread_alive(s) || s->level < lvl) return KR_BOGUS_PID;
    return s->ns_tid[lvl];
}

static long pnum(int p, int lvl)
{
    if (p < 0 || p >= kr_g->f.n_procs || kr_g->pr[p].reaped) return KR_BOGUS_PID;
    for (int t = 0; t < kr_g->f.n_threads; t++) {
        const kr_slot *s = &kr_g->th[t];
        if (kr_g->f.threads[t].proc != p || !s->registered) continue;
        char path[48];
        snprintf(path, sizeof path, "/proc/%d", s->ns_tgid[0]);
        if (access(path, F_OK) != 0 || s->level < lvl) return KR_BOGUS_PID;
        return s->ns_tgid[lvl];
    }
    return KR_BOGUS_PID;
}

static long raw_target(long raw, int lvl)
{
    char path[48];
    long a = raw < 0 ? -raw : raw;
    if (raw == 0 || lvl > 0 || a > 4194304 || raw == -1) return raw;
    snprintf(path, sizeof path, "/proc/%ld", a);
    if (access(path, F_OK) != 0) return raw;
    for (int p = 0; p < kr_g->f.n_procs; p++)
        if (kr_g->pr[p].pid == a) return raw;
    kr_g->unsafe = 1;               /* a stranger's pid: never signal it */
    return raw < 0 ? -KR_BOGUS_PID : KR_BOGUS_PID;
}

static long target_pid(const sc_target *t, int lvl)
{
    long pid;
    switch (t->kind) {
    case SC_T_PROC: return pnum(t->proc, lvl);
    case SC_T_THREAD: return tnum(t->thread, lvl);
    case SC_T_PGRP:
        pid = pnum(t->proc, lvl);
        if (pid == KR_BOGUS_PID) return -KR_BOGUS_PID;
        pid = syscall(SYS_getpgid, pid);
        return pid > 0 ? -pid : -KR_BOGUS_PID;
    case SC_T_ZERO: return 0;
    case SC_T_ALL: return -1;
    case SC_T_RAW: return raw_target(t->raw, lvl);
    default: return KR_BOGUS_PID;
    }
}

static long thread_tgid(int t, int lvl)
{
    if (t < 0 || t >= kr_g->f.n_threads) return KR_BOGUS_PID;
    return pnum(kr_g->f.threads[t].proc, lvl);
}

/* ---- sends ---- */

static void fill_info(siginfo_t *si, int sig, int code, long value)
{
    memset(si, 0, sizeof *si);
    si->si_signo = sig;
    si->si_code = code;
    si->si_pid = (pid_t)syscall(SYS_getpid);
    si->si_uid = (uid_t)syscall(SYS_getuid);
    si->si_value.sival_ptr = (void *)(intptr_t)value;
}

static long do_pidfd(const sc_action *a, int lvl)
{
    int thread = a->target.kind == SC_T_THREAD;
    long pid = target_pid(&a->target, lvl);
    unsigned flags = 0;
    int fd = (int)syscall(SYS_pidfd_open, pid, thread ? PIDFD_THREAD : 0);
    if (fd < 0) return -errno;
    if (a->scope == SC_SCOPE_THREAD) flags = 1;
    else if (a->scope == SC_SCOPE_GROUP) flags = 2;
    else if (a->scope == SC_SCOPE_PGRP) flags = 4;
    long r = kr_rs(syscall(SYS_pidfd_send_signal, fd, a->sig, NULL, flags));
    close(fd);
    return r;
}

static long do_send(const sc_action *a, int idx)
{
    int lvl = ns_level(idx);
    siginfo_t si;
    int code = a->has_code ? a->code : SI_QUEUE;
    switch (a->kind) {
    case SC_A_KILL: return kr_rs(syscall(SYS_kill, target_pid(&a->target, lvl), a->sig));
    case SC_A_TKILL: return kr_rs(syscall(SYS_tkill, tnum(a->target.thread, lvl), a->sig));
    case SC_A_TGKILL: case SC_A_PTHREAD_KILL: {
        long tg = a->kind == SC_A_TGKILL && a->tgid_proc >= 0 ? pnum(a->tgid_proc, lvl)
                                                                : thread_tgid(a->target.thread, lvl);
        return kr_rs(syscall(SYS_tgkill, tg, tnum(a->target.thread, lvl), a->sig));
    }
    case SC_A_RAISE:
        return kr_rs(syscall(SYS_tgkill, syscall(SYS_getpid), syscall(SYS_gettid), a->sig));
    case SC_A_SIGQUEUE: case SC_A_RT_SIGQUEUEINFO:
        fill_info(&si, a->sig, a->kind == SC_A_SIGQUEUE ? SI_QUEUE : code, a->value);
        return kr_rs(syscall(SYS_rt_sigqueueinfo, target_pid(&a->target, lvl), a->sig, &si));
    case SC_A_RT_TGSIGQUEUEINFO:
        fill_info(&si, a->sig, code, a->value);
        return kr_rs(syscall(SYS_rt_tgsigqueueinfo, thread_tgid(a->target.thread, lvl),
                             tnum(a->target.thread, lvl), a->sig, &si));
    case SC_A_PIDFD_SEND: return do_pidfd(a, lvl);
    default: return -ENOSYS;
    }
}

/* ---- the handler ---- */

static int fault_code_kind(int sig, int code)
{
    return code > 0 && (sig == SIGSEGV || sig == SIGFPE || sig == SIGILL || sig == SIGBUS
                        || sig == SIGTRAP);
}

static void skip_fault(void *ucv)
{
#if defined(__x86_64__)
    ucontext_t *uc = ucv;
    greg_t *ip = &uc->uc_mcontext.gregs[REG_RIP];
    if (*ip == (greg_t)tgsig_kr_segv_at) *ip = (greg_t)tgsig_kr_segv_end;
    else if (*ip == (greg_t)tgsig_kr_fpe_at) *ip = (greg_t)tgsig_kr_fpe_end;
    else if (*ip == (greg_t)tgsig_kr_ill_at) *ip = (greg_t)tgsig_kr_ill_end;
#else
    (void)ucv;
#endif
}

static void kr_handler(int sig, siginfo_t *si, void *uc);

/* Frames stacked under this handler's whose handlers have not started yet. When several
 * signals are delivered on one return to user space, the kernel sets up a frame for each, one
 * on top of the other, and the top one's handler runs first: the model counts those frames in
 * the handler depth (the frame depth), while tls_depth only counts handlers that started. On
 * x86_64 a frame is struct rt_sigframe { pretcode; ucontext; siginfo } at the handler's entry
 * sp, so the ucontext of the frame below is 8 bytes above the interrupted sp, and a frame
 * whose handler has not run yet has its interrupted ip at kr_handler's first instruction. */
static int unstarted_frames(void *ucv)
{
#if defined(__x86_64__)
    const ucontext_t *uc = ucv;
    int n = 0;
    while (uc && n < 64 && uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)kr_handler) {
        n++;
        uc = (const ucontext_t *)(uintptr_t)(uc->uc_mcontext.gregs[REG_RSP] + 8);
    }
    return n;
#else
    (void)ucv;
    return 0;
#endif
}

static void record_handler(int idx, int sig, siginfo_t *si, void *uc)
{
    uint64_t mask = 0;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    raw_mask(SIG_BLOCK, NULL, &mask, 8);
    obs_event *e = kr_emit(OBS_HANDLER, cur_step(), idx);
    if (!e) return;
    e->sig = sig;
    e->code = si->si_code;
    e->other = (si->si_pid == 0 || fault_code_kind(sig, si->si_code)) ? -1
             : kr_proc_of_pid(kr_g, ns_level(idx), si->si_pid);
    if (e->other < 0 && si->si_pid != 0 && !fault_code_kind(sig, si->si_code)) e->other = -2;
    /* si_value is only meaningful for the queued codes; for the others (SIGCHLD's si_status,
       a fault's si_addr, ...) the union holds something else: record 0 there. */
    e->value = si->si_code <= SI_QUEUE && si->si_code >= SI_ASYNCIO ? si->si_value.sival_int : 0;
    e->mask = mask;
    e->depth = tls_depth + unstarted_frames(uc);
    e->altstack = tls_ss_hi > tls_ss_lo && sp >= tls_ss_lo && sp < tls_ss_hi;
    kr_emit_done(e);
}

static void kr_handler(int sig, siginfo_t *si, void *uc)
{
    int saved = errno, idx = kr_tls_idx;
    if (idx < 0 || !kr_g) { errno = saved; return; }
    kr_slot *s = &kr_g->th[idx];
    tls_depth++;
    __atomic_store_n(&s->hdepth, tls_depth, __ATOMIC_SEQ_CST);
    if (tls_depth > 8) kr_set_error("handler nesting deeper than 8 in thread %d", idx);
    record_handler(idx, sig, si, uc);
    __atomic_add_fetch(&s->hcount, 1, __ATOMIC_SEQ_CST);
    const sc_action *a = sig > 0 && sig <= 64 ? g_body[sig] : NULL;
    for (int i = 0; a && i < a->body_len && tls_depth <= 8; i++)
        kr_do_action(&a->body[i], cur_step(), idx, uc);
    if (fault_code_kind(sig, si->si_code)) skip_fault(uc);
    tls_depth--;
    __atomic_store_n(&s->hdepth, tls_depth, __ATOMIC_SEQ_CST);
    errno = saved;
}

int kr_install_handler(const sc_action *a)
{
    struct ksigaction ka = { 0 }, old;
    int sig = a->sig;
    ka.flags = a->sa_flags | KR_RESTORER_FLAG;
    ka.restorer = KR_RESTORER;
    ka.mask = a->sa_mask;
    if (a->disp == SC_DISP_IGNORE) ka.handler = SIG_IGN;
    else if (a->disp == SC_DISP_DEFAULT) ka.handler = SIG_DFL;
    else { ka.handler = (void *)kr_handler; ka.flags |= SA_SIGINFO; }
    if (sig > 0 && sig <= 64 && a->disp == SC_DISP_HANDLER) g_body[sig] = a;
    int r = (int)kr_rs(syscall(SYS_rt_sigaction, sig, &ka, &old, a->size));
    if (r == 0 && sig > 0 && sig <= 64) g_act[sig] = a;
    return r;
}

/* glibc installs its own handler for its internal signals (32, 33) on the first
 * pthread_create: put back what the scenario set (default if nothing). */
void kr_fix_libc_signals(void)
{
    for (int sig = 32; sig <= 33; sig++) {
        struct ksigaction cur, ka = { SIG_DFL, KR_RESTORER_FLAG, KR_RESTORER, 0 };
        if (syscall(SYS_rt_sigaction, sig, NULL, &cur, 8) != 0) continue;
        if (cur.handler == SIG_DFL || cur.handler == SIG_IGN || cur.handler == (void *)kr_handler)
            continue;
        if (g_act[sig]) kr_install_handler(g_act[sig]);
        else syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
    }
}

void kr_reset_signals(void)
{
    struct ksigaction ka = { SIG_DFL, KR_RESTORER_FLAG, KR_RESTORER, 0 };
    uint64_t none = 0;
    stack_t ss = { .ss_flags = SS_DISABLE };
    for (int s = 1; s <= 64; s++) {
        g_body[s] = NULL;
        g_act[s] = NULL;
        if (s != SIGKILL && s != SIGSTOP) syscall(SYS_rt_sigaction, s, &ka, NULL, 8);
    }
    raw_mask(SIG_SETMASK, &none, NULL, 8);
    syscall(SYS_sigaltstack, &ss, NULL);
    tls_ss_lo = tls_ss_hi = 0;
}

/* Called in an exec'd image: undo handlers the runtime (e.g. ASan) installed at start-up,
 * keeping the ignored set the old image had, and drop any runtime alternate stack. */
void kr_exec_fixup(uint64_t ign)
{
    stack_t ss = { .ss_flags = SS_DISABLE };
    for (int s = 1; s <= 64; s++) {
        struct ksigaction cur, ka = { SIG_DFL, KR_RESTORER_FLAG, KR_RESTORER, 0 };
        if (s == SIGKILL || s == SIGSTOP) continue;
        if (syscall(SYS_rt_sigaction, s, NULL, &cur, 8) != 0) continue;
        if (cur.handler == SIG_DFL || cur.handler == SIG_IGN) continue;
        if (ign & (1ULL << (s - 1))) ka.handler = SIG_IGN;
        syscall(SYS_rt_sigaction, s, &ka, NULL, 8);
    }
    syscall(SYS_sigaltstack, &ss, NULL);
    tls_ss_lo = tls_ss_hi = 0;
}

uint64_t kr_ignored_set(void)
{
    uint64_t ign = 0;
    for (int s = 1; s <= 64; s++) {
        struct ksigaction cur;
        if (syscall(SYS_rt_sigaction, s, NULL, &cur, 8) == 0 && cur.handler == SIG_IGN)
            ign |= 1ULL << (s - 1);
    }
    return ign;
}

void kr_tls_reset(int idx)
{
    kr_tls_idx = idx;
    tls_depth = 0;
}

void kr_tls_noaltstack(void)
{
    stack_t ss = { .ss_flags = SS_DISABLE };
    syscall(SYS_sigaltstack, &ss, NULL);
    tls_ss_lo = tls_ss_hi = 0;
}

long kr_send(const sc_action *a, int idx)
{
    return do_send(a, idx);
}

long kr_altstack(const sc_action *a)
{
    stack_t ss = { .ss_flags = SS_DISABLE };
    void *p = NULL;
    if (!a->ss_disable) {
        size_t n = a->ss_size > 0 ? (size_t)a->ss_size : 1;
        p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return -errno;
        ss.ss_sp = p;
        ss.ss_size = (size_t)a->ss_size;
        ss.ss_flags = a->ss_autodisarm ? (int)SS_AUTODISARM : 0;
    }
    long r = kr_rs(syscall(SYS_sigaltstack, &ss, NULL));
    if (r == 0) {
        tls_ss_lo = (uintptr_t)p;
        tls_ss_hi = p ? (uintptr_t)p + (size_t)a->ss_size : 0;
    } else if (p) {
        munmap(p, (size_t)(a->ss_size > 0 ? a->ss_size : 1));
    }
    return r;
}

long kr_fault(int sig)
{
#if defined(__x86_64__)
    switch (sig) {
    case SIGSEGV: tgsig_kr_segv(); return 0;
    case SIGFPE: tgsig_kr_fpe(); return 0;
    case SIGILL: tgsig_kr_ill(); return 0;
    case SIGTRAP: tgsig_kr_trap(); return 0;
    default: return -EINVAL;
    }
#else
    (void)sig;
    return -ENOSYS;
#endif
}

long kr_mask_action(const sc_action *a, void *uc)
{
    uint64_t set = a->set;
    switch (a->kind) {
    case SC_A_SIGPROCMASK: return raw_mask(a->how, &set, NULL, a->size);
    case SC_A_BLOCK: return raw_mask(SIG_BLOCK, &set, NULL, 8);
    case SC_A_UNBLOCK: return raw_mask(SIG_UNBLOCK, &set, NULL, 8);
    case SC_A_SAVEDMASK_ADD: case SC_A_SAVEDMASK_DEL:
        if (!uc) return -EINVAL;
        {
            uint64_t *m = (uint64_t *)&((ucontext_t *)uc)->uc_sigmask;
            if (a->kind == SC_A_SAVEDMASK_ADD) *m |= set; else *m &= ~set;
        }
        return 0;
    default: return -ENOSYS;
    }
}

int kr_tls_depth(void) { return tls_depth; }

long kr_target_num(const sc_target *t, int lvl)
{
    return target_pid(t, lvl);
}
