/* test_world.c - world creation, pid allocation, memory hooks, credentials (core-B). */
#include "t.h"
#include "host.h"
#include "core/procpath.h"
#include <errno.h>

static struct task *T(th_host *h, tgs_pid p) { return find_task_by_pid(h->w, p); }

TEST(world_has_global_init)
{
    th_host *h = th_new(NULL);
    CHECK_EQ(tgs_init_pid(h->w), 1);
    tgs_task_info i = th_info(h, 1);
    CHECK_EQ(i.tid, 1);
    CHECK_EQ(i.tgid, 1);
    CHECK_EQ(i.ppid, 0);
    CHECK_EQ(i.nr_threads, 1);
    CHECK(i.signal_flags & SIGNAL_UNKILLABLE);
    CHECK_EQ(i.blocked, 0);
    CHECK_EQ(i.caught | i.ignored, 0);
    CHECK_EQ(tgs_next_task(h->w, 0), 1);
    CHECK_EQ(tgs_next_task(h->w, 1), 0);
    th_free(h);
}

TEST(version_string)
{
    CHECK_STR(tgs_version(), "0.1.0 (linux 6.x model)");
}

TEST(world_defaults_without_config_or_ops)
{
    tgs_world *w = tgs_world_new(NULL, NULL);
    CHECK(w != NULL);
    CHECK_EQ(w->pid_max, 32768);
    CHECK_EQ(w->cfg.rlimit_sigpending, 1024);
    CHECK(tgs_mem_in_use(w) > 0);
    CHECK_EQ(tgs_check(w, NULL, 0), 0);
    tgs_pid c = 0;
    CHECK_EQ(tgs_fork(w, 1, &c), 2);
    CHECK_EQ(c, 2);
    tgs_world_free(w);
}

TEST(pids_ascend_from_two)
{
    th_host *h = th_new(NULL);
    CHECK_EQ(th_fork(h, 1), 2);
    CHECK_EQ(th_fork(h, 1), 3);
    tgs_pid a = th_fork(h, 2);
    CHECK_EQ(a, 4);
    CHECK_EQ(th_thread(h, a), 5);
    th_free(h);
}

TEST(pid_allocator_wraps_and_exhausts)
{
    tgs_config c = { .rlimit_sigpending = 1024, .max_tasks = 6 };
    th_host *h = th_new(&c);
    tgs_pid p[5];
    for (int i = 0; i < 5; i++) p[i] = th_fork(h, 1);
    CHECK_EQ(p[0], 2);
    CHECK_EQ(p[4], 6);
    tgs_pid x = 0;
    CHECK_EQ(tgs_fork(h->w, 1, &x), -EAGAIN);
    th_sys(h, 1, -EAGAIN);
    /* reap pid 3: the next pid wraps around to it */
    th_sys(h, 3, tgs_exit(h->w, 3, 0));
    int st = 0;
    CHECK_EQ(th_sys(h, 1, tgs_wait4(h->w, 1, 3, &st, 0)), 3);
    CHECK_EQ(th_fork(h, 1), 3);
    th_free(h);
}

TEST(pid_wrap_floor_is_reserved_pids)
{
    tgs_config c = { .rlimit_sigpending = 1024, .max_tasks = 400 };
    th_host *h = th_new(&c);
    h->w->last_pid = 398;                         /* as if many pids had been used */
    CHECK_EQ(th_fork(h, 1), 399);
    CHECK_EQ(th_fork(h, 1), 400);
    CHECK_EQ(th_fork(h, 1), 300);                 /* wraps to RESERVED_PIDS, not to 2 */
    th_free(h);
}

TEST(zombie_keeps_pid_until_reaped)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_exit(h->w, a, 7));
    CHECK(T(h, a) != NULL);
    CHECK_EQ(th_info(h, a).state, TGS_TASK_ZOMBIE);
    h->w->last_pid = 1;
    CHECK_EQ(th_fork(h, 1), 3);                   /* 2 is still taken by the zombie */
    int st;
    CHECK_EQ(th_sys(h, 1, tgs_wait4(h->w, 1, a, &st, 0)), a);
    CHECK(T(h, a) == NULL);
    th_free(h);
}

TEST(mem_returns_to_baseline_after_reap)
{
    th_host *h = th_new(NULL);
    th_sys(h, 1, tgs_getpgid(h->w, 1) == 1 ? 0 : -1);
    size_t base = tgs_mem_in_use(h->w);
    tgs_pid a = th_proc(h, 1, 4, NULL);
    CHECK(tgs_mem_in_use(h->w) > base);
    th_sys(h, a, tgs_exit_group(h->w, a, 0));
    int st;
    CHECK_EQ(th_sys(h, 1, tgs_wait4(h->w, 1, a, &st, 0)), a);
    th_sys(h, 1, tgs_setpgid(h->w, 1, 0, 0));    /* any syscall: a scheduling point */
    CHECK_EQ(tgs_mem_in_use(h->w), base);
    CHECK_EQ(h->bytes, (long)tgs_mem_in_use(h->w));
    th_free(h);
}

