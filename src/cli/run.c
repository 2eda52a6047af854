/* run.c - `tgsig run` (a scenario in the simulator) and `tgsig parse`. */
#include <errno.h>
#include <string.h>
#include "scenario/scenario.h"
#include "scenario/obs.h"
#include "sim/sim.h"
#include "cli.h"

typedef struct run_args {
    const char *file, *out;
    sim_options so;
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
        return 1;
    }
    if ((m = cli_opt("--seed", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 0, 0x7fffffffL, &n)) return cli_usage("run", "--seed needs a number"), -1;
        a->so.seed = (unsigned long)n;
        return 1;
    }
    if ((m = cli_opt("--check", argc, argv, i, &v)) != 0) {
        if (m < 0 || parse_check(v, &a->so.check))
            return cli_usage("run", "--check needs every, step, end, off or auto"), -1;
        return 1;
    }
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
    if (!a->file) return cli_usage("run", "missing FILE"), -1;
    return 0;
}

/* Evaluates every expect in file order; prints failures; returns the number failed. */
static int report_expects(const sc_file *f, const tgs_obs *o, FILE *rep)
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
    fprintf(rep, "%d expectation%s held, %d failed\n", held, held == 1 ? "" : "s", failed);
    return failed;
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

int cmd_run(int argc, char **argv)
{
    run_args a;
    int r = run_args_parse(argc, argv, &a);
    if (r) return r > 0 ? EXIT_OK : EXIT_USAGE;
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
