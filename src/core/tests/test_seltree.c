/* test_seltree.c - complete_signal's thread choice through the seltree (src/core/seltree.c)
 * against the kernel's plain scan (select_thread_linear, src/core/select.c).
 *
 * The differential tests drive a thread group at random (sigprocmask, clone, exit of any thread
 * including the leader, stop / continue, pause, sends settled and not settled so threads keep
 * TIF_SIGPENDING, CPU changes through the host's on_cpu answer, exec from a non-leader: the leader
 * swap) and after every step ask both, for each signal whose answer can differ: the same thread. The host
 * runs tgs_check after every call, which includes seltree_check (positions in list order, leaves
 * equal to the threads' refusal masks, nodes the AND of their children). */
#include <errno.h>
#include "host.h"
#include "core/internal.h"
#include "core/seltree.h"

T_MAIN()

#define MAXTH 1100

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The signals the group handles (and blocks at random). */
static const int handled[] = { SIGUSR1, SIGUSR2, SIGTERM, 40, 41 };
#define NHANDLED ((int)(sizeof handled / sizeof handled[0]))

struct world {
    th_host *h;
    tgs_pid shell, app;
    uint64_t seed;
    long compares, candidates;
    int max_threads, execs;
    unsigned exec_one_in;                        /* exec on 1 of exec_one_in draws of 1% */
};

static struct task *group_of(struct world *x)
{
    struct task *p = find_task_by_pid((struct tgs_world *)x->h->w, x->app);
    return p && p->signal ? p : NULL;
}

/* The threads of the app in list order (n returned). */
static int threads(struct world *x, struct task **out)
{
    struct task *p = group_of(x);
    int n = 0;
    if (!p) return 0;
    for_each_thread(p->signal, t) if (n < MAXTH) out[n++] = t;
    return n;
}

/* Every signal: the tree's choice is the linear scan's. */
static void compare(struct world *x, const char *after)
{
    struct task *p = group_of(x);
    if (!p) return;
    /* masks vary only on the handled signals: those, SIGKILL, SIGSTOP, and stand-ins for the rest */
    static const int sigs[] = { SIGHUP, SIGKILL, SIGUSR1, SIGUSR2, SIGTERM, SIGSTOP, 40, 41, 64 };
    for (int i = 0; i < (int)(sizeof sigs / sizeof sigs[0]); i++) {
        int sig = sigs[i];
        struct task *a = seltree_select(sig, p), *b = select_thread_linear(sig, p);
        x->compares++;
        if (a) x->candidates++;
        if (a != b) {
            printf("  after %s, sig %d: seltree chose %d, the linear scan %d\n", after, sig,
                   a ? a->pid : 0, b ? b->pid : 0);
            t_fail_now = 1;
            return;
        }
    }
}

static void install_handlers(struct world *x, tgs_pid tid)
{
    for (int i = 0; i < NHANDLED; i++) th_handler(x->h, tid, handled[i], TH_H, 0, 0);
}

static void world_new(struct world *x, uint64_t seed, int nthreads)
{
    memset(x, 0, sizeof *x);
    x->seed = seed;
    x->h = th_new(NULL);
    x->shell = th_fork(x->h, 1);
    x->app = th_fork(x->h, x->shell);
    install_handlers(x, x->app);
    for (int i = 1; i < nthreads; i++) th_thread(x->h, x->app);
}

/* A random thread of the app that can make a syscall (not stopped, asleep or exiting). */
static struct task *pick_runnable(struct world *x)
{
    static struct task *all[MAXTH];
    int n = threads(x, all), k = 0;
    for (int i = 0; i < n; i++)
        if (!all[i]->exit_state && !(all[i]->flags & PF_EXITING) && all[i]->state == TASK_RUNNING &&
            !all[i]->sc.asleep)
            all[k++] = all[i];
    return k ? all[rng(&x->seed) % (uint64_t)k] : NULL;
}

static struct task *pick_any(struct world *x)
{
    static struct task *all[MAXTH];
    int n = threads(x, all);
    return n ? all[rng(&x->seed) % (uint64_t)n] : NULL;
}

static tgs_sigset random_mask(struct world *x)
{
    tgs_sigset m = 0;
    for (int i = 0; i < NHANDLED; i++)
        if (rng(&x->seed) % 4) m |= TGS_SIGMASK(handled[i]);
    return m;
}

static const char *step_group(struct world *x, int n, struct task *t, struct task *any);

