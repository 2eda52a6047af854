/* random.c - generated scenarios for `tgsig check --random N --seed S` and `tgsig run --random`.
 *
 * Scenario i (0 <= i < N) is sc_generate(S + i): the same seed always gives the same text, so a
 * scenario is named by its seed ("random-<seed>") and can be replayed with --random 1 --seed
 * <seed>. With --keep DIR each one is also written to DIR/random-<seed>.tgs (and is then named
 * by that path, so reports point at a file that can be run again). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "scenario/scenario.h"
#include "scenario/gen.h"
#include "cli.h"

/* One option at argv[*i] (--random, --keep; --seed when `seed_too`); 1 handled, 0 not one of
 * these, -1 usage error (printed). */
int cli_random_option(cli_random *r, const char *cmd, int seed_too, int argc, char **argv, int *i)
{
    const char *v = NULL;
    long n;
    int m;
    if ((m = cli_opt("--random", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 1, CLI_RANDOM_MAX, &n))
            return cli_usage(cmd, "--random needs a count 1..%d", CLI_RANDOM_MAX), -1;
        r->n = n;
        return 1;
    }
    if (seed_too && (m = cli_opt("--seed", argc, argv, i, &v)) != 0) {
        if (m < 0 || cli_num(v, 0, 0x7fffffffL, &n)) return cli_usage(cmd, "--seed needs a number"), -1;
        r->seed = n;
        r->seed_set = 1;
        return 1;
    }
    if ((m = cli_opt("--keep", argc, argv, i, &v)) != 0) {
        if (m < 0 || !*v) return cli_usage(cmd, "--keep needs a directory"), -1;
        r->keep = v;
        return 1;
    }
    return 0;
}

int cli_random_begin(const cli_random *r, const char *cmd)
{
    if (!r->keep) return 0;
    if (mkdir(r->keep, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(r->keep, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
        errno = ENOTDIR;
    }
    fprintf(stderr, "tgsig %s: cannot use --keep %s: %s\n", cmd, r->keep, strerror(errno));
    return -1;
}

static int write_text(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "w");
    if (!fp) return -1;
    int bad = fwrite(text, 1, len, fp) != len;
    if (fclose(fp)) bad = 1;
    return bad ? -1 : 0;
}

/* Generates scenario number i, writes it under --keep, parses it into *f. name gets its name
 * (the kept path, or "random-<seed>"). 0 ok; -1 error (printed to stderr). */
int cli_random_scenario(const cli_random *r, const char *cmd, long i, sc_file *f, char *name, size_t namelen)
{
    static char text[SC_GEN_BUFSIZE];
    char err[1024];
    unsigned long seed = (unsigned long)r->seed + (unsigned long)i;
    int len = sc_generate(seed, text, sizeof text);
    if (len < 0) {
        fprintf(stderr, "tgsig %s: the generator failed for seed %lu\n", cmd, seed);
        return -1;
    }
    if (r->keep) {
        snprintf(name, namelen, "%s/random-%lu.tgs", r->keep, seed);
        if (write_text(name, text, (size_t)len)) {
            fprintf(stderr, "tgsig %s: cannot write %s: %s\n", cmd, name, strerror(errno));
            return -1;
        }
    } else {
        snprintf(name, namelen, "random-%lu", seed);
    }
    if (sc_parse(name, text, (size_t)len, f, err, sizeof err)) {
        fprintf(stderr, "%s\n(a generator bug: tgsig %s --random 1 --seed %lu --keep DIR writes the file)\n",
                err, cmd, seed);
        return -1;
    }
    return 0;
}

/* Writes a report file next to a kept scenario: DIR/random-<seed>.<ext>. */
FILE *cli_random_report(const cli_random *r, long i, const char *ext)
{
    char path[4096];
    if (!r->keep) return NULL;
    snprintf(path, sizeof path, "%s/random-%lu.%s", r->keep, (unsigned long)r->seed + (unsigned long)i, ext);
    return fopen(path, "w");
}
