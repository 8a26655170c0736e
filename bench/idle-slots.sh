#!/usr/bin/env bash
# idle-slots.sh: how much batch work an idle-sharing batch gets, and what it costs a memcached beside it, by how many
# batch jobs run and where: the question behind the agility experiment's "one job per CPU the LC left at least half
# idle" (rfm bench elastic, slack-idle).
#
#   bench/idle-slots.sh [-s SECONDS] [-r RATE] [ARRANGEMENT ...]   (as root, after ./rfm --version; cgroup v1 cpuset
#                                                                   and cpu hierarchies, Linux 5.15 or later, two CPUs)
#
# Arrangements (default: all, in this order; the LC is memcached -t 1 on CPU 0, or on CPUs 0-1 for the lc2 ones):
#   static     one job at normal weight on CPU 1 (the static partition)
#   idle1      one job in an idle-class group on CPUs 0-1 (idle sharing, one job)
#   idle2      two jobs in the idle-class group on CPUs 0-1 (idle sharing, one job per CPU at least half idle)
#   split      one job at normal weight on CPU 1 and one in the idle-class group on CPU 0 (a borrower split in two)
#   lc2idle1   the LC on both CPUs, one idle-class job on both
#   lc2idle2   the LC on both CPUs, two idle-class jobs on both
#   lc1, lc2   the LC alone on one CPU, on both (no batch)
# Each runs SECONDS (25) of rf-loadgen at RATE (3575, the default trace's mean) req/s, Poisson, against memcached on
# loopback, while the jobs run stress-ng matrixprod; printed per arrangement: the jobs' bogo ops (batch work), the
# LC's p50, p99 and p99.9, and rf-loadgen's own CPU use. The groups are plain cgroups named rf-idle-slots (cpuset)
# and rf-idle-slots and rf-idle-slots.idle (cpu; the idle one at the root, as RainForest's PREFIX.idle, so that it
# ranks below every host task): this measures the scheduler, not rfm. Only the processes it started are stopped,
# and every group it made is removed at the end, also on failure. Compare numbers of the same run only.
set -euo pipefail
seconds=25
rate=3575
while getopts "s:r:" opt; do
  case "$opt" in
    s) seconds="$OPTARG" ;;
    r) rate="$OPTARG" ;;
    *) echo "usage: $0 [-s SECONDS] [-r RATE] [static|idle1|idle2|split|lc2idle1|lc2idle2|lc1|lc2 ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
loadgen="$here/.build/bin/bench/tools/rf-loadgen"
[ -x "$loadgen" ] || { echo "idle-slots: $loadgen is missing (run ./rfm --version first)" >&2; exit 2; }
for tool in memcached stress-ng python3; do
  command -v "$tool" >/dev/null || { echo "idle-slots: $tool is not installed" >&2; exit 2; }
done
cpuset=/sys/fs/cgroup/cpuset
cpu=/sys/fs/cgroup/cpu
[ -f "$cpuset/cpuset.cpus" ] && [ -f "$cpu/cpu.idle" ] || { echo "idle-slots: needs the cgroup v1 cpuset and cpu hierarchies with cpu.idle" >&2; exit 2; }
arrangements=("$@")
[ ${#arrangements[@]} -gt 0 ] || arrangements=(static idle1 idle2 split lc2idle1 lc2idle2)
for a in "${arrangements[@]}"; do
  case "$a" in static|idle1|idle2|split|lc2idle1|lc2idle2|lc1|lc2) ;; *) echo "idle-slots: unknown arrangement '$a'" >&2; exit 2 ;; esac
done

set_root="$cpuset/rf-idle-slots"
normal="$cpu/rf-idle-slots"
idle="$cpu/rf-idle-slots.idle"
out="$(mktemp -d /tmp/rf-idle-slots.XXXXXX)"
port=22199
cleanup() {
  # Only tasks in this script's own groups: the ones it started.
  for tasks in "$set_root"/*/tasks; do
    [ -f "$tasks" ] && xargs -r kill < "$tasks" 2>/dev/null || true
  done
  sleep 0.5
  for d in "$set_root"/*/ "$idle"/*/ "$normal"/*/; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
  done
  for d in "$set_root" "$idle" "$normal"; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
  done
  rm -rf "$out"
}
trap cleanup EXIT

mkdir -p "$set_root" "$normal/lc" "$normal/batch" "$idle/batch"
cat "$cpuset/cpuset.mems" > "$set_root/cpuset.mems"
echo 0-1 > "$set_root/cpuset.cpus"
echo 1 > "$idle/cpu.idle"

group() { # NAME CPUS: a cpuset group below rf-idle-slots
  mkdir -p "$set_root/$1"
  cat "$set_root/cpuset.mems" > "$set_root/$1/cpuset.mems"
  echo "$2" > "$set_root/$1/cpuset.cpus"
}

run() { # NAME LC-CPUS [JOB-CPUS normal|idle ...]
  local name=$1 lc=$2 i=0 jobs=() memcached
  shift 2
  group lc "$lc"
  bash -c "echo \$\$ > $set_root/lc/tasks; echo \$\$ > $normal/lc/tasks; exec memcached -p $port -l 127.0.0.1 -t 1 -U 0 -u root" &
  memcached=$!
  sleep 0.5
  while [ $# -ge 2 ]; do
    i=$((i + 1))
    group "job$i" "$1"
    local weight="$normal/batch"
    [ "$2" = idle ] && weight="$idle/batch"
    bash -c "echo \$\$ > $set_root/job$i/tasks; echo \$\$ > $weight/tasks; exec stress-ng --cpu 1 --cpu-method matrixprod --timeout $((seconds + 1)) --metrics-brief" > "$out/$name.job$i" 2>&1 &
    jobs+=($!)
    shift 2
  done
  "$loadgen" --server 127.0.0.1:$port --rate "$rate" --seconds "$seconds" --warmup 1 --connections 16 --spin-us 0 \
    --preload 1 --key-space 10000 --json "$out/$name.json" --quiet > /dev/null
  [ ${#jobs[@]} -eq 0 ] || wait "${jobs[@]}"
  kill "$memcached"
  wait "$memcached" 2>/dev/null || true
  local ops
  # No job files at all for the arrangements without a batch: nothing to add up, not a failure.
  ops=$( (cat "$out/$name".job* 2>/dev/null || true) | awk '/metrc/ && $4 == "cpu" { s += $5 } END { print s + 0 }')
  python3 - "$out/$name.json" "$name" "$ops" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<9} batch {int(sys.argv[3]):>7} bogo ops   LC p50 {d['p50Us'] / 1000:.2f} ms  p99 {d['p99Us'] / 1000:.2f} ms"
      f"  p99.9 {d['p999Us'] / 1000:.2f} ms   rf-loadgen {d['generatorCpus']:.2f} CPU")
EOF
  for g in "$set_root"/job* "$set_root/lc"; do
    [ ! -d "$g" ] || rmdir "$g"
  done
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for a in "${arrangements[@]}"; do
  case "$a" in
    static) run static 0 1 normal ;;
    idle1) run idle1 0 0-1 idle ;;
    idle2) run idle2 0 0-1 idle 0-1 idle ;;
    split) run split 0 1 normal 0 idle ;;
    lc2idle1) run lc2idle1 0-1 0-1 idle ;;
    lc2idle2) run lc2idle2 0-1 0-1 idle 0-1 idle ;;
    lc1) run lc1 0 ;;
    lc2) run lc2 0-1 ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
