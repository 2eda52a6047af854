#!/bin/sh
# tests/cli/man.sh - the man page renders without warnings and covers what it must.
command -v man >/dev/null 2>&1 || { echo "man is not installed"; exit 77; }
out=$(MANWIDTH=80 man -l docs/tgsig.1 2>&1) || { echo "man -l failed"; echo "$out"; exit 1; }
for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "tgsig run" "tgsig check" \
         --repeat --json --no-trace --timeout --format --seed --explain --quiet; do
    printf '%s\n' "$out" | grep -qF -- "$s" || { echo "man page lacks: $s"; exit 1; }
done
if command -v groff >/dev/null 2>&1; then
    w=$(groff -ww -man -z docs/tgsig.1 2>&1)
    [ -z "$w" ] || { echo "groff warnings:"; echo "$w"; exit 1; }
fi
echo "man page ok"
