#!/bin/sh
# tests/cli/usage.sh - exit statuses and messages of tgsig for usage errors, bad input and --help.
# Run from the repository root. Exit 0 pass, 77 skip, else fail.
T=./bin/tgsig
[ -x $T ] || { echo "bin/tgsig is not built"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect STATUS STREAM(out|err|none) PATTERN -- command...   (PATTERN: a fixed string)
expect() {
    want=$1 stream=$2 pat=$3; shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"; st=$?
    ok=1
    [ "$st" = "$want" ] || ok=0
    case $stream in
    out) grep -qF -- "$pat" "$tmp/out" || ok=0 ;;
    err) grep -qF -- "$pat" "$tmp/err" || ok=0 ;;
    none) [ -s "$tmp/out" ] || [ -s "$tmp/err" ] && ok=0 ;;
    esac
    if [ $ok = 1 ]; then echo "ok   $*"; else
        fails=$((fails+1)); echo "FAIL $* (exit $st, want $want; $stream should contain '$pat')"
        sed 's/^/  out: /' "$tmp/out" | head -5; sed 's/^/  err: /' "$tmp/err" | head -5
    fi
}

# no arguments, unknown commands and options
expect 2 err "missing command" -- $T
expect 2 err "unknown command 'frob'" -- $T frob
expect 2 err "unknown option '--frob'" -- $T --frob
expect 2 err "unknown option '--frob'" -- $T run --frob x.tgs
expect 2 err "unknown option '--frob'" -- $T check --frob x.tgs
expect 2 err "missing FILE" -- $T run
expect 2 err "missing FILE" -- $T check
expect 2 err "--format needs" -- $T run --format svg x.tgs
expect 2 err "--seed needs" -- $T run --seed banana x.tgs
expect 2 err "--repeat needs" -- $T check --repeat 0 x.tgs
expect 2 err "--timeout needs" -- $T check --timeout
expect 2 err "--random needs a count" -- $T check --random 0
expect 2 err "--random needs a count" -- $T run --random x
expect 2 err "--seed needs --random" -- $T check --seed 1 x.tgs
expect 2 err "--keep needs --random" -- $T check --keep "$tmp/k" x.tgs
expect 2 err "--keep needs --random" -- $T run --keep "$tmp/k" x.tgs
expect 2 err "--random takes no FILE" -- $T run --random 2 x.tgs
expect 2 err "--random prints no trace" -- $T run --random 2 --format jsonl
expect 2 err "--keep needs a directory" -- $T check --random 1 --keep

# help and version
expect 0 out "usage: tgsig COMMAND" -- $T --help
expect 0 out "usage: tgsig COMMAND" -- $T -h
expect 0 out "usage: tgsig run FILE" -- $T run --help
expect 0 out "usage: tgsig check FILE..." -- $T check --help
expect 0 out "usage: tgsig parse FILE" -- $T parse --help
expect 0 out "usage: tgsig check FILE..." -- $T help check
expect 0 out "tgsig 0." -- $T --version

# missing files
expect 2 err "$tmp/none.tgs:1:1: cannot open: " -- $T run "$tmp/none.tgs"
expect 2 err "$tmp/none.tgs:1:1: cannot open: " -- $T check "$tmp/none.tgs"
expect 2 err "$tmp/none.tgs:1:1: cannot open: " -- $T parse "$tmp/none.tgs"

# a syntax error: the exact file:line:col: prefix
printf 'process app\n  thread main\napp.main: frobnicate SIGUSR1\n' >"$tmp/syntax.tgs"
expect 2 err "$tmp/syntax.tgs:3:11: " -- $T run "$tmp/syntax.tgs"
expect 2 err "$tmp/syntax.tgs:3:11: " -- $T check "$tmp/syntax.tgs"
expect 2 err "$tmp/syntax.tgs:3:11: " -- $T parse "$tmp/syntax.tgs"
printf 'process app\napp.main: kill app SIGNOPE\n' >"$tmp/sig.tgs"
expect 2 err "$tmp/sig.tgs:2:20: " -- $T parse "$tmp/sig.tgs"

# a well-formed file parses silently
printf 'process app\napp.main: raise SIGUSR1\nexpect app killed-by SIGUSR1\n' >"$tmp/ok.tgs"
expect 0 none "" -- $T parse "$tmp/ok.tgs"
# a bad file among good ones still makes check exit 2
expect 2 err "$tmp/syntax.tgs:3:11: " -- $T check "$tmp/ok.tgs" "$tmp/syntax.tgs"

# -o to a directory that does not exist
expect 2 err "cannot open" -- $T run -o "$tmp/no/such/dir/out" "$tmp/ok.tgs"

[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
echo "all usage checks passed"
