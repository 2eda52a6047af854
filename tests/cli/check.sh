#!/bin/sh
# tests/cli/check.sh - `tgsig check` output shapes: one line per scenario and a summary line;
# --json gives one valid JSON object per scenario plus a summary object; exit status agrees with
# the verdicts. Works with or without a usable real kernel (then every scenario is skipped).
T=./bin/tgsig
[ -x $T ] || { echo "bin/tgsig is not built"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is missing"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/raise.tgs" <<'TGS'
# a single-threaded process raises SIGUSR1 with no handler: it dies by it
process shell
process app parent=shell
app.main: raise SIGUSR1
expect app killed-by SIGUSR1
shell.main: wait app
expect shell.main waited app killed SIGUSR1
TGS
$T check "$tmp/raise.tgs" >"$tmp/out" 2>"$tmp/err"; st=$?
cat "$tmp/out"
line=$(head -1 "$tmp/out")
case $line in
"$tmp/raise.tgs: agree"*) want=0 ;;
"$tmp/raise.tgs: skipped ("*")") want=0 ;;
"$tmp/raise.tgs: DIFFER"|"$tmp/raise.tgs: FAILED"|"$tmp/raise.tgs: FLAKY") want=1 ;;
*) echo "FAIL unexpected first line: $line"; cat "$tmp/err"; exit 1 ;;
esac
[ $st = $want ] || { echo "FAIL exit status $st, want $want"; exit 1; }
tail -1 "$tmp/out" | grep -Eq '^[0-9]+ agree, [0-9]+ differ, [0-9]+ skipped' || { echo "FAIL summary line"; exit 1; }

$T check --json "$tmp/raise.tgs" "$tmp/raise.tgs" >"$tmp/json" 2>"$tmp/err"; jst=$?
python3 - "$tmp/json" <<'PY' || exit 1
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
objs = [json.loads(l) for l in lines]
assert len(objs) == 3, "want 2 scenarios + summary, got %d" % len(objs)
for o in objs[:2]:
    assert o["verdict"] in ("agree", "differ", "failed", "flaky", "skipped", "error"), o
    for key in ("file", "reason", "differences", "diff", "expect_failures"):
        assert key in o, key
assert "summary" in objs[2]
print("json ok:", objs[0]["verdict"])
PY
[ $jst = $st ] || { echo "FAIL --json exit status $jst differs from $st"; exit 1; }

# An expectation false on both sides: the two runs agree, but the file fails (FAILED), so the
# exit status is 1 and the summary says ", 1 failed" (when the kernel can be used).
cat >"$tmp/failed.tgs" <<'TGS'
process shell
process app parent=shell
app.main: raise SIGUSR1
expect app exited 0
TGS
$T check "$tmp/failed.tgs" "$tmp/raise.tgs" >"$tmp/out2" 2>"$tmp/err"; st=$?
cat "$tmp/out2"
sum=$(tail -1 "$tmp/out2")
case $(head -1 "$tmp/out2") in
"$tmp/failed.tgs: FAILED")
    [ $st = 1 ] || { echo "FAIL exit status $st with a FAILED scenario, want 1"; exit 1; }
    echo "$sum" | grep -Eq '^[0-9]+ agree, [0-9]+ differ, [0-9]+ skipped, 1 failed$' \
        || { echo "FAIL summary line: $sum"; exit 1; } ;;
"$tmp/failed.tgs: skipped ("*")")
    [ $st = 0 ] || { echo "FAIL exit status $st with every scenario skipped, want 0"; exit 1; }
    [ "$sum" = "0 agree, 0 differ, 2 skipped" ] || { echo "FAIL summary line: $sum"; exit 1; } ;;
*) echo "FAIL unexpected first line: $(head -1 "$tmp/out2")"; exit 1 ;;
esac
# the summary never shows zero counts of the optional verdicts
tail -1 "$tmp/out" | grep -Eq '^[0-9]+ agree, [0-9]+ differ, [0-9]+ skipped((, [1-9][0-9]* (flaky|failed))*)$' \
    || { echo "FAIL summary line: $(tail -1 "$tmp/out")"; exit 1; }
echo "check output ok"
