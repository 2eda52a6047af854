#!/bin/sh
# tests/cli/examples.sh - every examples/*.tgs runs in the simulator with exit 0, the same run
# twice gives byte-identical output (ftrace, jsonl and perfetto), and --format perfetto is valid
# JSON with one thread_name metadata event per scenario thread.
T=./bin/tgsig
[ -x $T ] || { echo "bin/tgsig is not built"; exit 77; }
ls examples/*.tgs >/dev/null 2>&1 || { echo "no examples yet"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { fails=$((fails+1)); echo "FAIL $*"; }

for f in examples/*.tgs; do
    $T run "$f" >"$tmp/a" 2>"$tmp/aerr"; st=$?
    if [ $st != 0 ]; then
        fail "$f: exit status $st (want 0)"; tail -n 5 "$tmp/a" "$tmp/aerr"; continue
    fi
    $T run "$f" >"$tmp/b" 2>"$tmp/berr"
    cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/aerr" "$tmp/berr" || fail "$f: two runs differ (ftrace)"
    for fmt in jsonl perfetto; do
        $T run --format $fmt -o "$tmp/$fmt.1" "$f" >/dev/null 2>&1 || fail "$f: --format $fmt failed"
        $T run --format $fmt -o "$tmp/$fmt.2" "$f" >/dev/null 2>&1
        cmp -s "$tmp/$fmt.1" "$tmp/$fmt.2" || fail "$f: two runs differ ($fmt)"
    done
    python3 tests/cli/check_perfetto.py "$f" "$tmp/perfetto.1" || fail "$f: perfetto output"
    python3 tests/cli/check_jsonl.py "$tmp/jsonl.1" || fail "$f: jsonl output"
    echo "ok   $f"
done
# examples/embed: the library embedded in a 80-line host, no simulator (seed 003's story)
E=build/examples/embed-seed003
if [ -x $E ]; then
    $E >"$tmp/embed" 2>&1; st=$?
    [ $st = 0 ] || fail "$E: exit status $st"
    [ "$(grep -c 'exit: [0-9]* (code 0xf)' "$tmp/embed")" = 3 ] || fail "$E: want 3 threads exiting with code 0xf"
    grep -q '^wait4 = 3, status 0xf: killed by signal 15$' "$tmp/embed" || fail "$E: wait status line"
    [ $st = 0 ] && echo "ok   $E"
else
    fail "$E: not built (make all builds it)"
fi
[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
echo "all examples ok"
