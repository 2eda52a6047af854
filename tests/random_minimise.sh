#!/bin/sh
# tests/random_minimise.sh - shrink a scenario while `tgsig check` still reports a difference.
# usage: tests/random_minimise.sh FILE REGEX [OUT]
# Drops one line at a time (steps, expects, status lines, thread and process lines; never the
# first comment line) and keeps a drop when the file still parses and `tgsig check --no-trace`
# still prints a diff line matching REGEX (grep -E). Repeats until no single line can go.
# Writes the result to OUT (default FILE.min) and prints it.
T=${TGSIG:-./bin/tgsig}
f=$1 re=$2 out=${3:-$1.min}
[ -f "$f" ] && [ -n "$re" ] || { echo "usage: $0 FILE REGEX [OUT]" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
holds() { # file
    $T parse "$1" >/dev/null 2>&1 || return 1
    $T check --no-trace "$1" 2>/dev/null | grep -v "expectation failed" | grep -E '^  ' | grep -qE -- "$re"
}
cp "$f" "$tmp/cur.tgs"
holds "$tmp/cur.tgs" || { echo "$f: no difference matching '$re' to start with" >&2; exit 1; }
changed=1
while [ $changed = 1 ]; do
    changed=0
    n=$(wc -l < "$tmp/cur.tgs")
    i=$n
    while [ $i -ge 2 ]; do
        line=$(sed -n "${i}p" "$tmp/cur.tgs")
        case $line in
        ''|'#'*|machine*) i=$((i-1)); continue ;;
        esac
        sed "${i}d" "$tmp/cur.tgs" > "$tmp/try.tgs"
        if holds "$tmp/try.tgs"; then cp "$tmp/try.tgs" "$tmp/cur.tgs"; changed=1; fi
        i=$((i-1))
    done
done
grep -v '^$' "$tmp/cur.tgs" > "$out"
cat "$out"
$T check --no-trace "$out"