/* One random operation; grow: the phase favours clone over exit. Returns its name. */
static const char *step(struct world *x, int grow)
{
    th_host *h = x->h;
    tgs_world *w = h->w;
    struct task *t = pick_runnable(x), *any = pick_any(x);
    int n = (int)(rng(&x->seed) % 100);
    if (n < 25 && t) {
        tgs_sigset m = random_mask(x);
        th_sys(h, t->pid, tgs_sigprocmask(w, t->pid, TGS_SIG_SETMASK, &m, NULL, 8));
        return "sigprocmask";
    }
    int clone_end = grow ? 50 : 30;              /* clone 25% / exit 5% growing, the reverse shrinking */
    if (n < clone_end && t && any && group_of(x)->signal->nr_threads < 700) {
        tgs_pid c = 0;
        th_sys(h, t->pid, tgs_clone(w, t->pid, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c));
        return "clone";
    }
    if (n < 55 && t && group_of(x)->signal->live > 2 && (t->pid != x->app || n % 7 == 0)) {
        th_sys(h, t->pid, tgs_exit(w, t->pid, 0));
        return "exit";
    }
    return step_group(x, n, t, any);
}

/* The rest of step: sends, CPUs, sleeps, stop / continue, exec, settling. */
static const char *step_group(struct world *x, int n, struct task *t, struct task *any)
{
    th_host *h = x->h;
    tgs_world *w = h->w;
    int sig = handled[rng(&x->seed) % NHANDLED];
    if (n < 68) {
        th_sys(h, x->shell, tgs_kill(w, x->shell, x->app, sig));
        return "kill (settled)";
    }
    if (n < 76) {                                /* not settled: the chosen thread keeps TIF_SIGPENDING */
        th_call(h, tgs_kill(w, x->shell, x->app, sig));
        return "kill (not settled)";
    }
    if (n < 82 && any) {
        if (any->pid < TH_MAXT) h->on_cpu[any->pid] ^= 1;
        return "on_cpu";
    }
    if (n < 87 && t) {
        th_sys(h, t->pid, tgs_pause(w, t->pid));
        return "pause";
    }
    if (n < 91) {
        th_sys(h, x->shell, tgs_kill(w, x->shell, x->app, SIGSTOP));
        return "SIGSTOP";
    }
    if (n < 97) {
        th_sys(h, x->shell, tgs_kill(w, x->shell, x->app, SIGCONT));
        return "SIGCONT";
    }
    if (t && t->pid != x->app && n == 99 && rng(&x->seed) % x->exec_one_in == 0) {   /* exec from a non-leader */
        tgs_pid self = t->pid;
        th_sys(h, self, tgs_exec(w, self));
        if (group_of(x) && th_alive(h, x->app)) install_handlers(x, x->app);
        x->execs++;
        return "exec";
    }
    th_sys(h, x->shell, 0);                      /* settle whatever is runnable */
    return "settle";
}

static void run_random(uint64_t seed, int nthreads, int steps, unsigned exec_one_in)
{
    struct world x;
    world_new(&x, seed, nthreads);
    x.exec_one_in = exec_one_in;
    compare(&x, "setup");
    for (int s = 0; s < steps && !t_fail_now && group_of(&x); s++) {
        if (s % 256 == 0) th_clear_log(x.h);
        const char *what = step(&x, (s / 1500) % 2 == 0);
        compare(&x, what);
        if (group_of(&x) && group_of(&x)->signal->nr_threads > x.max_threads)
            x.max_threads = group_of(&x)->signal->nr_threads;
    }
    CHECK(x.compares > 0);
    printf("  seed %llx: %ld comparisons (%ld found a thread), %d execs, %d threads at most, %d at the end\n",
           (unsigned long long)seed, x.compares, x.candidates, x.execs, x.max_threads,
           group_of(&x) ? group_of(&x)->signal->nr_threads : 0);
    th_free(x.h);
}

TEST(random_small_groups_agree)
{
    for (uint64_t seed = 1; seed <= 6; seed++) run_random(seed * 0x9e3779b97f4a7c15ull, 3, 1500, 2);
}

/* Grows to hundreds of threads then shrinks: doubling, compaction in place, shrinking. */
TEST(random_large_group_agrees_through_grow_and_shrink)
{
    run_random(0x243f6a8885a308d3ull, 40, 6000, 64);
}

/* Deterministic churn: 600 threads, most exit in random order (the tree shrinks), more come
 * (compaction in place, doubling), the survivors keep their list order. */