TEST(alloc_fail_at_fork_leaves_state_intact)
{
    for (int n = 1; n <= 4; n++) {
        th_host *h = th_new(NULL);
        tgs_pid a = th_fork(h, 1);
        size_t mem = tgs_mem_in_use(h->w);
        int tasks = h->w->nr_tasks;
        h->w->alloc_fail_at = (int)h->w->alloc_count + n;
        tgs_pid c = 0;
        int rc = tgs_fork(h->w, a, &c);
        th_sys(h, a, rc);
        if (rc < 0) {
            CHECK_EQ(rc, -ENOMEM);
            CHECK_EQ(h->w->nr_tasks, tasks);
            CHECK_EQ(tgs_mem_in_use(h->w), mem);
            CHECK(T(h, a)->children == NULL);
        }
        h->w->alloc_fail_at = 0;
        CHECK(th_fork(h, a) > 0);
        th_free(h);
    }
}

TEST(host_alloc_failure_is_enomem)
{
    th_host *h = th_new(NULL);
    h->fail_at = 1;
    tgs_pid c = 0;
    CHECK_EQ(th_sys(h, 1, tgs_fork(h->w, 1, &c)), -ENOMEM);
    CHECK_EQ(c, 0);
    CHECK_EQ(tgs_next_task(h->w, 1), 0);
    CHECK_EQ(th_fork(h, 1), 2);
    th_free(h);
}

TEST(alloc_fail_at_world_new_is_null_not_leak)
{
    for (long n = 1; n <= 5; n++) {
        th_host *h = th_new(NULL);
        long before = h->bytes;
        h->fail_at = n;
        tgs_world *w = tgs_world_new(&h->ops, NULL);
        if (w) tgs_world_free(w);
        CHECK_EQ(h->bytes, before);
        h->fail_at = 0;
        th_free(h);
    }
}

TEST(set_cred_and_rlimit)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_proc(h, 1, 2, NULL);
    tgs_cred c = { .uid = 1000, .euid = 1001, .suid = 1002, .cap_kill = 0 };
    CHECK_EQ(tgs_set_cred(h->w, a, &c), 0);
    CHECK_EQ(T(h, a + 1)->signal->uid, 1000);
    CHECK_EQ(T(h, a)->signal->suid, 1002);
    CHECK_EQ(tgs_set_cred(h->w, 999, &c), -ESRCH);
    CHECK_EQ(tgs_set_rlimit_sigpending(h->w, a, 3), 0);
    CHECK_EQ(T(h, a)->signal->rlim_sigpending, 3);
    CHECK_EQ(tgs_set_rlimit_sigpending(h->w, a, -1), -EINVAL);
    CHECK_EQ(tgs_set_rlimit_sigpending(h->w, 77, 3), -ESRCH);
    tgs_pid k = th_fork(h, a);                    /* inherited by fork */
    CHECK_EQ(T(h, k)->signal->rlim_sigpending, 3);
    CHECK_EQ(T(h, k)->signal->euid, 1001);
    th_free(h);
}

TEST(find_task_bounds)
{
    th_host *h = th_new(NULL);
    CHECK(find_task_by_pid(h->w, 0) == NULL);
    CHECK(find_task_by_pid(h->w, -5) == NULL);
    CHECK(find_task_by_pid(h->w, h->w->pid_max + 1) == NULL);
    CHECK(find_task_by_pid(h->w, 1) == h->w->init);
    th_free(h);
}

TEST(syscalls_on_dead_or_missing_tasks)
{
    th_host *h = th_new(NULL);
    tgs_pid c = 0;
    CHECK_EQ(tgs_fork(h->w, 42, &c), -ESRCH);
    tgs_pid a = th_fork(h, 1);
    th_sys(h, a, tgs_exit(h->w, a, 1));
    CHECK_EQ(tgs_fork(h->w, a, &c), -ESRCH);
    CHECK_EQ(tgs_exit(h->w, a, 0), -ESRCH);
    CHECK_EQ(tgs_exec(h->w, a), -ESRCH);
    int st;
    CHECK_EQ(tgs_wait4(h->w, a, -1, &st, 0), -ESRCH);
    th_free(h);
}

TEST(sleeping_task_syscall_is_ebusy)
{
    th_host *h = th_new(NULL);
    tgs_pid a = th_fork(h, 1);
    th_fork(h, a);
    int st;
    CHECK_EQ(th_sys(h, a, tgs_wait4(h->w, a, -1, &st, 0)), TGS_ASLEEP);
    tgs_pid c = 0;
    CHECK_EQ(tgs_fork(h->w, a, &c), -EBUSY);
    th_free(h);
}

