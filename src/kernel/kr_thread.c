/* kr_thread.c - scenario processes and threads on the real kernel: creation (fork, pthreads,
 * a new pid namespace for `init`), process attributes, registration in shared memory, the
 * per-thread interpreter loop, and re-attachment after exec. */
#include "kr_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static int cur_step(void) { return __atomic_load_n(&kr_g->cur_step, __ATOMIC_SEQ_CST); }

static void fill_ids(int idx, int proc)
{
    kr_slot *s = &kr_g->th[idx];
    int tid = 0, tgid = 0, nt[KR_MAXLVL] = { 0 }, ng[KR_MAXLVL] = { 0 }, n = 1;
    if (kr_self_ids(&tid, &tgid, nt, ng, &n) < 0) {
        tid = (int)syscall(SYS_gettid);
        tgid = (int)syscall(SYS_getpid);
        nt[0] = tid; ng[0] = tgid;
    }
    int base = kr_g->sup_nslevels > 0 ? kr_g->sup_nslevels - 1 : 0;
    s->level = n - 1 - base < 0 ? 0 : n - 1 - base;
    for (int l = 0; l <= s->level && base + l < KR_MAXLVL; l++) {
        s->ns_tid[l] = nt[base + l];
        s->ns_tgid[l] = ng[base + l];
    }
    __atomic_store_n(&s->tid, tid, __ATOMIC_SEQ_CST);   /* before kr_register leaves KP_EXEC */
    if (!s->orig_tid) s->orig_tid = tid;
    if (tid == tgid && !kr_g->pr[proc].pid) {
        unsigned long long st = 0;
        kr_stat_field(tgid, 0, 22, &st);
        kr_g->pr[proc].start = st;
        kr_g->pr[proc].pid = tgid;
    }
}

void kr_register(int idx, int proc)
{
    kr_slot *s = &kr_g->th[idx];
    fill_ids(idx, proc);
    __atomic_store_n(&s->phase, KP_IDLE, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->registered, 1, __ATOMIC_SEQ_CST);
}

static void run_step(int idx, int step)
{
    const sc_step *st = &kr_g->f.steps[step];
    long r = kr_do_action(&st->act, step, idx, NULL);
    if (st->act.kind == SC_A_SPIN) return;     /* no syscall, no result (as in the model) */
    obs_event *e = kr_emit(OBS_RESULT, cur_step(), idx);
    if (!e) return;
    if (r < 0) e->err = (int)-r; else e->value = r;
    e->other = kr_tls_other;
    (void)step;
    kr_emit_done(e);
}

void kr_thread_loop(int idx)
{
    kr_slot *s = &kr_g->th[idx];
    for (;;) {
        unsigned seq = __atomic_load_n(&s->cmd_seq, __ATOMIC_SEQ_CST);
        if (seq == __atomic_load_n(&s->ack_seq, __ATOMIC_SEQ_CST)) {
            kr_futex_wait(&s->cmd_seq, seq, -1);
            continue;
        }
        int kind = s->cmd_kind, step = s->cmd_step, arg = s->cmd_arg;
        __atomic_store_n(&s->phase, KP_RUN, __ATOMIC_SEQ_CST);
        __atomic_store_n(&s->ack_seq, seq, __ATOMIC_SEQ_CST);
        if (kind == KC_FORKWORLD) kr_world_fork(arg);
        else if (kind == KC_FINISHWORLD) kr_finish_world(arg);
        else if (kind == KC_STEP) run_step(idx, step);
        __atomic_store_n(&s->phase, KP_IDLE, __ATOMIC_SEQ_CST);
    }
}

static void *thread_main(void *arg)
{
    int idx = (int)(intptr_t)arg;
    kr_tls_reset(idx);
    kr_tls_noaltstack();
    kr_register(idx, kr_g->f.threads[idx].proc);
    kr_thread_loop(idx);
}

static int wait_registered(int t, long long ms)
{
    long long end = kr_now_ns() + ms * 1000000LL;
    while (!__atomic_load_n(&kr_g->th[t].registered, __ATOMIC_SEQ_CST)) {
        if (kr_now_ns() > end) return -1;
        kr_sleep_us(100);
    }
    return 0;
}

int kr_start_thread(int idx)
{
    pthread_t th;
    pthread_attr_t at;
    if (idx < 0 || idx >= kr_g->f.n_threads) return -1;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&th, &at, thread_main, (void *)(intptr_t)idx);
    pthread_attr_destroy(&at);
    if (r != 0) return -1;
    kr_fix_libc_signals();
    return wait_registered(idx, 2000);
}

static void drop_cap_kill(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0);
    if (syscall(SYS_capget, &h, d) != 0) return;
    d[0].effective &= ~(1u << CAP_KILL);
    d[0].permitted &= ~(1u << CAP_KILL);
    d[0].inheritable &= ~(1u << CAP_KILL);
    syscall(SYS_capset, &h, d);
}

