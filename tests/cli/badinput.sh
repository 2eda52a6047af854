#!/bin/sh
# tests/cli/badinput.sh - bad and huge input never crashes or hangs tgsig.
# Binary garbage, a NUL byte, a 10 MB file, a 1 MB line, a scenario declaring 1M threads, deep
# handler nesting, a scenario that never settles, an empty and a missing file: each gives a clear
# `file:line:col: message` error (exit 2) or a bounded run with a clear message - never a crash
# (exit >= 128), never a timeout.
cd "$(dirname "$0")/../.." || exit 2
T=${TGSIG:-./bin/tgsig}
[ -x "$T" ] || { echo "no $T (build first)"; exit 77; }
D=$(mktemp -d /tmp/tgs-badinput.XXXXXX)
trap 'rm -rf "$D"' EXIT
fail=0; n=0

# expect NAME WANT_STATUS REGEX CMD...: run with a time limit; check status and that the output
# (stdout+stderr) matches REGEX (grep -E).
expect() {
    name=$1; want=$2; re=$3; shift 3
    n=$((n+1))
    timeout 60 "$@" > "$D/out" 2>&1
    st=$?
    if [ $st = 124 ]; then echo "FAIL $name: timed out"; fail=$((fail+1)); return; fi
    if [ $st -ge 128 ]; then echo "FAIL $name: crashed (status $st)"; tail -5 "$D/out"; fail=$((fail+1)); return; fi
    case " $want " in
    *" $st "*) ;;
    *) echo "FAIL $name: exit $st, want $want"; tail -5 "$D/out"; fail=$((fail+1)); return ;;
    esac
    if [ -n "$re" ] && ! grep -Eq "$re" "$D/out"; then
        echo "FAIL $name: output does not match /$re/:"; head -c 600 "$D/out"; echo; fail=$((fail+1)); return
    fi
    echo "ok   $name: exit $st: $(grep -E "$re" "$D/out" | head -1 | cut -c1-140)"
}

# 1. binary garbage (deterministic bytes: every byte value, shuffled by a fixed LCG)
awk 'BEGIN { x = 12345; for (i = 0; i < 65536; i++) { x = (x * 1103515245 + 12345) % 2147483648;
     printf "%c", int(x / 65536) % 256 } }' > "$D/garbage.tgs" 2>/dev/null
head -c 256 /dev/zero | tr '\0' 'A' >> "$D/garbage.tgs"
for c in run parse check; do
    expect "garbage ($c)" 2 "garbage\.tgs:[0-9]+:[0-9]+: " "$T" $c "$D/garbage.tgs"
done
printf 'machine cpus=1\nprocess a\x00b\n' > "$D/nul.tgs"
expect "NUL byte" 2 "nul\.tgs:2:[0-9]+: .*(NUL|x00)" "$T" run "$D/nul.tgs"
printf 'process app\napp: kill app \001SIGUSR1\n' > "$D/ctl.tgs"
expect "control byte" 2 "ctl\.tgs:2:[0-9]+: .*(binary|byte)" "$T" run "$D/ctl.tgs"
printf 'process app\n# caf\303\251\napp: kill app SIGUSR1 \303\251\n' > "$D/utf8.tgs"
expect "non-ASCII outside a comment" 2 "utf8\.tgs:3:[0-9]+: .*(ASCII|byte)" "$T" run "$D/utf8.tgs"

# 2. a 10 MB file: 10 MB of comments, then a small valid scenario (parses and runs, bounded)
awk 'BEGIN { for (i = 0; i < 160000; i++) print "# padding line number " i " .................................." }' > "$D/big.tgs"
printf 'machine cpus=1\nprocess shell\nprocess app parent=shell\napp: pause\nshell: kill app SIGTERM => 0\nexpect app killed-by SIGTERM\n' >> "$D/big.tgs"
expect "10 MB file" 0 "expectation.* held|held" "$T" run --quiet "$D/big.tgs"
# ... and 10 MB of statements with an error at the very end
awk 'BEGIN { print "process app"; for (i = 0; i < 400000; i++) print "expect app alive" ; print "bogus statement" }' > "$D/big2.tgs"
expect "10 MB file, error at the end" 2 "big2\.tgs:400002:1: " "$T" parse "$D/big2.tgs"

