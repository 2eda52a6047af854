#!/bin/sh
# tests/cli/check_concurrent.sh - two `tgsig check` runs at once, with tracing, as two engineers'
# worktrees do: both must give the same verdicts as a run alone (every scenario agrees, trace-only
# expectations included), and afterwards nothing may be left: no tgsig tracefs instance of either
# run, no process of either run (found by a tag in their environment, which every scenario process
# inherits). Needs root on Linux (tracefs); skipped (77) otherwise.
T=./bin/tgsig
[ -x $T ] || { echo "bin/tgsig is not built"; exit 77; }
[ "$(id -u)" = 0 ] && [ "$(uname -s)" = Linux ] || { echo "skip: needs root on Linux"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tag=tgsig-cc-$$-$(date +%s%N)

# scenarios: a trace-only expectation (delivered), kill -1 (the runner's pid namespace), SigQ of
# root (the runner's user namespace), stop/continue and a fatal fan-out
files="tests/conformance/seeds/seed-003_last_signal_is_sigkill.tgs
tests/conformance/generation/gen-008_kill_minus1.tgs
tests/conformance/perm/perm-008_kill_minus1_never_eperm.tgs
tests/conformance/rt/rt-001_sigqueue_rlimit.tgs
tests/conformance/rt/rt-007_per_uid_across_processes.tgs
tests/conformance/jobctl/job-002_sigcont_one_thread_resumes_all.tgs
tests/conformance/fatal/fat-001_sigterm_fanout.tgs
tests/conformance/dequeue/deq-001_row2_exact_order.tgs
tests/conformance/init/init-002_parent_ns_sigkill_kills.tgs"
for f in $files; do [ -f "$f" ] || { echo "FAIL missing $f"; exit 1; }; done

# env execs tgsig, so $! is tgsig's own pid (the instances are named after it)
env TGSIG_CC_TAG=$tag $T check --json --repeat 2 $files >"$tmp/a" 2>&1 &
pa=$!
env TGSIG_CC_TAG=$tag $T check --json --repeat 2 $files >"$tmp/b" 2>&1 &
pb=$!
# watchdog: the runs are bounded (10 minutes); it leaves nothing behind either
( sleep 600 & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill $pa $pb ) >/dev/null 2>&1 &
dog=$!
wait $pa; sa=$?
wait $pb; sb=$?
kill $dog 2>/dev/null; wait $dog
n=$(echo "$files" | wc -l)
# every scenario agrees and every expectation was observable (the trace-only ones need the
# run's own tracefs instance)
for r in a b; do
    cat "$tmp/$r"
    got=$(grep '"verdict":"agree"' "$tmp/$r" | grep -c '"unobservable":0,')
    [ "$got" = "$n" ] || { echo "FAIL run $r: $got of $n scenarios agree with every expectation observed"; exit 1; }
done
[ $sa = 0 ] && [ $sb = 0 ] || { echo "FAIL exit status $sa / $sb"; exit 1; }

# nothing left running: every process of both runs carries the tag in its environment
sleep 0.2
left=$(grep -l "TGSIG_CC_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null | wc -l)
[ "$left" = 0 ] || { echo "FAIL $left processes of the runs are still there"; exit 1; }

# no instance left by either run (instances are named tgsig-PID-...; list them through a private
# tracefs mount when none is mounted)
list_instances() {
    if [ -d /sys/kernel/tracing/instances ]; then ls /sys/kernel/tracing/instances
    else unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing && ls /sys/kernel/tracing/instances'
    fi
}
inst=$(list_instances 2>/dev/null | grep -E "^tgsig-($pa|$pb)-" | wc -l)
[ "$inst" = 0 ] || { echo "FAIL $inst tracefs instances of the runs are left"; exit 1; }
echo "concurrent checks ok"
