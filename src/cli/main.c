/* main.c - the tgsig command: dispatch to the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "tgsig.h"
#include "cli.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tgsig%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'tgsig %s%s--help' for more information.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_opt(const char *name, int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (!val) return a[n] == 0;
    if (a[n] == '=') { *val = a + n + 1; return 1; }
    if (a[n] != 0) return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
}

int cli_num(const char *s, long min, long max, long *out)
{
    char *end;
    if (!s || !*s) return -1;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "tgsig: missing command\n");
        fprintf(stderr, "usage: tgsig run FILE [options] | tgsig check FILE... [options] | tgsig parse FILE\n");
        fprintf(stderr, "Try 'tgsig --help' for more information.\n");
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (is_help(cmd) || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(cmd, "help")) {
            if (!strcmp(argv[2], "run")) { help_run(stdout); return EXIT_OK; }
            if (!strcmp(argv[2], "check")) { help_check(stdout); return EXIT_OK; }
            if (!strcmp(argv[2], "parse")) { help_parse(stdout); return EXIT_OK; }
        }
        help_main(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("tgsig %s\n", tgs_version());
        return EXIT_OK;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "parse")) return cmd_parse(argc - 1, argv + 1);
    if (cmd[0] == '-') return cli_usage(NULL, "unknown option '%s'", cmd);
    return cli_usage(NULL, "unknown command '%s' (commands: run, check, parse)", cmd);
}