# 3. a line of 1 MB
{ printf 'process app\napp: kill app SIGUSR1 '; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '\n'; } > "$D/longline.tgs"
expect "1 MB line" 2 "longline\.tgs:2:[0-9]+: .*too long" "$T" run "$D/longline.tgs"
head -c 1048576 /dev/zero | tr '\0' 'x' > "$D/noeol.tgs"
expect "1 MB without a newline" 2 "noeol\.tgs:1:[0-9]+: " "$T" run "$D/noeol.tgs"

# 4. a scenario declaring 1M threads
awk 'BEGIN { print "process app"; for (i = 0; i < 1000000; i++) print "  thread t" i }' > "$D/threads.tgs"
expect "1M threads" 2 "threads\.tgs:[0-9]+:[0-9]+: .*too many threads" "$T" run "$D/threads.tgs"
# 1M processes: also refused (or bounded), never a crash
awk 'BEGIN { for (i = 0; i < 1000000; i++) print "process p" i }' > "$D/procs.tgs"
expect "1M processes" 2 "procs\.tgs:[0-9]+:[0-9]+: " "$T" run "$D/procs.tgs"
# 10000 steps: a long but valid run is bounded and finishes
awk 'BEGIN { print "process shell"; print "process app parent=shell";
     print "app: sigaction SIGUSR1 handler => 0";
     for (i = 0; i < 10000; i++) print "shell: kill app SIGUSR1 => 0";
     print "expect app.main handled SIGUSR1 times=10000" }' > "$D/steps.tgs"
expect "10000 steps" 0 "held" "$T" run --quiet "$D/steps.tgs"

# 5. deep handler nesting: each handler raises the next signal (NODEFER chains, depth > 8)
{
    echo "machine cpus=1"
    echo "process app"
    sigs="SIGHUP SIGINT SIGQUIT SIGUSR1 SIGUSR2 SIGPIPE SIGALRM SIGTERM SIGXCPU SIGXFSZ SIGVTALRM SIGPROF"
    prev=""
    for s in $sigs; do
        [ -n "$prev" ] && echo "app: sigaction $prev handler flags=SA_NODEFER do raise $s => 0"
        prev=$s
    done
    echo "app: sigaction $prev handler => 0"
    echo "app: raise SIGHUP"
} > "$D/nest.tgs"
expect "deep handler nesting" "1 2" "nest\.tgs.*(nest|deep|depth)" "$T" run --quiet "$D/nest.tgs"
# a handler that raises its own signal with SA_NODEFER: unbounded recursion
printf 'process app\napp: sigaction SIGUSR1 handler flags=SA_NODEFER do raise SIGUSR1 => 0\napp: raise SIGUSR1\n' > "$D/recurse.tgs"
expect "self-raising handler" "1 2" "recurse\.tgs.*(nest|deep|depth|settle)" "$T" run --quiet "$D/recurse.tgs"

# 6. a scenario that never settles: two processes bounce a signal forever
cat > "$D/pingpong.tgs" <<'EOF'
machine cpus=1
process a
process b
a: sigaction SIGUSR1 handler do kill b SIGUSR1 => 0
b: sigaction SIGUSR1 handler do kill a SIGUSR1 => 0
a: kill b SIGUSR1
EOF
expect "never settles" "1 2" "pingpong\.tgs.*(settle|events|bound)" "$T" run --quiet "$D/pingpong.tgs"

# 7. odd files
: > "$D/empty.tgs"
expect "empty file" "0" "" "$T" run --quiet "$D/empty.tgs"
expect "missing file" 2 "nonexistent\.tgs" "$T" run "$D/nonexistent.tgs"
expect "a directory" 2 "$D" "$T" run "$D"
printf 'process app\r\napp: kill app SIGUSR1\r\n' > "$D/crlf.tgs"
expect "CRLF line ends" "0" "" "$T" parse "$D/crlf.tgs"

echo "badinput: $((n-fail))/$n cases ok"
[ $fail = 0 ]
