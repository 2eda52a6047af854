/* check.c - `tgsig check`: each scenario in the simulator and on the real kernel, compared. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scenario/scenario.h"
#include "scenario/obs.h"
#include "sim/sim.h"
#include "kernel/kernel.h"
#include "cli.h"

enum verdict { V_AGREE, V_DIFFER, V_FAILED, V_FLAKY, V_SKIPPED, V_ERROR, V__COUNT };
static const char *const verdict_text[V__COUNT] = { "agree", "DIFFER", "FAILED", "FLAKY", "skipped", "error" };
static const char *const verdict_json[V__COUNT] = { "agree", "differ", "failed", "flaky", "skipped", "error" };

typedef struct check_args {
    char **files;
    int nfiles, repeat, json, no_trace;
    long timeout_ms;
    cli_random rnd;             /* --random N --seed S --keep DIR */
} check_args;

#define MAX_FAILS 32
typedef struct efail { char side[24]; int line, col; char msg[600]; } efail;

typedef struct scen {
    const char *path;
    int verdict;
    char reason[512];
    char diff[8192];            /* model vs kernel */
    char flaky[4096];           /* kernel run 1 vs run N */
    int ndiff, allowed, unobservable, nfails;
    efail fails[MAX_FAILS];
} scen;

/* ---- arguments ---- */

static int check_option(check_args *a, int argc, char **argv, int *i)
{
    const char *v = NULL;
    long n;
    int m;
    if ((m = cli_opt("--repeat", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 1, 1000, &n)) return cli_usage("check", "--repeat needs a number 1..1000"), -1;
        a->repeat = (int)n;
        return 1;
    }
    if ((m = cli_opt("--timeout", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 1, 3600000, &n)) return cli_usage("check", "--timeout needs milliseconds"), -1;
        a->timeout_ms = n;
        return 1;
    }
    if ((m = cli_random_option(&a->rnd, "check", 1, argc, argv, i)) != 0) return m;
    if (cli_opt("--json", argc, argv, i, NULL)) { a->json = 1; return 1; }
    if (cli_opt("--no-trace", argc, argv, i, NULL)) { a->no_trace = 1; return 1; }
    return 0;
}

/* 0 ok, 1 --help shown, -1 usage error (printed). */
static int check_args_parse(int argc, char **argv, check_args *a)
{
    memset(a, 0, sizeof *a);
    a->repeat = 1;
    a->rnd.seed = 1;
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    if (!a->files) return cli_usage("check", "out of memory"), -1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) { help_check(stdout); return 1; }
        int r = check_option(a, argc, argv, &i);
        if (r < 0) return -1;
        if (r > 0) continue;
        if (arg[0] == '-' && arg[1]) return cli_usage("check", "unknown option '%s'", arg), -1;
        a->files[a->nfiles++] = argv[i];
    }
    if (a->rnd.seed_set && !a->rnd.n) return cli_usage("check", "--seed needs --random"), -1;
    if (a->rnd.keep && !a->rnd.n) return cli_usage("check", "--keep needs --random"), -1;
    if (!a->nfiles && !a->rnd.n) return cli_usage("check", "missing FILE (or --random N)"), -1;
    return 0;
}

/* ---- one scenario ---- */

static void add_fails(scen *s, const sc_file *f, const tgs_obs *o, const char *side)
{
    char why[600];
    for (int i = 0; i < f->n_expects; i++) {
        const sc_expect *e = &f->expects[i];
        int r = obs_eval(f, o, e, why, sizeof why);
        if (r < 0) s->unobservable++;
        if (r != 0) continue;
        if (s->nfails >= MAX_FAILS) { s->nfails++; continue; }
        efail *x = &s->fails[s->nfails++];
        snprintf(x->side, sizeof x->side, "%s", side);
        x->line = e->loc.line;
        x->col = e->loc.col;
        snprintf(x->msg, sizeof x->msg, "%s", why);
    }
}

static int run_model(scen *s, const sc_file *f, tgs_obs *m)
{
    sim_options so;
    char err[512] = "";
    memset(&so, 0, sizeof so);
    so.quiet = 1;
    so.seed = 1;
    obs_init(m, 0);
    if (sim_run(f, &so, NULL, m, err, sizeof err) == 0) return 0;
    s->verdict = V_ERROR;
    snprintf(s->reason, sizeof s->reason, "model: %s", err[0] ? err : "the simulator failed");
    return -1;
}

/* Runs the kernel side `repeat` times into k[]; -1 when the scenario is skipped. */
static int run_kernel(const check_args *a, scen *s, const sc_file *f, tgs_obs *k)
{
    kr_options ko = { !a->no_trace, (int)a->timeout_ms, 0 };
    for (int r = 0; r < a->repeat; r++) {
        memset(&k[r], 0, sizeof k[r]);
        if (kr_run(f, &ko, &k[r]) == 0 || strncmp(k[r].error, "skip:", 5) != 0) continue;
        const char *why = k[r].error + 5;
        while (*why == ' ') why++;
        s->verdict = V_SKIPPED;
        snprintf(s->reason, sizeof s->reason, "%s", why);
        return -1;
    }
    return 0;
}

