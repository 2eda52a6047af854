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
echo "check output ok"
