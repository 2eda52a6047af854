/* cli.h - internal interface of the tgsig command (src/cli). */
#ifndef TGS_CLI_H
#define TGS_CLI_H

#include <stdio.h>

/* Exit statuses (fixed by the product brief). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_run(int argc, char **argv);       /* argv[0] is the subcommand name */
int cmd_check(int argc, char **argv);
int cmd_parse(int argc, char **argv);

void help_main(FILE *out);
void help_run(FILE *out);
void help_check(FILE *out);
void help_parse(FILE *out);

/* Prints "tgsig[ CMD]: message" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Matches argv[*i] against option `name` ("--seed"). For an option with a value (val != NULL)
 * accepts "--seed N" and "--seed=N" and advances *i past the value. Returns 1 on a match, 0 if
 * it is another argument, -1 if the value is missing. */
int cli_opt(const char *name, int argc, char **argv, int *i, const char **val);

/* A decimal (or 0x hex) number in [min, max]; 0 on success, -1 otherwise. */
int cli_num(const char *s, long min, long max, long *out);

/* Generated scenarios (random.c): --random N [--seed S] [--keep DIR]. */
#define CLI_RANDOM_MAX 1000000
typedef struct sc_file sc_file;
typedef struct cli_random {
    long n;                    /* 0 = no --random */
    long seed;                 /* the first generator seed (default 1) */
    int seed_set;
    const char *keep;          /* --keep DIR, or NULL */
} cli_random;
int cli_random_option(cli_random *r, const char *cmd, int seed_too, int argc, char **argv, int *i);
int cli_random_begin(const cli_random *r, const char *cmd);       /* makes DIR; -1 (printed) */
int cli_random_scenario(const cli_random *r, const char *cmd, long i, sc_file *f, char *name, size_t namelen);
FILE *cli_random_report(const cli_random *r, long i, const char *ext);  /* NULL without --keep */

#endif
