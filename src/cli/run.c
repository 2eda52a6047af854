/* run.c - `tgsig run` (a scenario in the simulator) and `tgsig parse`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scenario/scenario.h"
#include "scenario/obs.h"
#include "sim/sim.h"
#include "cli.h"

typedef struct run_args {
    const char *file, *out;
    sim_options so;
    int seed_set, format_set;
    cli_random rnd;             /* --random N [--seed S] [--keep DIR] */
} run_args;

static int parse_format(const char *v, int *fmt)
{
    if (!strcmp(v, "ftrace")) *fmt = SIM_FMT_FTRACE;
    else if (!strcmp(v, "jsonl")) *fmt = SIM_FMT_JSONL;
    else if (!strcmp(v, "perfetto")) *fmt = SIM_FMT_PERFETTO;
    else return -1;
    return 0;
}

static int parse_check(const char *v, int *check)
{
    static const char *const names[] = { "auto", "every", "step", "end", "off" };
    for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
        if (!strcmp(v, names[k])) {
            *check = k;         /* the order of enum sim_check */
            return 0;
        }
    return -1;
}

/* One option at argv[*i]; 1 handled, 0 not an option of run, -1 usage error (printed). */
static int run_option(run_args *a, int argc, char **argv, int *i)
{
    const char *v = NULL;
    long n;
    int m;
    if ((m = cli_opt("--format", argc, argv, i, &v)) != 0) {
        if (m < 0 || parse_format(v, &a->so.format))
            return cli_usage("run", "--format needs ftrace, jsonl or perfetto"), -1;
        a->format_set = 1;
        return 1;
    }
    if ((m = cli_opt("--seed", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 0, 0x7fffffffL, &n)) return cli_usage("run", "--seed needs a number"), -1;
        a->so.seed = (unsigned long)n;
        a->seed_set = 1;
        return 1;
    }
    if ((m = cli_opt("--check", argc, argv, i, &v)) != 0) {
        if (m < 0 || parse_check(v, &a->so.check))
            return cli_usage("run", "--check needs every, step, end, off or auto"), -1;
        return 1;
    }
    if ((m = cli_random_option(&a->rnd, "run", 0, argc, argv, i)) != 0) return m;
    if ((m = cli_opt("-o", argc, argv, i, &v)) != 0 || (m = cli_opt("--output", argc, argv, i, &v)) != 0) {
        if (m < 0 || !*v) return cli_usage("run", "-o needs a file name"), -1;
        a->out = v;
        return 1;
    }
    if (cli_opt("--explain", argc, argv, i, NULL)) { a->so.explain = 1; return 1; }
    if (cli_opt("--quiet", argc, argv, i, NULL) || cli_opt("-q", argc, argv, i, NULL)) {
        a->so.quiet = 1;
        return 1;
    }
    return 0;
}

/* 0 ok, 1 --help shown, -1 usage error (printed). */
static int run_args_parse(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    a->so.seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) { help_run(stdout); return 1; }
        int r = run_option(a, argc, argv, &i);
        if (r < 0) return -1;
        if (r > 0) continue;
        if (arg[0] == '-' && arg[1]) return cli_usage("run", "unknown option '%s'", arg), -1;
        if (a->file) return cli_usage("run", "only one FILE (use 'tgsig check' for several)"), -1;
        a->file = arg;
    }
    if (a->rnd.keep && !a->rnd.n) return cli_usage("run", "--keep needs --random"), -1;
    if (a->rnd.n) {
        /* --seed is the first generator seed; the simulator runs each with seed 1 (as check) */
        if (a->file) return cli_usage("run", "--random takes no FILE"), -1;
        if (a->out || a->format_set || a->so.explain)
            return cli_usage("run", "--random prints no trace (keep the files with --keep DIR and run one)"), -1;
        a->rnd.seed = a->seed_set ? (long)a->so.seed : 1;
        a->so.seed = 1;
        a->so.quiet = 1;
        return 0;
    }
    if (!a->file) return cli_usage("run", "missing FILE (or --random N)"), -1;
    return 0;
}

/* Evaluates every expect in file order; prints failures; returns the number failed. With
 * `summary` 0 the final "N expectations held" line is left out. */
