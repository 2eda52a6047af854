/* test_sim_parts.c - the simulator's building blocks that make it fast: the run queue (rq.c)
 * against a plain reference, the trace-text appenders (fmt.c) against snprintf, and the
 * --check policies and the on_step hook of sim_run. */
#include "t.h"
#include "sim/sim_int.h"
#include <stdlib.h>

/* ---- run queue ----------------------------------------------------------------------------- */
#define RQ_N 300

typedef struct ref { int queued; uint64_t k; int64_t seq; } ref;

static int ref_best(const ref *r, int n)
{
    int b = -1;
    for (int t = 0; t < n; t++)
        if (r[t].queued && (b < 0 || r[t].k < r[b].k || (r[t].k == r[b].k && r[t].seq < r[b].seq)))
            b = t;
    return b;
}

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* One random operation: add (mostly in order, sometimes out of order or at the head), remove
 * the best, or remove any queued thread. */
static void rq_step(sim *s, sim_rq *q, ref *r, uint64_t *x, uint64_t *clock, int64_t *tail,
                    int64_t *head)
{
    int t = (int)(rnd(x) % RQ_N), op = (int)(rnd(x) % 10);
    if (op < 5 && !r[t].queued) {
        uint64_t k = op == 0 ? *clock - rnd(x) % 50 : (*clock += rnd(x) % 3);
        int64_t seq = op == 1 ? --*head : ++*tail;
        CHECK_EQ(sim_rq_add(s, q, t, k, seq), 0);
        r[t] = (ref){ 1, k, seq };
    } else if (op < 8) {
        const sim_rqe *e = sim_rq_top(q);
        int b = ref_best(r, RQ_N);
        CHECK_EQ(e ? e->t : -1, b);
        if (b >= 0) {
            CHECK_EQ(sim_rq_seq(s, q, b), r[b].seq);
            sim_rq_del(s, q, b);
            r[b].queued = 0;
        }
    } else if (r[t].queued) {
        CHECK_EQ(sim_rq_seq(s, q, t), r[t].seq);
        sim_rq_del(s, q, t);
        r[t].queued = 0;
    }
}

TEST(run_queue_orders_like_a_reference)
{
    sim *s = calloc(1, sizeof(*s));
    ref *r = calloc(RQ_N, sizeof(*r));
    s->th = calloc(RQ_N, sizeof(*s->th));
    s->nth = RQ_N;
    for (int t = 0; t < RQ_N; t++)
        s->th[t].rq = -1;
    sim_rq q;
    sim_rq_init(&q, 0);
    uint64_t x = 88172645463325252ULL, clock = 1000;
    int64_t tail = 0, head = 0;
    for (int i = 0; i < 200000 && !t_fail_now; i++)
        rq_step(s, &q, r, &x, &clock, &tail, &head);
    int live = 0;
    for (int t = 0; t < RQ_N; t++)
        live += r[t].queued;
    CHECK_EQ(q.live, live);
    while (!t_fail_now && ref_best(r, RQ_N) >= 0) {     /* drain in order */
        int b = ref_best(r, RQ_N);
        CHECK_EQ(sim_rq_top(&q)->t, b);
        sim_rq_del(s, &q, b);
        r[b].queued = 0;
    }
    CHECK(sim_rq_top(&q) == NULL);
    sim_rq_free(&q);
    free(s->th);
    free(s);
    free(r);
}

/* ---- trace text ---------------------------------------------------------------------------- */
TEST(appenders_match_printf)
{
    long long v[] = { 0, 1, -1, 9, 10, -10, 999, 1000000, -6, 0x7fffffffffffffffLL,
                      -0x7fffffffffffffffLL - 1 };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char want[200], got[200];
        sim_buf b;
        sim_buf_init(&b);
        sim_buf_kd(&b, "d=", v[i]);
        sim_buf_str(&b, " x=");
        sim_buf_x(&b, (unsigned long long)v[i]);
        sim_buf_str(&b, " u3=");
        sim_buf_u(&b, (unsigned long long)v[i] & 0xffff, 3);
        sim_buf_str(&b, " u6=");
        sim_buf_u(&b, (unsigned long long)v[i] % 1000000ULL, 6);
        sim_buf_ks(&b, " s=", "a.b");
        sim_buf_chr(&b, 'R');
        snprintf(want, sizeof(want), "d=%lld x=%llx u3=%03llu u6=%06llu s=a.bR", v[i],
                 (unsigned long long)v[i], (unsigned long long)v[i] & 0xffff,
                 (unsigned long long)v[i] % 1000000ULL);
        snprintf(got, sizeof(got), "%s", b.b);
        CHECK_STR(got, want);
        CHECK_EQ(b.n, strlen(want));
    }
}

TEST(appenders_truncate_at_the_buffer)
{
    sim_buf b;
    sim_buf_init(&b);
    for (int i = 0; i < 200; i++)
        sim_buf_str(&b, "0123456789");
    CHECK_EQ(b.n, sizeof(b.b) - 1);
    CHECK_EQ(strlen(b.b), sizeof(b.b) - 1);
}

/* ---- check policies and the hook ----------------------------------------------------------- */
static const char *scen =
    "machine cpus=2\n"
    "process shell\n"
    "process app parent=shell\n"
    "  thread a\n"
    "  thread b\n"
    "app.a: sigaction SIGUSR1 handler\n"
    "app.*: pause\n"
    "shell: kill app SIGUSR1\n"
    "shell: kill app SIGSTOP\n"
    "shell: wait app opts=WUNTRACED\n"
    "shell: kill app SIGTERM\n"
    "shell: kill app SIGCONT\n"
    "shell: wait app\n";

struct hooklog { int calls, before, after, setup; long last_events; int monotonic; };

static void hook(void *arg, const sim_progress *p)
{
    struct hooklog *h = arg;
    h->calls++;
    if (p->step < 0)
        h->setup++;
    else if (p->settled)
        h->after++;
    else
        h->before++;
    if (p->events < h->last_events)
        h->monotonic = 0;
    h->last_events = p->events;
}

static char *run_check(const sc_file *f, int check, struct hooklog *h)
{
    char *out = NULL, err[256];
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    sim_options o = { .format = SIM_FMT_FTRACE, .seed = 3, .explain = 1, .check = check };
    if (h) {
        o.on_step = hook;
        o.on_step_arg = h;
    }
    int rc = sim_run(f, &o, fp, NULL, err, sizeof(err));
    fclose(fp);
    CHECK_EQ(rc, 0);
    return out;
}

TEST(check_policies_do_not_change_the_output)
{
    sc_file f;
    char perr[256];
    CHECK_EQ(sc_parse("t.tgs", scen, strlen(scen), &f, perr, sizeof(perr)), 0);
    struct hooklog h = { 0, 0, 0, 0, 0, 1 };
    char *every = run_check(&f, SIM_CHECK_EVERY, &h);
    CHECK_CONTAINS(every, "app: killed by SIGTERM");
    int modes[] = { SIM_CHECK_AUTO, SIM_CHECK_STEP, SIM_CHECK_END, SIM_CHECK_OFF };
    for (int i = 0; i < 4; i++) {
        char *o = run_check(&f, modes[i], NULL);
        CHECK_STR(o, every);
        free(o);
    }
    CHECK_EQ(h.setup, 1);
    CHECK_EQ(h.before, f.n_steps);
    CHECK_EQ(h.after, f.n_steps);
    CHECK(h.monotonic);
    CHECK(h.last_events > 0);
    free(every);
    sc_free(&f);
}

T_MAIN()
