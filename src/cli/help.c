/* help.c - the --help texts of tgsig and its subcommands (docs/tgsig.1 is the long form). */
#include "cli.h"

void help_main(FILE *out)
{
    fputs("usage: tgsig COMMAND [ARGS]\n"
          "\n"
          "The Linux thread-group signal subsystem as a deterministic model, and a checker that\n"
          "compares the model with the real kernel.\n"
          "\n"
          "commands:\n"
          "  run FILE      run a scenario in the simulator, print its trace, check its expects\n"
          "  check FILE... run scenarios in the simulator and on this machine's kernel; compare\n"
          "  parse FILE    only parse a scenario (prints nothing when it is well formed)\n"
          "  help CMD      the help of a command (same as tgsig CMD --help)\n"
          "\n"
          "options:\n"
          "  -h, --help     this help\n"
          "  -V, --version  the version\n"
          "\n"
          "exit status: 0 ok; 1 an expectation failed or the model and the kernel disagree;\n"
          "2 bad input or usage (errors are printed as file:line:col: message).\n"
          "Scenario language: docs/scenario.md. Manual: man -l docs/tgsig.1\n", out);
}

void help_run(FILE *out)
{
    fputs("usage: tgsig run FILE [options]\n"
          "       tgsig run --random N [--seed S] [--keep DIR]\n"
          "\n"
          "Run the scenario FILE in the deterministic simulator. Prints the trace (kernel\n"
          "tracepoint text), then checks every expect line in file order. Only failed\n"
          "expectations are printed (FILE:LINE:COL: expectation failed: ...), then a final\n"
          "line 'N expectations held, M failed'.\n"
          "\n"
          "options:\n"
          "  --format F   trace format: ftrace (default), jsonl, perfetto (Chrome trace JSON)\n"
          "  --seed N     seed for the simulator's open choices (default 1); same seed, same output\n"
          "  --explain    add the causal chains (why each thread got or died by each signal)\n"
          "  --quiet      no trace, only the summary and the expectation results\n"
          "  -o OUT       write the trace to OUT instead of standard output\n"
          "  --check WHEN run the core's invariant checker after every core call (every), every\n"
          "               step (step), the setup and the last step (end), or never (off);\n"
          "               default auto: every (for 20000 calls, then step) for scenarios of\n"
          "               up to 256 threads and 1000 steps, else end\n"
          "  --random N   instead of FILE: N generated scenarios, from generator seeds S..S+N-1\n"
          "               (--seed S, default 1; the simulator then uses seed 1); no trace, one\n"
          "               line each (random-SEED: ok | FAILED | error) and a summary line\n"
          "  --keep DIR   with --random: also write each scenario to DIR/random-SEED.tgs\n"
          "  -h, --help   this help\n"
          "\n"
          "The expectation report goes to standard output, or to standard error when a jsonl or\n"
          "perfetto trace is written to standard output.\n"
          "exit status: 0 every expectation held; 1 one failed; 2 bad input, usage, or a run-time\n"
          "scenario error (e.g. the run did not settle).\n", out);
}

void help_check(FILE *out)
{
    fputs("usage: tgsig check FILE... [options]\n"
          "       tgsig check --random N [--seed S] [--keep DIR] [options]\n"
          "\n"
          "Run each scenario in the simulator and on this machine's real kernel (real processes,\n"
          "threads and raw syscalls; /proc; tracefs when root), compare what each observed, and\n"
          "evaluate the expect lines on both sides. One line per scenario:\n"
          "  FILE: agree                    model and kernel agree, every expectation held\n"
          "  FILE: DIFFER                   they disagree (an indented diff follows)\n"
          "  FILE: FAILED                   they agree but an expectation failed\n"
          "  FILE: FLAKY                    the kernel varied between repeats in a way the\n"
          "                                 file's 'or' alternatives do not allow\n"
          "  FILE: skipped (reason)         the scenario cannot run on this machine\n"
          "Differences about the subjects of 'or' expectations (outcomes the kernel may choose)\n"
          "are allowed. A final line counts the verdicts.\n"
          "\n"
          "options:\n"
          "  --repeat N       run each scenario N times on the kernel (default 1)\n"
          "  --json           one JSON object per scenario (and a final summary object)\n"
          "  --no-trace       do not use tracefs (signal_deliver / exit order unobserved)\n"
          "  --timeout MS     kernel settle timeout per step in ms (default 3000)\n"
          "  --random N       also check N generated scenarios: generator seeds S..S+N-1,\n"
          "                   named random-SEED (replay one: --random 1 --seed SEED); a line\n"
          "                   'random: ...' lists the seeds that did not agree\n"
          "  --seed S         the first generator seed of --random (default 1)\n"
          "  --keep DIR       write each generated scenario to DIR/random-SEED.tgs (it is then\n"
          "                   named by that path), and the report of each one that did not\n"
          "                   agree to DIR/random-SEED.diff\n"
          "  -h, --help       this help\n"
          "\n"
          "exit status: 0 all agree (or skipped); 1 a disagreement, flaky result or failed\n"
          "expectation; 2 bad input or usage.\n", out);
}

void help_parse(FILE *out)
{
    fputs("usage: tgsig parse FILE...\n"
          "\n"
          "Parse each scenario and report the first error of each as FILE:LINE:COL: message.\n"
          "Prints nothing for a well-formed file.\n"
          "exit status: 0 all well formed; 2 an error.\n", out);
}
