#!/bin/sh
# tests/cli/random.sh - tgsig run/check --random: generated scenarios are byte-identical for a
# seed, --keep writes them (and they replay as files), reports name each scenario by its seed,
# exit statuses. The kernel half runs only as root on Linux (and not under TGS_TEST_QUICK).
T=./bin/tgsig
[ -x $T ] || { echo "bin/tgsig is not built"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { fails=$((fails+1)); echo "FAIL $*"; }

# run --random: one line per scenario and a summary; the same seeds give the same output
$T run --random 20 --seed 7 > "$tmp/run1" 2>&1; st=$?
[ $st = 0 ] || fail "run --random 20 --seed 7 exit $st"; cat "$tmp/run1" | tail -3
[ "$(grep -c '^random-[0-9]*: ok' "$tmp/run1")" = 20 ] || fail "run --random: 20 ok lines"
grep -qx 'random: 20 scenarios, seeds 7..26: 20 ok, 0 failed, 0 errors' "$tmp/run1" || fail "run --random summary"
$T run --random 20 --seed 7 > "$tmp/run2" 2>&1
cmp -s "$tmp/run1" "$tmp/run2" || fail "run --random is not deterministic"
sed -n 1p "$tmp/run1" | grep -q '^random-7: ' || fail "the first scenario is random-7"
$T run --random 1 > "$tmp/run3" 2>&1
grep -q '^random-1: ok' "$tmp/run3" || fail "--seed defaults to 1"

# --keep: the files, byte-identical across runs; each replays as a file
$T run --random 5 --seed 100 --keep "$tmp/a" > "$tmp/keep1" 2>&1 || fail "run --keep"
$T run --random 5 --seed 100 --keep "$tmp/b" > /dev/null 2>&1 || fail "run --keep (2)"
[ "$(ls "$tmp/a" | wc -l)" = 5 ] || fail "--keep wrote $(ls "$tmp/a" | wc -l) files, not 5"
for s in 100 101 102 103 104; do
    f=random-$s.tgs
    [ -f "$tmp/a/$f" ] || { fail "no $f"; continue; }
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two generations"
    head -1 "$tmp/a/$f" | grep -q "^# random-$s: " || fail "$f: first line"
    $T parse "$tmp/a/$f" || fail "$f does not parse"
    $T run --quiet "$tmp/a/$f" > /dev/null || fail "$f does not hold as a file"
done
grep -q "^$tmp/a/random-100.tgs: ok" "$tmp/keep1" || fail "with --keep the report names the file"
: > "$tmp/notdir"
$T run --random 1 --keep "$tmp/notdir" > /dev/null 2>&1; st=$?
[ $st = 2 ] || fail "--keep on a plain file: exit $st, want 2"

# check --random: verdict lines named random-SEED, the random: line, the summary
if [ "$(id -u)" = 0 ] && [ "$(uname -s)" = Linux ] && [ -z "$TGS_TEST_QUICK" ]; then
    $T check --no-trace --random 3 --seed 11 --keep "$tmp/c" > "$tmp/chk" 2>&1; st=$?
    cat "$tmp/chk" | grep -v '^  '
    [ "$(grep -cE "^$tmp/c/random-1[123].tgs: (agree|DIFFER|FAILED|FLAKY|skipped)" "$tmp/chk")" = 3 ] \
        || fail "check --random 3: three verdict lines"
    grep -q '^random: 3 scenarios, seeds 11..13' "$tmp/chk" || fail "check --random: the random: line"
    tail -1 "$tmp/chk" | grep -qE '^[0-9]+ agree, [0-9]+ differ, [0-9]+ skipped' || fail "check --random: summary"
    nd=$(grep -cE ': (DIFFER|FAILED|FLAKY)' "$tmp/chk")
    [ "$(ls "$tmp/c" | grep -c '\.diff$')" = "$nd" ] || fail "one .diff per disagreement"
    if [ "$nd" = 0 ]; then [ $st = 0 ] || fail "check exit $st with all agreeing"
    else [ $st = 1 ] || fail "check exit $st with a disagreement"; fi
    $T check --no-trace --json --random 1 --seed 11 > "$tmp/json" 2>&1
    grep -q '^{"file":"random-11","verdict":' "$tmp/json" || fail "check --json --random"
else
    echo "check --random against the kernel: skipped (not root on Linux, or TGS_TEST_QUICK)"
fi

[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
echo "random: all checks passed"
