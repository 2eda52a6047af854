#!/bin/sh
# profile.sh - where the model's time goes: perf record (cpu-clock sampling, works in VMs without
# hardware counters) of tgsig-bench parts, else valgrind --tool=callgrind instruction counts.
# Usage: ./profile.sh [PART ...]   (default: select scale reparent micro)
cd "$(dirname "$0")" || exit 2
B=./out/tgsig-bench
[ -x $B ] || { echo "build first: make -C bench out/tgsig-bench" >&2; exit 2; }
mkdir -p out
parts=${*:-select scale reparent micro}
for p in $parts; do
    echo "=== profile: $p ==="
    if command -v perf >/dev/null 2>&1 &&
       perf record -q -e cpu-clock -g -o out/perf.$p.data $B --quick --only=$p > out/perf.$p.out 2>&1; then
        cat out/perf.$p.out | grep -v '^  #' | sed -n '/==/,$p' | head -20
        perf report -i out/perf.$p.data --stdio --no-children --sort symbol 2>/dev/null |
            grep -E '^ +[0-9.]+%' | head -15
    elif command -v valgrind >/dev/null 2>&1; then
        valgrind --tool=callgrind --callgrind-out-file=out/callgrind.$p $B --quick --only=$p \
            > out/callgrind.$p.out 2>&1
        callgrind_annotate out/callgrind.$p 2>/dev/null | sed -n '/Ir/,$p' | head -25
    else
        echo "neither perf nor valgrind is installed"
        exit 1
    fi
done
