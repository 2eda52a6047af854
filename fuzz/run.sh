#!/bin/sh
# fuzz/run.sh [SECONDS] [TARGET...] - build the libFuzzer targets and run each for SECONDS.
#
#   ./fuzz/run.sh 600            every target 10 minutes (make fuzz)
#   ./fuzz/run.sh 60 parse       only fuzz_parse
#   ./fuzz/run.sh --build        only build (build-fuzz/fuzz_parse, build-fuzz/fuzz_core)
#   ./fuzz/run.sh --regress      only replay fuzz/regress/<target>/* and the corpus (no fuzzing)
#
# Targets are built with clang -fsanitize=fuzzer,address,undefined into build-fuzz/. Each run
# starts from the checked-in corpus fuzz/corpus/<target>/ (new interesting inputs are added to
# it: commit them), the parse corpus being seeded with examples/*.tgs and
# tests/conformance/*/*.tgs. Crashes, leaks and timeouts are written to fuzz/out/<target>/;
# turn each into a regression case by copying it to fuzz/regress/<target>/.
# Exit status: 0 no crash, 1 a target crashed (or a regression case fails), 77 no libFuzzer.
cd "$(dirname "$0")/.." || exit 2
CC=${FUZZ_CC:-clang}
B=build-fuzz
SECS=600
MODE=fuzz
case "$1" in
--build) MODE=build; shift ;;
--regress) MODE=regress; shift ;;
[0-9]*) SECS=$1; shift ;;
esac
TARGETS=${*:-parse core}

# Is libFuzzer there at all?
mkdir -p $B
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}\n' > $B/probe.c
if ! $CC -fsanitize=fuzzer $B/probe.c -o $B/probe 2>/dev/null; then
    echo "fuzz: $CC has no libFuzzer (-fsanitize=fuzzer); skipped"
    exit 77
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFL="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Iinclude -Isrc $SAN"

# lib NAME SRCS...: compile into $B/NAME/ (instrumented) and archive $B/libNAME.a
lib() {
    name=$1; shift
    mkdir -p $B/$name
    objs=""
    for s in "$@"; do
        o=$B/$name/$(basename "$s" .c).o
        if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find include src -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
            $CC $CFL -fsanitize=fuzzer-no-link -c "$s" -o "$o" || return 1
        fi
        objs="$objs $o"
    done
    rm -f $B/lib$name.a
    ar rcs $B/lib$name.a $objs
}

build() {
    lib core src/core/*.c || return 1
    lib scen $(ls src/scenario/*.c) || return 1
    $CC $CFL -fsanitize=fuzzer fuzz/fuzz_parse.c $B/libscen.a -o $B/fuzz_parse || return 1
    $CC $CFL -Isrc/core -fsanitize=fuzzer fuzz/fuzz_core.c $B/libcore.a -o $B/fuzz_core || return 1
}

if ! build; then
    echo "fuzz: build failed"
    exit 1
fi
[ $MODE = build ] && exit 0

# seed the parse corpus (idempotent: libFuzzer names corpus files by content hash anyway)
mkdir -p fuzz/corpus/parse fuzz/corpus/core
for f in examples/*.tgs tests/conformance/*/*.tgs; do
    [ -f "$f" ] || continue
    h=$(cksum < "$f" | cut -d' ' -f1)
    [ -f fuzz/corpus/parse/seed-$h ] || cp "$f" fuzz/corpus/parse/seed-$h
done

st=0
for t in $TARGETS; do
    bin=$B/fuzz_$t
    [ -x $bin ] || { echo "fuzz: no target $t"; st=1; continue; }
    # 1. the regression cases: each must run clean
    if [ -d fuzz/regress/$t ] && [ -n "$(ls fuzz/regress/$t 2>/dev/null)" ]; then
        if ! $bin -runs=1 fuzz/regress/$t/* > $B/regress-$t.log 2>&1; then
            echo "fuzz: $t: a regression case fails (see $B/regress-$t.log)"; tail -30 $B/regress-$t.log; st=1
        else
            echo "fuzz: $t: $(ls fuzz/regress/$t | wc -l) regression cases pass"
        fi
    fi
    [ $MODE = regress ] && continue
    # 2. fuzz for SECS seconds from the checked-in corpus
    mkdir -p fuzz/out/$t
    dict=""
    [ -f fuzz/$t.dict ] && dict="-dict=fuzz/$t.dict"
    log=$B/fuzz-$t.log
    $bin fuzz/corpus/$t -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix=fuzz/out/$t/ -print_final_stats=1 $dict > $log 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' $log | tail -1)
    cov=$(grep -o 'cov: [0-9]*' $log | tail -1)
    ft=$(grep -o 'ft: [0-9]*' $log | tail -1)
    echo "fuzz: $t: ${SECS}s, ${execs:-?} executions, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $(ls fuzz/corpus/$t | wc -l) files, exit $rc"
    if [ $rc != 0 ]; then
        echo "fuzz: $t CRASHED: artifacts in fuzz/out/$t/:"; ls fuzz/out/$t
        grep -A25 'ERROR: \|runtime error\|deadly signal' $log | head -60
        st=1
    fi
done
exit $st