static void judge(const check_args *a, scen *s, const sc_file *f, const tgs_obs *m, const tgs_obs *k)
{
    char side[24];
    s->ndiff = obs_compare_allowing(f, m, &k[0], &s->allowed, s->diff, sizeof s->diff);
    for (int r = 1; r < a->repeat && !s->flaky[0]; r++) {
        char d[sizeof s->flaky - 64];
        if (obs_compare_allowing(f, &k[0], &k[r], NULL, d, sizeof d) > 0)
            snprintf(s->flaky, sizeof s->flaky, "kernel run 1 vs run %d:\n%s", r + 1, d);
    }
    add_fails(s, f, m, "model");
    for (int r = 0; r < a->repeat; r++) {
        if (k[r].error[0]) continue;
        if (a->repeat > 1) snprintf(side, sizeof side, "kernel#%d", r + 1);
        else snprintf(side, sizeof side, "kernel");
        add_fails(s, f, &k[r], side);
    }
    s->verdict = s->flaky[0] ? V_FLAKY : s->ndiff ? V_DIFFER : s->nfails ? V_FAILED : V_AGREE;
}

static void check_scenario(const check_args *a, scen *s, const sc_file *f)
{
    tgs_obs m;
    tgs_obs *k = calloc((size_t)a->repeat, sizeof *k);
    if (!k) { s->verdict = V_ERROR; snprintf(s->reason, sizeof s->reason, "out of memory"); return; }
    if (run_model(s, f, &m) == 0 && run_kernel(a, s, f, k) == 0) judge(a, s, f, &m, k);
    obs_free(&m);
    for (int r = 0; r < a->repeat; r++) obs_free(&k[r]);
    free(k);
}

/* ---- output ---- */

static void print_indented(FILE *out, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(out, "  %.*s\n", len, p);
        p += len + (nl != NULL);
    }
}

static void print_text(FILE *out, const scen *s)
{
    fprintf(out, "%s: %s", s->path, verdict_text[s->verdict]);
    if (s->verdict == V_SKIPPED || s->verdict == V_ERROR) fprintf(out, " (%s)", s->reason);
    if (s->verdict == V_AGREE && s->allowed) fprintf(out, " (the kernel took another outcome the file allows)");
    fprintf(out, "\n");
    if (s->verdict == V_FLAKY) print_indented(out, s->flaky);
    if (s->ndiff) print_indented(out, s->diff);
    for (int i = 0; i < s->nfails && i < MAX_FAILS; i++)
        fprintf(out, "  %s: %s:%d:%d: expectation failed: %s\n", s->fails[i].side, s->path,
                s->fails[i].line, s->fails[i].col, s->fails[i].msg);
    if (s->nfails > MAX_FAILS) fprintf(out, "  ... %d more expectation failures\n", s->nfails - MAX_FAILS);
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') printf("\\n");
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void print_json(const scen *s)
{
    printf("{\"file\":");
    json_str(s->path);
    printf(",\"verdict\":\"%s\",\"reason\":", verdict_json[s->verdict]);
    json_str(s->reason);
    printf(",\"differences\":%d,\"allowed\":%d,\"unobservable\":%d,\"diff\":", s->ndiff, s->allowed,
           s->unobservable);
    json_str(s->ndiff ? s->diff : "");
    printf(",\"flaky\":");
    json_str(s->flaky);
    printf(",\"expect_failures\":[");
    for (int i = 0; i < s->nfails && i < MAX_FAILS; i++) {
        printf("%s{\"side\":\"%s\",\"line\":%d,\"col\":%d,\"message\":", i ? "," : "",
               s->fails[i].side, s->fails[i].line, s->fails[i].col);
        json_str(s->fails[i].msg);
        printf("}");
    }
    printf("]}\n");
}

static void print_summary(const check_args *a, const int *n)
{
    if (a->json) {
        printf("{\"summary\":{");
        for (int v = 0; v < V__COUNT; v++) printf("%s\"%s\":%d", v ? "," : "", verdict_json[v], n[v]);
        printf("}}\n");
        return;
    }
    printf("%d agree, %d differ, %d skipped", n[V_AGREE], n[V_DIFFER], n[V_SKIPPED]);
    if (n[V_FLAKY]) printf(", %d flaky", n[V_FLAKY]);
    if (n[V_FAILED]) printf(", %d failed", n[V_FAILED]);
    if (n[V_ERROR]) printf(", %d errors", n[V_ERROR]);
    printf("\n");
}

/* ---- driver ---- */

static void progress(int tty, int i, int n, const char *path)
{
    if (!tty) return;
    if (path) fprintf(stderr, "\r\033[K[%d/%d] %s", i, n, path);
    else fprintf(stderr, "\r\033[K");
    fflush(stderr);
}

/* Checks one parsed scenario, prints its report (and writes it to `also` when not NULL and the
 * scenario did not agree); returns its verdict. */
static int check_parsed(const check_args *a, const sc_file *f, const char *path, int available,
                        const char *why, FILE *also)
{
    scen *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "tgsig check: out of memory\n");
        return -1;
    }
    s->path = path;
    if (!available) {
        s->verdict = V_SKIPPED;
        snprintf(s->reason, sizeof s->reason, "%s", why);
    } else {
        check_scenario(a, s, f);
    }
    fflush(stderr);
    if (a->json) print_json(s);
    else print_text(stdout, s);
    fflush(stdout);
    if (also && s->verdict != V_AGREE && s->verdict != V_SKIPPED) print_text(also, s);
    int v = s->verdict;
    free(s);
    return v;
}

