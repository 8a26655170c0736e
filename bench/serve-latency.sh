#!/usr/bin/env bash
# serve-latency.sh: what a request to rfm serve costs next to the same rfm verb, and how long a journal entry
# committed by rfm takes to reach a client of GET /v1/events.
#
#   bench/serve-latency.sh [-n RUNS]      (as root, after ./rfm --version; needs hyperfine, curl and python3)
#
# A scratch state directory (/tmp/rf-serve-latency, its own cgroup prefix) is initialised with no CPU reserve, a
# service is started on it with one --net loop subOS, and everything is removed at the end. Printed: hyperfine's
# means for GET /v1/subos, GET /v1/subos/web and GET /metrics over the Unix socket and for rfm ls --json; the mean
# of RUNS memory resizes through PATCH and through rfm resize; the median and maximum time from rfm resize's exit
# to the arrival of its journal event. The load average is printed before and after: compare only numbers taken
# in the same window.
set -euo pipefail
runs=20
while getopts "n:" opt; do
  case "$opt" in
    n) runs="$OPTARG" ;;
    *) echo "usage: $0 [-n RUNS]" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rfm="$here/.build/bin/rfm"
[ -x "$rfm" ] || { echo "serve-latency: $rfm is missing (run ./rfm --version first)" >&2; exit 2; }
state=/tmp/rf-serve-latency
sock="$state/rfm.sock"
serve=""
cleanup() {
  if [ -n "$serve" ]; then kill -TERM "$serve" 2>/dev/null || true; wait "$serve" 2>/dev/null || true; fi
  "$rfm" --state-dir "$state" deinit --force >/dev/null 2>&1 || true
  rm -rf "$state" "$state.log"
}
trap cleanup EXIT
rm -rf "$state"
"$rfm" --state-dir "$state" init --reserve-cpus "" --reserve-memory 512M >/dev/null
"$rfm" --state-dir "$state" serve >"$state.log" 2>&1 &
serve=$!
for _ in $(seq 1 300); do [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://rf/v1/subos >/dev/null && break; sleep 0.1; done
curl -sf --unix-socket "$sock" -X POST -H 'content-type: application/json' \
  -d '{"name":"web","cpus":"1","memory":"256M","net":"loop"}' http://rf/v1/subos >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 5 -r 50 \
  "curl -s --unix-socket $sock http://rf/v1/subos" \
  "curl -s --unix-socket $sock http://rf/v1/subos/web" \
  "curl -s --unix-socket $sock http://rf/metrics" \
  "$rfm --state-dir $state ls --json" 2>&1 | grep -E "Benchmark|Time"
for way in api cli; do
  t0=$(date +%s%N)
  for i in $(seq 1 "$runs"); do
    m="$(( (i % 2) * 32 + 288 ))M"
    if [ "$way" = api ]; then
      curl -sf -o /dev/null --unix-socket "$sock" -X PATCH -H 'content-type: application/json' -d "{\"memory\":\"$m\"}" http://rf/v1/subos/web
    else
      "$rfm" --state-dir "$state" resize web --memory "$m" >/dev/null
    fi
  done
  t1=$(date +%s%N)
  echo "$way resize: mean $(( (t1 - t0) / runs / 1000000 )) ms over $runs"
done
python3 - "$rfm" "$state" "$runs" <<'PY'
import socket, statistics, subprocess, sys, time
rfm, state, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.connect(state + "/rfm.sock")
s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: rf\r\n\r\n")
s.settimeout(10)
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(4096)
buf = buf[buf.index(b"\r\n\r\n") + 4:]
lat = []
for i in range(runs):
    subprocess.run([rfm, "--state-dir", state, "resize", "web", "--memory", "288M" if i % 2 else "320M"], check=True, stdout=subprocess.DEVNULL)
    t = time.monotonic()
    while b"event: journal" not in buf:
        buf += s.recv(65536)
    lat.append((time.monotonic() - t) * 1000)
    buf = buf[buf.index(b"event: journal") + 14:]
print("event after rfm resize exited: median %.1f ms, max %.1f ms over %d" % (statistics.median(lat), max(lat), len(lat)))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