/* A deterministic pseudo-random soak of the process path: forks, threads, exits, group exits,
 * execs, stops, continues, kills and waits; invariants are checked after every step (th_sys),
 * and ASan/LSan check the memory. */
static uint32_t lcg(uint32_t *s) { *s = *s * 1103515245u + 12345u; return (*s >> 8) & 0xffffff; }
static tgs_pid pick_live(th_host *h, uint32_t *seed)
{
    tgs_pid c[1024];
    int n = 0;
    for (tgs_pid p = tgs_next_task(h->w, 1); p && n < 1024; p = tgs_next_task(h->w, p)) {
        if (T(h, p)->state == TASK_STOPPED && lcg(seed) % 4 == 0)
            tgs_send_kernel(h->w, p, SIGCONT, TGS_KSEND_TGID);
        struct task *t = T(h, p);
        if (t && !t->exit_state && !(t->flags & PF_EXITING) && !(t->flags & PF_KTHREAD) &&
            t->state != TASK_STOPPED && !t->sc.asleep)
            c[n++] = p;
    }
    return n ? c[lcg(seed) % (unsigned)n] : 0;
}
static void soak_step(th_host *h, uint32_t *seed)
{
    /* out-pointers of calls that may sleep must outlive the call: one slot per tid */
    static int st_slot[TH_MAXT];
    static tgs_pid c_slot[TH_MAXT];
    tgs_pid a = pick_live(h, seed), b = pick_live(h, seed);
    int st;
    if (h->w->nr_tasks < 12 || lcg(seed) % 8 == 0) {   /* init keeps the population going */
        th_sys(h, 1, tgs_wait4(h->w, 1, -1, &st, TGS_WNOHANG | TGS_WALL));
        th_sys(h, 1, tgs_fork(h->w, 1, &c_slot[1]));
        return;
    }
    if (!a) return;
    if (lcg(seed) % 16 == 0) h->w->alloc_fail_at = (int)h->w->alloc_count + 1 + (int)(lcg(seed) % 3);
    switch (lcg(seed) % 17) {
    case 12: th_sys(h, a, tgs_wait4(h->w, a, -1, &st_slot[a], TGS_WALL)); break;
    case 13: if (b) th_sys(h, a, tgs_tkill(h->w, a, b, SIGTSTP)); break;
    case 14: th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_VFORK, SIGCHLD, &c_slot[a])); break;
    case 15: th_sys(h, a, tgs_pause(h->w, a)); break;
    case 16: th_sys(h, a, tgs_setsid(h->w, a)); break;
    case 0: case 1: th_sys(h, a, tgs_fork(h->w, a, &c_slot[a])); break;
    case 2: th_sys(h, a, tgs_clone(h->w, a, TGS_CLONE_THREAD, -1, &c_slot[a])); break;
    case 3: th_sys(h, a, tgs_exit(h->w, a, (int)(lcg(seed) & 7))); break;
    case 4: th_sys(h, a, tgs_exit_group(h->w, a, 1)); break;
    case 5: th_sys(h, a, tgs_exec(h->w, a)); break;
    case 6: if (b) th_sys(h, a, tgs_kill(h->w, a, b, SIGSTOP)); break;
    case 7: if (b) th_sys(h, a, tgs_kill(h->w, a, b, SIGCONT)); break;
    case 8: if (b) th_sys(h, a, tgs_kill(h->w, a, b, (lcg(seed) & 1) ? SIGKILL : SIGTERM)); break;
    case 9: th_sys(h, a, tgs_wait4(h->w, a, -1, &st, TGS_WNOHANG | TGS_WUNTRACED | TGS_WCONTINUED)); break;
    case 10: th_sys(h, a, tgs_setpgid(h->w, a, 0, 0)); break;
    default: th_sys(h, a, tgs_prctl_set_child_subreaper(h->w, a, 1)); break;
    }
}

TEST(soak_process_path_keeps_invariants)
{
    for (uint32_t round = 1; round <= 30; round++) {
        tgs_config cf = { .rlimit_sigpending = 1024, .max_tasks = 200 };
        th_host *h = th_new(&cf);
        uint32_t seed = round * 7919u;
        th_fork(h, 1);
        for (int i = 0; i < 1500 && !h->broken; i++) soak_step(h, &seed);
        h->w->alloc_fail_at = 0;
        /* every process still alive dies, init's zombies are reaped by a waiter in init's place */
        for (tgs_pid p = tgs_next_task(h->w, 1); p; p = tgs_next_task(h->w, p)) {
            struct task *t = T(h, p);
            if (t && !t->exit_state && t->group_leader == t) tgs_send_kernel(h->w, p, SIGKILL, TGS_KSEND_TGID);
        }
        th_run_until_quiet(h);
        CHECK(!h->broken);
        th_free(h);
    }
}

T_MAIN()