/* Parses and checks one file; returns its verdict (-1 for bad input, after printing it). */
static int check_file(const check_args *a, const char *path, int available, const char *why)
{
    sc_file f;
    char err[1024];
    if (sc_parse_file(path, &f, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    int v = check_parsed(a, &f, path, available, why, NULL);
    sc_free(&f);
    return v;
}

/* Generates, checks and reports scenario i of --random; returns its verdict (-1 on error). With
 * --keep, a scenario that does not agree also gets DIR/random-<seed>.diff (its report). */
static int check_random(const check_args *a, long i, int available, const char *why, int tty)
{
    sc_file f;
    char name[4096];
    if (cli_random_scenario(&a->rnd, "check", i, &f, name, sizeof name)) return -1;
    progress(tty, (int)i + 1 + a->nfiles, (int)a->rnd.n + a->nfiles, name);
    FILE *rep = a->rnd.keep ? tmpfile() : NULL;
    int v = check_parsed(a, &f, name, available, why, rep);
    progress(tty, 0, 0, NULL);
    if (rep && ftell(rep) > 0) {
        FILE *out = cli_random_report(&a->rnd, i, "diff");
        char buf[4096];
        size_t k;
        rewind(rep);
        while (out && (k = fread(buf, 1, sizeof buf, rep)) > 0) fwrite(buf, 1, k, out);
        if (!out || fclose(out)) fprintf(stderr, "tgsig check: cannot write the report of %s\n", name);
    }
    if (rep) fclose(rep);
    sc_free(&f);
    return v;
}

/* The seeds of the generated scenarios that did not agree, and how to replay one. */
static void print_random_summary(const check_args *a, const long *bad, int nbad)
{
    if (a->json) return;
    printf("random: %ld scenarios, seeds %ld..%ld", a->rnd.n, a->rnd.seed, a->rnd.seed + a->rnd.n - 1);
    if (!nbad) {
        printf("\n");
        return;
    }
    printf("; not agreeing:");
    for (int i = 0; i < nbad; i++) printf(" %ld", bad[i]);
    printf("\nreplay one: tgsig check --random 1 --seed %ld", bad[0]);
    if (a->rnd.keep) printf(", or tgsig check %s/random-%ld.tgs (its report: random-%ld.diff)", a->rnd.keep, bad[0], bad[0]);
    printf("\n");
}

int cmd_check(int argc, char **argv)
{
    check_args a;
    int r = check_args_parse(argc, argv, &a);
    if (r) { free(a.files); return r > 0 ? EXIT_OK : EXIT_USAGE; }
    if (a.rnd.n && cli_random_begin(&a.rnd, "check")) { free(a.files); return EXIT_USAGE; }
    char why[512] = "";
    int available = kr_available(why, sizeof why);
    if (!available && !why[0]) snprintf(why, sizeof why, "the real kernel cannot be used here");
    int n[V__COUNT] = { 0 }, bad = 0;
    int tty = !a.json && isatty(2);
    for (int i = 0; i < a.nfiles; i++) {
        progress(tty, i + 1, a.nfiles + (int)a.rnd.n, a.files[i]);
        int v = check_file(&a, a.files[i], available, why);
        progress(tty, 0, 0, NULL);
        if (v < 0) bad++;
        else n[v]++;
    }
    long *differ = a.rnd.n ? calloc((size_t)a.rnd.n, sizeof *differ) : NULL;
    int ndiffer = 0;
    if (a.rnd.n && !differ) { fprintf(stderr, "tgsig check: out of memory\n"); bad++; }
    for (long i = 0; differ && i < a.rnd.n; i++) {
        int v = check_random(&a, i, available, why, tty);
        if (v < 0) { bad++; break; }
        n[v]++;
        if (v != V_AGREE && v != V_SKIPPED) differ[ndiffer++] = a.rnd.seed + i;
    }
    if (a.rnd.n) print_random_summary(&a, differ, ndiffer);
    print_summary(&a, n);
    free(differ);
    free(a.files);
    if (bad || n[V_ERROR]) return EXIT_USAGE;
    return n[V_DIFFER] || n[V_FAILED] || n[V_FLAKY] ? EXIT_FAIL : EXIT_OK;
}
