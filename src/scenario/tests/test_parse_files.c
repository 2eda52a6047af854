/* test_parse_files.c - every scenario file of the project must parse.
 * Parses examples/ *.tgs and tests/conformance/ * / *.tgs (relative to $TGS_ROOT, default: the
 * current directory, which is the repository root under tests/run.sh) and reports each
 * failure as file:line:col: message. */
#include <stddef.h>
#include <stdio.h>
#include <glob.h>
#include <stdlib.h>
#include "t.h"
#include "scenario/scenario.h"

static int parse_glob(const char *root, const char *pattern, int *n_files)
{
    char pat[1024], err[512];
    glob_t g;
    int bad = 0;
    snprintf(pat, sizeof pat, "%s/%s", root, pattern);
    if (glob(pat, 0, NULL, &g) != 0) return 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        sc_file f;
        (*n_files)++;
        if (sc_parse_file(g.gl_pathv[i], &f, err, sizeof err) != 0) {
            printf("  %s\n", err);
            bad++;
            continue;
        }
        sc_free(&f);
    }
    globfree(&g);
    return bad;
}

TEST(corpus_files_parse)
{
    const char *root = getenv("TGS_ROOT") ? getenv("TGS_ROOT") : ".";
    int n = 0, bad = 0;
    bad += parse_glob(root, "examples/*.tgs", &n);
    bad += parse_glob(root, "tests/conformance/*/*.tgs", &n);
    printf("  %d scenario files, %d with parse errors\n", n, bad);
    CHECK_EQ(bad, 0);
}

T_MAIN()
