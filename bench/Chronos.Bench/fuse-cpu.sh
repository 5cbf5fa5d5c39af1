#!/bin/bash
# CPU per create of a FUSE mount, of its redis-server, wall time and the mount's context switches,
# for 10,000 creates from one python process into a fresh directory (after 3,000 warm-up creates):
#   bench/Chronos.Bench/fuse-cpu.sh [VAR=value ...]
# The VAR=value pairs go into the mount's environment (e.g. DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70
# to undo FuseHostTuning's spin limit). Build first: dotnet build -c Release bench/Chronos.Bench
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=artifacts/bin/Chronos.Bench/release/Chronos.Bench
mnt=$(mktemp -d /tmp/chronos-fuse-cpu.XXXXXX)
fifo=$(mktemp -u); mkfifo "$fifo"
env "$@" "$bench" fuse-hold "$mnt" < "$fifo" > "$mnt.log" 2>&1 &
holder=$!
exec 3>"$fifo"   # keeps the mount until this script ends
deadline=$((SECONDS + 60))
until grep -q "^mounted" "$mnt.log" 2>/dev/null; do
  if ! kill -0 $holder 2>/dev/null || [ $SECONDS -ge $deadline ]; then cat "$mnt.log"; exit 1; fi
  sleep 0.2
done
redis=$(pgrep -P $holder -f redis-server | head -1)
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
# Context switches of all the mount's threads (each is a thread going to sleep or being preempted).
switches() { cat /proc/$1/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
creates='import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
t = time.perf_counter()
for k in range(n): os.close(os.open(os.path.join(d, "f%d" % k), os.O_CREAT | os.O_WRONLY, 0o644))
print("%.0f" % (n / (time.perf_counter() - t)))'
python3 -c "$creates" "$mnt/warm" 3000 > /dev/null
m0=$(ticks $holder); r0=$(ticks $redis); s0=$(switches $holder); t0=$(date +%s%N)
rate=$(python3 -c "$creates" "$mnt/run" 10000)
t1=$(date +%s%N); m1=$(ticks $holder); r1=$(ticks $redis); s1=$(switches $holder)
# 10,000 creates: a clock tick (10 ms) of CPU is 1 µs per create.
echo "${*:-defaults}: $rate creates/s; per create: wall $(( (t1 - t0) / 10000000 )) us, mount CPU $((m1 - m0)) us, redis-server CPU $((r1 - r0)) us, mount context switches $(( (s1 - s0) / 10000 ))"
exec 3>&-
wait $holder
rm -rf "$mnt" "$mnt.log" "$fifo"
