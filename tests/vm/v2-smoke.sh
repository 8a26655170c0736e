#!/bin/bash
# Every rfm verb on a kernel with only the unified cgroup hierarchy. Runs as root inside the CI guest
# that tests/RainForest.Vm.Tests boots (Debian's generic kernel under QEMU, cgroup_no_v1=all, the
# host's root read-only under a tmpfs overlay, a fresh /var/lib/rainforest).
#
# usage: v2-smoke.sh RFM       RFM is the built binary (.build/bin/rfm), not the ./rfm wrapper,
#                              which would try to rebuild on a read-only tree.
#
# Each step prints "RF-SMOKE ok NAME" or "RF-SMOKE FAIL NAME" with the tail of what it printed;
# the script goes on after a failure (one run shows every broken verb) and exits with the number
# of failed steps after "RF-SMOKE done". A step that fails for a known reason (a pattern in its
# output) prints "RF-SMOKE known NAME: REASON" instead and is not counted.
#
# Unprivileged subOSes idmap their root's lower layer, which the guest's root (overlayfs over 9p)
# does not support on 6.1: on the host's root they fail with "... which this kernel cannot idmap", which the
# known steps record. The unprivileged path runs on an ext4 --rootfs of its own instead.
set -u
rfm=${1:?usage: v2-smoke.sh RFM}
cg=/sys/fs/cgroup
prefix=$cg/rainforest
failures=0
out=/tmp/rf-smoke.out

# step NAME COMMAND...: the command's exit code decides.
step() { known_step "$1" "" "${@:2}"; }

# known_step NAME PATTERN COMMAND...: as step, but a failure whose output matches PATTERN is known.
known_step() {
  local step_name=$1 known=$2
  shift 2
  local start=$SECONDS
  "$@" >"$out" 2>&1
  local rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "RF-SMOKE ok $step_name ($((SECONDS - start)) s)"
  elif [ -n "$known" ] && grep -q -- "$known" "$out"; then
    echo "RF-SMOKE known $step_name: $(grep -m1 -- "$known" "$out")"
  else
    echo "RF-SMOKE FAIL $step_name (exit $rc)"
    tail -n 15 "$out" | sed 's/^/  | /'
    failures=$((failures + 1))
  fi
}

# Checks that run as one step are shell functions; each test line must hold.
is_pure_v2() {
  [ "$(stat -fc %T $cg)" = cgroup2fs ] || { echo "$cg is $(stat -fc %T $cg)"; return 1; }
  if grep -E '^[^ ]+ [^ ]+ cgroup ' /proc/mounts; then echo "a cgroup v1 hierarchy is mounted"; return 1; fi
  grep -qw cgroup_no_v1=all /proc/cmdline || { echo "no cgroup_no_v1=all in $(cat /proc/cmdline)"; return 1; }
  awk 'NR > 1 && $2 != 0 { print "v1 hierarchy for " $1; bad = 1 } END { exit bad }' /proc/cgroups
}

equals() { # equals EXPECTED COMMAND...
  local expected=$1 got
  shift
  got=$("$@") || { echo "$*: exit $?"; return 1; }
  [ "$got" = "$expected" ] || { echo "$*: expected '$expected', got '$got'"; return 1; }
}

contains() { # contains TEXT COMMAND...
  local text=$1 got
  shift
  got=$("$@") || { echo "$*: exit $?"; echo "$got"; return 1; }
  case $got in *"$text"*) ;; *) echo "$*: no '$text' in:"; echo "$got"; return 1 ;; esac
}

exit_code() { # exit_code EXPECTED COMMAND...
  local expected=$1
  shift
  "$@"
  local rc=$?
  [ "$rc" -eq "$expected" ] || { echo "$*: exit $rc, expected $expected"; return 1; }
}

channel_message() {
  # rfcom, RainForest's channel tool inside every subOS: a writes one message, b reads it.
  contains ch "$rfm" exec b -- rfcom ls || return 1
  "$rfm" exec a -- rfcom send ch "hello over FICM on cgroup v2" || return 1
  equals "hello over FICM on cgroup v2" "$rfm" exec b -- rfcom recv ch -n 1 -t 30
}

rfloop_by_name() {
  contains 10.77.0. "$rfm" exec a -- getent hosts b.rf || return 1
  "$rfm" exec b -- iperf3 -s -1 -p 5201 >/tmp/rf-smoke.iperf 2>&1 &
  local server=$!
  sleep 2
  "$rfm" exec a -- iperf3 -c b.rf -p 5201 -t 1 || { cat /tmp/rf-smoke.iperf; return 1; }
  wait $server
}

reconcile_repairs() {
  # Drift behind the supervisor's back: a's memory limit rewritten, and a group nobody owns.
  echo 134217728 >$prefix/a/memory.max || return 1
  mkdir $prefix/rf-smoke-orphan || return 1
  "$rfm" reconcile || return 1
  equals 536870912 cat $prefix/a/memory.max || return 1
  [ ! -e $prefix/rf-smoke-orphan ] || { echo "the orphan group is still there"; return 1; }
  contains "agree" "$rfm" reconcile
}

no_subos_groups_left() {
  local subos
  for subos in u a b; do
    [ ! -e $prefix/$subos ] || { echo "left behind: $prefix/$subos"; return 1; }
  done
}

