#!/bin/sh
# tests/cli/fuzz_smoke.sh - a short run of each libFuzzer target (fuzz/run.sh): 60 s each, or 5 s
# with TGS_TEST_QUICK set. The regression cases in fuzz/regress/ are replayed first. Exit 77
# (skip) when clang's libFuzzer is not available.
cd "$(dirname "$0")/../.." || exit 2
secs=60
[ -n "$TGS_TEST_QUICK" ] && secs=5
[ -n "$TGS_FUZZ_SECONDS" ] && secs=$TGS_FUZZ_SECONDS
# Both targets are fuzzed for $secs seconds each, after their regression cases are replayed.
./fuzz/run.sh "$secs" parse core
st=$?
if [ $st = 77 ]; then echo "skip: clang with libFuzzer (-fsanitize=fuzzer) is not available"; exit 77; fi
exit $st
