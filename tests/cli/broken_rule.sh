#!/bin/sh
# tests/cli/broken_rule.sh - the checker catches a deliberately broken model rule.
#
# Builds, straight with the C compiler (not make, so bin/ and build/ are left alone), a variant
# of tgsig from the same sources with -DTGS_BREAK_DEQUEUE_ORDER, which makes the model's
# dequeue_signal take the shared queue before the private one (src/core/dequeue.c). `tgsig
# check` of deq-002 (private before shared) with that binary must then exit 1 and print a
# model-vs-kernel difference about the order in which app.t1 got SIGHUP and SIGUSR2.
# Skips (77) while src/core/dequeue.c does not know the macro, or when the kernel side cannot
# run here (the scenario is then only skipped, which proves nothing).
cd "$(dirname "$0")/../.." || exit 2
grep -q TGS_BREAK_DEQUEUE_ORDER src/core/dequeue.c 2>/dev/null || {
    echo "skip: TGS_BREAK_DEQUEUE_ORDER not in src/core/dequeue.c yet"; exit 77; }
SCEN=tests/conformance/dequeue/deq-002_private_before_shared.tgs
[ -f $SCEN ] || { echo "skip: $SCEN is missing"; exit 77; }
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || { echo "skip: no C compiler ($CC)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# the same flags as the Makefile, plus the macro
if ! "$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Iinclude -Isrc \
        -DTGS_BREAK_DEQUEUE_ORDER -o "$tmp/tgsig-broken" \
        src/core/*.c src/scenario/*.c src/sim/*.c src/kernel/*.c src/cli/*.c -lpthread \
        >"$tmp/cc.log" 2>&1; then
    echo "FAIL the broken variant does not build:"; cat "$tmp/cc.log"; exit 1
fi

"$tmp/tgsig-broken" check $SCEN >"$tmp/out" 2>"$tmp/err"; st=$?
cat "$tmp/out"
case $(head -1 "$tmp/out") in
"$SCEN: skipped"*) echo "skip: the kernel side cannot run here"; exit 77 ;;
esac
[ $st = 1 ] || { echo "FAIL exit status $st with a broken dequeue rule, want 1"; cat "$tmp/err"; exit 1; }
head -1 "$tmp/out" | grep -q "^$SCEN: DIFFER$" || { echo "FAIL the scenario is not reported as DIFFER"; exit 1; }
# a diff line about what app.t1 got (the results of its sigtimedwaits, signal numbers: SIGHUP
# is 1, SIGUSR2 12; or handlers / delivered order where a variant of the scenario has them)
grep -E '^  app\.t1 (results|handlers|delivered): model \[.*\] kernel \[' "$tmp/out" \
    | grep -E 'SIGHUP|=> 1[],]' | grep -Eq 'SIGUSR2|=> 12[],]' \
    || { echo "FAIL no model-vs-kernel line about app.t1's dequeue order"; exit 1; }
tail -1 "$tmp/out" | grep -Eq '^0 agree, 1 differ, 0 skipped' || { echo "FAIL summary line"; exit 1; }
# and the unbroken build agrees on the same scenario
if [ -x bin/tgsig ]; then
    ./bin/tgsig check $SCEN >"$tmp/good" 2>&1; gst=$?
    head -1 "$tmp/good" | grep -q "^$SCEN: agree" && [ $gst = 0 ] \
        || { echo "FAIL the unbroken bin/tgsig does not agree on $SCEN:"; cat "$tmp/good"; exit 1; }
fi
echo "broken rule caught"