TEST(churn_grow_shrink_compact)
{
    struct world x;
    world_new(&x, 7, 1);
    x.exec_one_in = 1;
    static const int target[] = { 600, 40, 300, 10, 200, 3, 100 };
    for (int phase = 0; phase < 7 && !t_fail_now; phase++) {
        for (int guard = 0; guard < 2000 && !t_fail_now; guard++) {
            int n = group_of(&x)->signal->nr_threads;
            if (n == target[phase]) break;
            struct task *t = pick_runnable(&x);
            if (!t) break;
            if (n < target[phase]) {
                th_thread(x.h, t->pid);
            } else {
                while (t->pid == x.app) t = pick_runnable(&x);
                th_sys(x.h, t->pid, tgs_exit(x.h->w, t->pid, 0));
            }
            compare(&x, n < target[phase] ? "clone" : "exit");
        }
        CHECK_EQ(group_of(&x)->signal->nr_threads, target[phase]);
    }
    th_free(x.h);
}

/* The kernel's choices, spelled out: curr_target first, then list order, wrapping; a thread
 * with TIF_SIGPENDING is skipped unless on a CPU; curr_target follows the choice. */
TEST(sticky_choice_with_sigpending_and_cpu)
{
    struct world x;
    world_new(&x, 1, 8);
    th_host *h = x.h;
    struct task *all[MAXTH];
    CHECK_EQ(threads(&x, all), 8);
    tgs_sigset m = TGS_SIGMASK(SIGUSR1) | TGS_SIGMASK(SIGUSR2) | TGS_SIGMASK(SIGTERM);
    for (int i = 0; i < 8; i++)
        if (i != 2 && i != 5) th_sys(h, all[i]->pid, tgs_sigprocmask(h->w, all[i]->pid, TGS_SIG_SETMASK, &m, NULL, 8));
    struct signal_struct *s = all[0]->signal;
    s->curr_target = all[3];
    th_call(h, tgs_kill(h->w, x.shell, x.app, SIGUSR1));     /* from 3: 5 */
    CHECK(s->curr_target == all[5]);
    compare(&x, "kill 1");
    th_call(h, tgs_kill(h->w, x.shell, x.app, SIGUSR2));     /* 5 has TIF_SIGPENDING: wraps to 2 */
    CHECK(s->curr_target == all[2]);
    compare(&x, "kill 2");
    h->on_cpu[all[5]->pid] = 1;
    th_call(h, tgs_kill(h->w, x.shell, x.app, SIGTERM));     /* from 2 (pending): 5 is on a CPU */
    CHECK(s->curr_target == all[5]);
    compare(&x, "kill 3");
    th_sys(h, x.shell, 0);
    CHECK_EQ(th_handled_count(h, 0, 0), 3);       /* the choice wakes; whoever runs first dequeues */
    th_free(h);
}

/* Stopped threads refuse everything but SIGKILL; an exiting leader (zombie) refuses all. */
TEST(stopped_and_exiting_threads_in_the_tree)
{
    struct world x;
    world_new(&x, 2, 5);
    th_host *h = x.h;
    struct task *all[MAXTH];
    threads(&x, all);
    th_sys(h, x.shell, tgs_kill(h->w, x.shell, x.app, SIGSTOP));
    struct task *p = group_of(&x);
    CHECK(p != NULL);
    if (p) CHECK(seltree_select(SIGUSR1, p) == NULL);
    if (p) CHECK(seltree_select(SIGKILL, p) != NULL);
    compare(&x, "stop");
    th_sys(h, x.shell, tgs_kill(h->w, x.shell, x.app, SIGCONT));
    th_sys(h, x.app, tgs_exit(h->w, x.app, 0));              /* the leader: a zombie in the list */
    p = group_of(&x);
    CHECK(p != NULL && p->exit_state == EXIT_ZOMBIE);
    if (p) CHECK(seltree_select(SIGUSR1, p) != p);
    compare(&x, "leader exit");
    th_free(h);
}

/* SIGKILL to a stopped group: every thread leaves the stopped state at the fatal wake-up, before
 * it runs (checked between the send and the runs). */
TEST(sigkill_wakes_a_stopped_group)
{
    struct world x;
    world_new(&x, 8, 4);
    th_host *h = x.h;
    th_sys(h, x.shell, tgs_kill(h->w, x.shell, x.app, SIGSTOP));
    h->on_cpu[x.app] = 1;                                    /* some thread on a CPU */
    th_call(h, tgs_kill(h->w, x.shell, x.app, SIGKILL));
    compare(&x, "SIGKILL");
    th_sys(h, x.shell, 0);
    int status = 0;
    CHECK_EQ(th_sys(h, x.shell, tgs_wait4(h->w, x.shell, x.app, &status, 0)), x.app);
    CHECK_EQ(status, SIGKILL);
    th_free(h);
}

