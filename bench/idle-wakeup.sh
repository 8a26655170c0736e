#!/usr/bin/env bash
# idle-wakeup.sh: how late a latency-critical subOS's task wakes when a batch subOS's busy loops run on the same CPU
# in the scheduler's idle class (rfm lend LC BATCH --idle), against the same loops on the batch's own CPU.
#
#   bench/idle-wakeup.sh [-n SLEEPS]      (as root, after ./rfm --version; needs python3 and two CPUs for subOSes)
#
# A scratch state directory (/tmp/rf-idle-wakeup, its own cgroup prefix) gets two cells of one CPU each, lc and batch;
# batch runs two busy loops. Inside lc, python3 sleeps 1 ms SLEEPS times and records how much later than asked each
# sleep ended; printed: p50, p99, p99.9 and the maximum of that lateness, first with the loops on batch's own CPU,
# then with batch idle-sharing lc's CPU. Everything is removed at the end. The load average is printed before and
# after: compare only numbers taken in the same window.
set -euo pipefail
sleeps=2000
while getopts "n:" opt; do
  case "$opt" in
    n) sleeps="$OPTARG" ;;
    *) echo "usage: $0 [-n SLEEPS]" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rfm="$here/.build/bin/rfm"
[ -x "$rfm" ] || { echo "idle-wakeup: $rfm is missing (run ./rfm --version first)" >&2; exit 2; }
state=/tmp/rf-idle-wakeup
cleanup() {
  "$rfm" --state-dir "$state" deinit --force >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT
rm -rf "$state"
r() { "$rfm" --state-dir "$state" "$@"; }
probe='
import sys, time
n = int(sys.argv[1])
late = []
for _ in range(n):
    t0 = time.perf_counter()
    time.sleep(0.001)
    late.append((time.perf_counter() - t0 - 0.001) * 1e6)
late.sort()
print("p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us" % (late[n // 2], late[int(n * 0.99)], late[int(n * 0.999)], late[-1]))
'
r init --reserve-cpus "" --reserve-memory 512M >/dev/null
r create lc --cpus 1 --memory 128M >/dev/null
r create batch --cpus 1 --memory 128M >/dev/null
r exec batch -- sh -c '(while :; do :; done) >/dev/null 2>&1 & (while :; do :; done) >/dev/null 2>&1 &'
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "batch's loops on its own CPU:     $(r exec lc -- python3 -c "$probe" "$sleeps")"
r lend lc batch --idle >/dev/null
echo "batch idle-sharing lc's CPU:      $(r exec lc -- python3 -c "$probe" "$sleeps")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
