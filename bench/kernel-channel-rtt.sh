#!/usr/bin/env bash
# Round trips of an rfcom message from a cell to a kernel subOS (TCG or KVM, as rfm picks) and back, through two
# channels, timed inside the cell; the baseline runs the same loop with the echo in the cell itself. Each round trip
# includes starting two rfcom processes in the cell, which the baseline shows. As root, after ./rfm --version.
#   bench/kernel-channel-rtt.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-40}
export RF_STATE_DIR; RF_STATE_DIR=$(mktemp -d /tmp/rf-rtt-XXXXXX)
out=$(mktemp -d /tmp/rf-rtt-out-XXXXXX)
trap './rfm destroy k1 c1 >/dev/null 2>&1 || true; ./rfm deinit --force >/dev/null 2>&1 || true; rm -rf "$RF_STATE_DIR" "$out"' EXIT
loop() { echo "for i in \$(seq $rounds); do t0=\$(date +%s%N); rfcom send $1 \$i; rfcom recv $2 -t 30 >/dev/null; t1=\$(date +%s%N); echo \$(( (t1-t0)/1000 )); done"; }
stats() { sort -n "$1" | awk -v name="$2" '{a[NR]=$1} END {printf "%s: %d round trips, median %.1f ms, min %.1f ms, max %.1f ms\n", name, NR, a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'; }
./rfm init --reserve-cpus "" --reserve-memory 512M >/dev/null
./rfm create c1 --cpus 1 --memory 256M >/dev/null
./rfm create k1 --backend kernel --cpus 1 --memory 384M >/dev/null
for ch in ping pong; do ./rfm channel create $ch --members c1,k1 >/dev/null; done
for ch in lping lpong; do ./rfm channel create $ch --members c1 >/dev/null; done
sleep 3
./rfm exec k1 -- sh -c "/run/rainforest/bin/rfcom recv ping -n 0 -t 60 | /run/rainforest/bin/rfcom send pong" 2>/dev/null &
sleep 3
./rfm exec c1 -- sh -c "$(loop ping pong)" > "$out/guest"
./rfm exec c1 -- sh -c "(rfcom recv lping -n 0 -t 20 | rfcom send lpong) & sleep 1; $(loop lping lpong)" > "$out/cell"
echo "$(./rfm show k1 | grep -i backend | head -1 | tr -s ' ')"
stats "$out/guest" "cell -> kernel subOS -> cell"
stats "$out/cell" "cell -> cell -> cell (baseline)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