/* The bench's shape: one eligible thread of many, the eligible one changing between sends. */
TEST(one_eligible_of_many)
{
    struct world x;
    world_new(&x, 3, 1);
    th_host *h = x.h;
    tgs_sigset usr1 = TGS_SIGMASK(SIGUSR1);
    th_sys(h, x.app, tgs_sigprocmask(h->w, x.app, TGS_SIG_BLOCK, &usr1, NULL, 8));
    for (int i = 1; i < 600; i++) th_thread(h, x.app);
    static struct task *all[MAXTH];
    int n = threads(&x, all);
    CHECK_EQ(n, 600);
    for (int k = 0; k < 200 && !t_fail_now; k++) {
        struct task *e = all[rng(&x.seed) % (uint64_t)n];
        th_sys(h, e->pid, tgs_sigprocmask(h->w, e->pid, TGS_SIG_UNBLOCK, &usr1, NULL, 8));
        compare(&x, "unblock");
        CHECK(seltree_select(SIGUSR1, all[0]) == e);
        th_sys(h, e->pid, tgs_sigprocmask(h->w, e->pid, TGS_SIG_BLOCK, &usr1, NULL, 8));
    }
    th_free(h);
}

/* The tree's allocations fail cleanly: clone returns -ENOMEM, nothing changes, invariants
 * hold, the next clone works; every byte comes back at the end. */
TEST(allocation_failure_in_the_tree)
{
    struct world x;
    world_new(&x, 4, 1);
    th_host *h = x.h;
    struct tgs_world *w = (struct tgs_world *)h->w;
    int failed = 0;
    for (int i = 0; i < 300 && !t_fail_now; i++) {
        int before = group_of(&x)->signal->nr_threads;
        w->alloc_fail_at = (int)w->alloc_count + 2;          /* 1: the task, 2: the tree (if any) */
        tgs_pid c = 0;
        int rc = tgs_clone(h->w, x.app, TGS_CLONE_THREAD | TGS_CLONE_SIGHAND, -1, &c);
        int reached = w->alloc_count >= w->alloc_fail_at;
        w->alloc_fail_at = 0;
        th_sys(h, x.app, rc);
        if (rc == -ENOMEM) {
            CHECK(reached);
            CHECK_EQ(group_of(&x)->signal->nr_threads, before);
            failed++;
            th_thread(h, x.app);                             /* the retry succeeds */
        }
        compare(&x, "clone");
    }
    CHECK(failed >= 5);                                      /* the build and the doublings */
    tgs_world_free(h->w);
    CHECK_EQ(h->bytes, 0);
    free(h);
}

/* A group of threads killed and reaped: its tree goes with its last thread (no leak). */
TEST(group_death_frees_the_tree)
{
    struct world x;
    world_new(&x, 6, 6);
    th_host *h = x.h;
    th_sys(h, x.shell, tgs_kill(h->w, x.shell, x.app, SIGKILL));
    int status = 0;
    CHECK_EQ(th_sys(h, x.shell, tgs_wait4(h->w, x.shell, x.app, &status, 0)), x.app);
    CHECK(find_task_by_pid((struct tgs_world *)h->w, x.app) == NULL);
    th_inv(h, "reaped");
    tgs_world_free(h->w);
    CHECK_EQ(h->bytes, 0);
    free(h);
}

/* signalfd_notify's guard: the count of threads with a signalfd follows open and exit. */
TEST(signalfd_count_follows_threads)
{
    struct world x;
    world_new(&x, 5, 4);
    th_host *h = x.h;
    struct task *all[MAXTH];
    threads(&x, all);
    tgs_pid t2 = all[2]->pid;
    th_sys(h, t2, tgs_signalfd(h->w, t2, TGS_SIGMASK(SIGUSR1), 0));
    th_sys(h, t2, tgs_signalfd(h->w, t2, TGS_SIGMASK(SIGUSR2), 0));
    CHECK_EQ(group_of(&x)->signal->nr_signalfd, 1);
    th_sys(h, t2, tgs_exit(h->w, t2, 0));
    CHECK_EQ(group_of(&x)->signal->nr_signalfd, 0);
    th_free(h);
}