static int report_expects_opt(const sc_file *f, const tgs_obs *o, FILE *rep, int summary, int *nheld)
{
    char why[1024];
    int held = 0, failed = 0;
    for (int i = 0; i < f->n_expects; i++) {
        const sc_expect *e = &f->expects[i];
        int r = obs_eval(f, o, e, why, sizeof why);
        if (r == 1) { held++; continue; }
        failed++;
        fprintf(rep, "%s:%d:%d: expectation %s: %s\n", f->path, e->loc.line, e->loc.col,
                r == 0 ? "failed" : "cannot be checked", why);
    }
    if (summary) fprintf(rep, "%d expectation%s held, %d failed\n", held, held == 1 ? "" : "s", failed);
    if (nheld) *nheld = held;
    return failed;
}

static int report_expects(const sc_file *f, const tgs_obs *o, FILE *rep)
{
    return report_expects_opt(f, o, rep, 1, NULL);
}

static int run_file(const run_args *a, const sc_file *f)
{
    FILE *out = stdout;
    char err[1024] = "";
    if (a->out && !(out = fopen(a->out, "w"))) {
        fprintf(stderr, "tgsig run: cannot open %s: %s\n", a->out, strerror(errno));
        return EXIT_USAGE;
    }
    tgs_obs o;
    obs_init(&o, 0);
    int r = sim_run(f, &a->so, out, &o, err, sizeof err);
    fflush(out);
    int write_err = ferror(out);
    if (out != stdout && fclose(out)) write_err = 1;
    FILE *rep = out == stdout && a->so.format != SIM_FMT_FTRACE && !a->so.quiet ? stderr : stdout;
    int status = EXIT_OK;
    if (r < 0) {
        fprintf(stderr, "%s: run-time error: %s\n", f->path, err[0] ? err : "the simulator failed");
        status = EXIT_USAGE;
    } else if (report_expects(f, &o, rep)) {
        status = EXIT_FAIL;
    }
    if (write_err) {
        fprintf(stderr, "tgsig run: error writing the trace\n");
        status = EXIT_USAGE;
    }
    obs_free(&o);
    return status;
}

/* --random: each generated scenario in the simulator; one line each, then a summary. */
static int run_random(const run_args *a)
{
    long ok = 0, failed = 0, errors = 0;
    if (cli_random_begin(&a->rnd, "run")) return EXIT_USAGE;
    for (long i = 0; i < a->rnd.n; i++) {
        sc_file f;
        char name[4096], err[1024] = "";
        if (cli_random_scenario(&a->rnd, "run", i, &f, name, sizeof name)) return EXIT_USAGE;
        tgs_obs o;
        obs_init(&o, 0);
        int held = 0;
        if (sim_run(&f, &a->so, NULL, &o, err, sizeof err) < 0) {
            printf("%s: error (run-time error: %s)\n", name, err[0] ? err : "the simulator failed");
            errors++;
        } else {
            /* the failures (if any) follow the verdict line */
            printf("%s: ", name);
            char *buf = NULL;
            size_t len = 0;
            FILE *mem = open_memstream(&buf, &len);
            int nf = mem ? report_expects_opt(&f, &o, mem, 0, &held) : -1;
            if (mem) fclose(mem);
            if (nf < 0) { printf("error (out of memory)\n"); errors++; }
            else if (nf) { printf("FAILED (%d of %d expectations)\n%s", nf, nf + held, buf); failed++; }
            else { printf("ok (%d expectation%s held)\n", held, held == 1 ? "" : "s"); ok++; }
            free(buf);
        }
        fflush(stdout);
        obs_free(&o);
        sc_free(&f);
    }
    printf("random: %ld scenarios, seeds %ld..%ld: %ld ok, %ld failed, %ld errors\n", a->rnd.n,
           a->rnd.seed, a->rnd.seed + a->rnd.n - 1, ok, failed, errors);
    return errors ? EXIT_USAGE : failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    int r = run_args_parse(argc, argv, &a);
    if (r) return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (a.rnd.n) return run_random(&a);
    sc_file f;
    char err[1024];
    if (sc_parse_file(a.file, &f, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return EXIT_USAGE;
    }
    int status = run_file(&a, &f);
    sc_free(&f);
    return status;
}

int cmd_parse(int argc, char **argv)
{
    int status = EXIT_OK, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { help_parse(stdout); return EXIT_OK; }
        if (argv[i][0] == '-' && argv[i][1]) return cli_usage("parse", "unknown option '%s'", argv[i]);
    }
    for (int i = 1; i < argc; i++) {
        sc_file f;
        char err[1024];
        nfiles++;
        if (sc_parse_file(argv[i], &f, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_USAGE;
            continue;
        }
        sc_free(&f);
    }
    if (!nfiles) return cli_usage("parse", "missing FILE");
    return status;
}