static void set_group(const sc_proc *pp)
{
    if (pp->new_session) { syscall(SYS_setsid); return; }
    if (pp->pgrp_of == (int)(pp - kr_g->f.procs)) {    /* pgrp= itself: a group of its own */
        syscall(SYS_setpgid, 0, 0);
        return;
    }
    if (pp->pgrp_of >= 0) {
        sc_target t = { .kind = SC_T_PROC, .proc = pp->pgrp_of };
        long pid = kr_target_num(&t, kr_g->th[pp->first_thread].level);
        syscall(SYS_setpgid, 0, syscall(SYS_getpgid, pid));
        return;
    }
    if (pp->parent >= 0 || pp->created_by_step >= 0) return;
    if (!kr_g->top_pgid) {
        syscall(SYS_setpgid, 0, 0);
        kr_g->top_pgid = (int)syscall(SYS_getpid);
    } else {
        syscall(SYS_setpgid, 0, kr_g->top_pgid);
    }
}

static void set_limits(const sc_proc *pp)
{
    set_group(pp);
    if (pp->sigpending >= 0) {
        struct rlimit rl;
        getrlimit(RLIMIT_SIGPENDING, &rl);
        rl.rlim_cur = (rlim_t)pp->sigpending;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_max = rl.rlim_cur;
        setrlimit(RLIMIT_SIGPENDING, &rl);
    }
}

/* Credentials and what a credential change would reset (pdeathsig), then the threads. Run by
 * the leader of a world process after every world process exists, so that parents still had
 * the privilege to fork children with other uids. */
void kr_finish_world(int p)
{
    const sc_proc *pp = &kr_g->f.procs[p];
    int t0 = pp->first_thread;
    if (!pp->cap_kill && pp->uid == 0 && pp->euid == 0) drop_cap_kill();
    if (pp->uid || pp->euid || pp->suid) syscall(SYS_setresuid, pp->uid, pp->euid, pp->suid);
    if (pp->pdeathsig) prctl(PR_SET_PDEATHSIG, pp->pdeathsig, 0, 0, 0);
    if (pp->subreaper) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    for (int i = 0; i < kr_g->f.n_threads; i++) {
        const sc_thread *th = &kr_g->f.threads[i];
        if (i != t0 && th->proc == p && th->created_by_step < 0 && kr_start_thread(i) < 0)
            kr_set_error("could not create thread %s", th->name);
    }
}

void kr_child_start(int p, int world)
{
    const sc_proc *pp = &kr_g->f.procs[p];
    int t = pp->first_thread;
    kr_tls_reset(t);
    if (world && kr_g->trace_fd >= 0) close(kr_g->trace_fd);   /* the supervisor's */
    if (world) kr_reset_signals();
    fill_ids(t, p);
    set_limits(pp);
    if (!world && pp->pdeathsig) prctl(PR_SET_PDEATHSIG, pp->pdeathsig, 0, 0, 0);
    if (!world && pp->subreaper) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    kr_register(t, p);
    kr_thread_loop(t);
}

static int enter_new_pidns(void)
{
    int fd = open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (unshare(CLONE_NEWPID) != 0) {
        kr_set_error("skip: init needs a new pid namespace: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void kr_world_fork(int p)
{
    const sc_proc *pp = &kr_g->f.procs[p];
    int nsfd = -1;
    if (pp->is_init && (nsfd = enter_new_pidns()) < 0) return;
    pid_t r = fork();
    if (r == 0) kr_child_start(p, 1);
    if (nsfd >= 0) {
        setns(nsfd, CLONE_NEWPID);
        close(nsfd);
    }
    if (r < 0) { kr_set_error("fork of %s failed: %s", pp->name, strerror(errno)); return; }
    if (wait_registered(pp->first_thread, 3000) < 0)
        kr_set_error("process %s did not start", pp->name);
}

/* ---- re-attachment in an exec'd image ---- */

static void exec_attach(int fd, void *addr, int idx, uint64_t ign)
{
    kr_shm *h = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (h == MAP_FAILED) syscall(SYS_exit_group, 127);
    size_t size = h->size;
    munmap(h, 4096);
    void *p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (p != addr) syscall(SYS_exit_group, 127);
    kr_g = p;
    kr_exec_fixup(ign);
    kr_tls_reset(idx);
    int proc = kr_g->f.threads[idx].proc;
    for (int t = 0; t < kr_g->f.n_threads; t++)
        if (t != idx && kr_g->f.threads[t].proc == proc && kr_g->th[t].registered)
            __atomic_store_n(&kr_g->th[t].gone, 1, __ATOMIC_SEQ_CST);
    kr_register(idx, proc);
    obs_event *e = kr_emit(OBS_RESULT, cur_step(), idx);
    kr_emit_done(e);
    kr_thread_loop(idx);
}

__attribute__((constructor)) static void kr_exec_ctor(int argc, char **argv)
{
    if (argc < 5 || !argv || !argv[0] || strcmp(argv[0], KR_EXEC_ARGV0) != 0) return;
    int fd = atoi(argv[1]);
    void *addr = (void *)(uintptr_t)strtoull(argv[2], NULL, 16);
    int idx = atoi(argv[3]);
    uint64_t ign = strtoull(argv[4], NULL, 16);
    exec_attach(fd, addr, idx, ign);
}
