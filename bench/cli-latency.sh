#!/usr/bin/env bash
# cli-latency.sh: wall time of `./rfm ls` and `./rfm create` (each create is followed by a destroy that is
# not timed), for one or more RainForest checkouts, so a change can be compared with the build before it.
#
#   bench/cli-latency.sh [-r ROUNDS] [-n RUNS] [CHECKOUT...]     (as root; default CHECKOUT: this one)
#
# Each checkout gets its own scratch state directory (/tmp/rf-latency-K, its own cgroup prefix), initialised
# with no supervisor reserve so that a small machine has a CPU to give. The checkouts are measured in turns,
# ROUNDS times, so that a busy machine slows all of them alike; the medians are over every run of every
# round. cpu ms is rfm's user + system time (hyperfine only), which load inflates far less than wall time.
# The load average is printed before and after: on a shared machine, compare only numbers taken in the
# same window. Uses hyperfine when it is installed, else a loop of its own (same medians, no cpu ms).
# Targets (issue 9): ls at most 20 ms, create at most 40 ms.
set -euo pipefail
rounds=3
runs=10
while getopts "r:n:" opt; do
  case "$opt" in
    r) rounds="$OPTARG" ;;
    n) runs="$OPTARG" ;;
    *) echo "usage: $0 [-r ROUNDS] [-n RUNS] [CHECKOUT...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
checkouts=("$@")
[ ${#checkouts[@]} -gt 0 ] || checkouts=("$here")
for k in "${!checkouts[@]}"; do
  c="${checkouts[$k]}"
  [ -x "$c/rfm" ] || { echo "cli-latency: $c/rfm is not an rfm wrapper" >&2; exit 2; }
  checkouts[$k]="$(cd "$c" && pwd)"
done
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "cli-latency: -r and -n take a count (1 or more)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "cli-latency: run as root (create makes cgroups and namespaces)" >&2; exit 2; }

work="$(mktemp -d /tmp/rf-latency-results.XXXXXX)"
name=rf-latency
cleanup() {
  for k in "${!checkouts[@]}"; do
    "${checkouts[$k]}/rfm" --state-dir "/tmp/rf-latency-$k" destroy "$name" >/dev/null 2>&1 || true
    "${checkouts[$k]}/rfm" --state-dir "/tmp/rf-latency-$k" deinit --force >/dev/null 2>&1 || true
    rm -rf "/tmp/rf-latency-$k"
  done
  rm -rf "$work"
}
trap cleanup EXIT

for k in "${!checkouts[@]}"; do
  c="${checkouts[$k]}"
  "$c/rfm" --version >/dev/null  # builds it if sources changed, outside the measurement
  "$c/rfm" --state-dir "/tmp/rf-latency-$k" init --reserve-cpus "" --reserve-memory 256M >/dev/null
done

# One timed run: prints milliseconds. Used without hyperfine.
timed() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  local end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for k in "${!checkouts[@]}"; do
    c="${checkouts[$k]}"
    s="/tmp/rf-latency-$k"
    ls_cmd="$c/rfm --state-dir $s ls"
    create_cmd="$c/rfm --state-dir $s create $name --cpus 1 --memory 64M"
    destroy_cmd="$c/rfm --state-dir $s destroy $name"
    if command -v hyperfine >/dev/null; then
      hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/ls-$k-$round.json" "$ls_cmd" >"$work/hyperfine.log" 2>&1 \
        || { tail -n 5 "$work/hyperfine.log" >&2; echo "cli-latency: '$ls_cmd' failed" >&2; exit 1; }
      # The prepare step removes the previous run's subOS (untimed); on the first run there is none to remove.
      hyperfine -N --style none --warmup 1 --runs "$runs" --prepare "bash -c '$destroy_cmd >/dev/null 2>&1; true'" --cleanup "$destroy_cmd" \
        --export-json "$work/create-$k-$round.json" "$create_cmd" >"$work/hyperfine.log" 2>&1 \
        || { tail -n 5 "$work/hyperfine.log" >&2; echo "cli-latency: '$create_cmd' failed (CPUs busy? run it by hand to see why)" >&2; exit 1; }
    else
      for _ in 1 2; do $ls_cmd >/dev/null; done
      for _ in $(seq "$runs"); do timed $ls_cmd >>"$work/ls-$k.ms"; done
      for i in $(seq 0 "$runs"); do
        $destroy_cmd >/dev/null 2>&1 || true
        if [ "$i" = 0 ]; then
          $create_cmd >/dev/null  # warms the caches, as hyperfine's --warmup does; a failure stops here
        else
          timed $create_cmd >>"$work/create-$k.ms"
        fi
      done
      $destroy_cmd >/dev/null 2>&1 || true
    fi
  done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "${checkouts[@]}" <<'EOF'
import glob, json, os, statistics, sys
work, checkouts = sys.argv[1], sys.argv[2:]
# cpu ms: the command's user + system time (hyperfine's means), which a busy machine inflates far less than wall time.
print(f"{'checkout':<40} {'command':<7} {'runs':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'cpu ms':>7}")
for k, checkout in enumerate(checkouts):
    for command in ("ls", "create"):
        times, cpu = [], []
        for path in glob.glob(os.path.join(work, f"{command}-{k}-*.json")):
            with open(path) as f:
                result = json.load(f)["results"][0]
            times += [t * 1000 for t in result["times"]]
            cpu += [(result["user"] + result["system"]) * 1000] * len(result["times"])
        ms = os.path.join(work, f"{command}-{k}.ms")
        if os.path.exists(ms):
            with open(ms) as f:
                times += [float(line) for line in f if line.strip()]
        cpu_text = f"{statistics.mean(cpu):.1f}" if cpu else "-"
        print(f"{checkout:<40} {command:<7} {len(times):>5} {statistics.median(times):>10.1f} {min(times):>8.1f} {max(times):>8.1f} {cpu_text:>7}")
EOF