# An ext4 root file system of a few host programs and the libraries ldd lists for them, on a loop
# device: ext4 supports the idmapped mounts an unprivileged subOS's root needs.
ext4_rootfs() {
  local dir=/tmp/rf-rootfs.d img=/tmp/rf-rootfs.img programs libs
  # One ldd and one cp for all: every process start is slow under TCG.
  programs=$(command -v sh cat id hostname nproc sleep unshare nsenter setpriv choom) || return 1
  # "libc.so.6 => /lib/.../libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"; not the "/usr/bin/cat:" headers.
  libs=$(ldd $programs | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u) || return 1
  mkdir -p $dir/etc $dir/proc $dir/sys $dir/dev $dir/tmp $dir/run && cp -L --parents $programs $libs $dir/ || return 1
  ln -sfn usr/bin $dir/bin && echo "127.0.0.1 localhost" >$dir/etc/hosts || return 1
  truncate -s 64M $img && mkfs.ext4 -q -d $dir $img && modprobe loop && mkdir -p /mnt/rf-rootfs && mount -o loop $img /mnt/rf-rootfs
}

# The partition show --json reports for a subOS, without white space: {"kind":"isolated","valid":true,...}.
partition_json() {
  "$rfm" show "$1" --json | tr -d ' \n' | grep -o '"partition":{[^}]*}'
}

# A subOS's cpuset partition is valid and holds exactly the CPUs of its cpuset.
partition_holds_its_cpus() {
  contains '"kind":"isolated","valid":true' partition_json "$1" || return 1
  equals isolated cat $prefix/"$1"/cpuset.cpus.partition || return 1
  equals "$(cat $prefix/"$1"/cpuset.cpus)" cat $prefix/"$1"/cpuset.cpus.effective
}

# With CPU 0 reserved the prefix is a partition root over CPUs 1-2: the root cgroup, where the host's
# tasks are, keeps CPU 0 only.
prefix_partition() {
  equals root cat $prefix/cpuset.cpus.partition || return 1
  equals 0 cat $cg/cpuset.cpus.effective
}

# p grew to both of the prefix's CPUs: it is still valid, the prefix keeps none, and p's programs see two.
partition_grown() {
  partition_holds_its_cpus p || return 1
  equals 1-2 cat $prefix/p/cpuset.cpus || return 1
  equals "" cat $prefix/cpuset.cpus.effective || return 1
  equals 2 "$rfm" exec p -- nproc
}

create_host_root_unprivileged() {
  "$rfm" create h --cpus 1 --memory 128M || return 1
  "$rfm" destroy h
}

echo "RF-SMOKE start $(uname -r), $(nproc) CPUs, up $(cut -d' ' -f1 /proc/uptime) s, rfm $rfm"
step guest-cgroup2 is_pure_v2
step version "$rfm" --version
step topo "$rfm" topo --json
step init "$rfm" init --reserve-cpus "" --reserve-memory 256M
known_step create-host-root-unprivileged "which this kernel cannot idmap" create_host_root_unprivileged
step ext4-rootfs ext4_rootfs
step create "$rfm" create u --cpus 1 --memory 256M --rootfs /mnt/rf-rootfs
step create-cgroup2 equals 268435456 cat $prefix/u/memory.max
# Inside: its own hostname, root (an unprivileged host id), its own cgroup namespace, one CPU.
step exec equals "$(printf 'u\n0\n0::/\n1')" "$rfm" exec u -- sh -c 'hostname; id -u; cat /proc/self/cgroup; nproc'
step exec-exit-code exit_code 7 "$rfm" exec u -- sh -c 'exit 7'
step audit "$rfm" audit u
step create-privileged "$rfm" create a --cpus 1 --memory 256M --net loop --privileged
step exec-privileged equals a "$rfm" exec a -- hostname
step resize-cpus-add "$rfm" resize a --cpus +1
step resize-cpus-add-inside equals 2 "$rfm" exec a -- nproc
step resize-cpus-remove "$rfm" resize a --cpus -1
step resize-cpus-remove-inside equals 1 "$rfm" exec a -- nproc
step resize-memory "$rfm" resize a --memory 512M
step resize-memory-cgroup2 equals 536870912 cat $prefix/a/memory.max
step resize-pids "$rfm" resize a --pids 300
step resize-pids-cgroup2 equals 300 cat $prefix/a/pids.max
step create-second "$rfm" create b --cpus 1 --memory 256M --net loop --privileged
step ls contains PRIVILEGED "$rfm" ls
step ls-json contains '"privileged": true' "$rfm" ls --json
step show contains a "$rfm" show a
step show-json contains '"a"' "$rfm" show a --json
step log "$rfm" log -n 5
step audit-privileged exit_code 1 "$rfm" audit b
step channel-create "$rfm" channel create ch --members a,b
step channel-ls contains ch "$rfm" channel ls
step channel-show contains ch "$rfm" channel show ch
step channel-message channel_message
step channel-destroy "$rfm" channel destroy ch
step rfloop-by-name rfloop_by_name
step reconcile reconcile_repairs
step destroy "$rfm" destroy u a b
step destroy-cgroup2 no_subos_groups_left
known_step bench-lifecycle "which this kernel cannot idmap" "$rfm" bench lifecycle --smoke --json
step deinit "$rfm" deinit
step deinit-cgroup2 test ! -e $prefix
# cpuset partitions: with a CPU reserved for the host, the prefix group and each subOS are partitions.
step partition-init "$rfm" init --reserve-cpus 0 --reserve-memory 256M
step partition-create "$rfm" create p --cpus 1 --memory 128M --privileged
step partition-prefix prefix_partition
step partition-subos partition_holds_its_cpus p
step partition-show contains "isolated: no other task" "$rfm" show p
step partition-grow "$rfm" resize p --cpus +1
step partition-grow-kernel partition_grown
step partition-shrink "$rfm" resize p --cpus -1
step partition-shrink-kernel partition_holds_its_cpus p
step partition-destroy "$rfm" destroy p
step partition-given-back equals 0-2 cat $cg/cpuset.cpus.effective
step partition-deinit "$rfm" deinit
echo "RF-SMOKE done $failures failures"
exit "$failures"
