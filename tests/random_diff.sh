#!/bin/sh
# tests/cli/random_diff.sh - random differential testing with a fixed seed.
# Generates 50 scenarios (sc_generate, seeds 1..50; TGS_RANDOM_N / TGS_RANDOM_SEED change that)
# and runs `tgsig check` on them when root on Linux (model vs the real kernel), else `tgsig run`
# (every certain expectation must hold in the simulator). The files are written by a small driver
# of src/scenario/gen.c into build/random-diff/ (the same text `tgsig check --random N --seed S`
# generates), so a disagreement can be read and minimised. Exit 77 with a reason when the
# generator or the CLI is missing.
cd "$(dirname "$0")/.." || exit 2
T=./bin/tgsig
N=${TGS_RANDOM_N:-50}
SEED=${TGS_RANDOM_SEED:-1}
[ -x $T ] || { echo "skip: no $T (build first)"; exit 77; }
D=build/random-diff
rm -rf $D; mkdir -p $D

# The scenario files, from a tiny driver of gen.c.
if [ -f src/scenario/gen.c ]; then
    cat > $D/gen_main.c <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include "scenario/gen.h"
int main(int argc, char **argv)
{
    static char buf[SC_GEN_BUFSIZE];
    if (argc < 4) return 2;
    unsigned long seed = strtoul(argv[1], NULL, 0), n = strtoul(argv[2], NULL, 0);
    for (unsigned long i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/random-%lu.tgs", argv[3], seed + i);
        if (sc_generate(seed + i, buf, sizeof buf) < 0) return 1;
        FILE *f = fopen(path, "w");
        if (!f || fputs(buf, f) < 0 || fclose(f)) return 1;
    }
    return 0;
}
EOC
    ${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -Iinclude -Isrc -o $D/gen $D/gen_main.c src/scenario/gen.c src/scenario/names.c 2>$D/gen.err \
        || { echo "skip: cannot build the generator driver"; cat $D/gen.err; exit 77; }
    $D/gen "$SEED" "$N" $D || { echo "FAIL: the generator failed"; exit 1; }
else
    echo "skip: no generator (src/scenario/gen.c) and no tgsig check --random"; exit 77
fi
files=$(ls $D/random-*.tgs)
echo "random_diff: $N scenarios from seed $SEED in $D"

if [ "$(id -u)" = 0 ] && [ "$(uname -s)" = Linux ] && [ -z "$TGS_TEST_QUICK" ]; then
    timeout 1500 $T check $files > $D/check.log 2>&1
    st=$?
    grep -E ': (DIFFER|FAILED|FLAKY)' -A8 $D/check.log | head -120
    tail -1 $D/check.log
    [ $st = 124 ] && { echo "FAIL: tgsig check timed out"; exit 1; }
    exit $st
fi
# not root (or quick): the simulator alone; every certain expectation must hold
fail=0
for f in $files; do
    if ! timeout 60 $T run --quiet "$f" > $D/run.log 2>&1; then
        fail=$((fail+1)); echo "FAIL $f:"; tail -5 $D/run.log
    fi
done
echo "random_diff (simulator only: not root or TGS_TEST_QUICK): $((N-fail))/$N scenarios hold every expect"
[ $fail = 0 ]
