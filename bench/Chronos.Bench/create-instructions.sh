#!/bin/bash
# Instructions redis-server executes (user space, valgrind callgrind) per EVALSHA call and per
# create: independent of the load other processes put on this machine (BENCHMARKS.md, issue 2).
# Usage: [B=creates per call] [N=creates] create-instructions.sh script.lua...
# Each script is a whole script as Redis sees it, e.g.
#   cat Chronos.Hypervisor/Scripts/{_prelude,_inodes,mknod}.lua > /tmp/mknod.lua
# called with the mknod.lua layout (meta usage audit next_ino and the parent's keys; one profile,
# then one run of B names) against a world with a root directory and no quota worth hitting.
P=${PORT:-16398}
OUT=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file=$OUT/cg.out.%p redis-server --port $P --save '' --appendonly no >$OUT/cg.log 2>&1 &
VPID=$!
until redis-cli -p $P ping >/dev/null 2>&1; do sleep 0.5; done
R="redis-cli -p $P"
W='chronos:{b}:'
$R hset ${W}meta qi 100000000 qb 1099511627776 name b >/dev/null
$R hset ${W}inode:1 m 16877 n 2 u 0 g 0 s 4096 a 1 t 1 c 1 p 1 q 2 >/dev/null
$R set ${W}next_ino 1 >/dev/null
total() { callgrind_control -d $VPID >/dev/null 2>&1; sleep 0.3; f=$(ls -t $OUT/cg.out.* | head -1); grep -E '^(summary|totals):' $f | tail -1 | awk '{print $2}'; }
for f in "$@"; do
 B=${B:-1}
 KEYS="${W}meta ${W}usage ${W}audit ${W}next_ino ${W}inode:1 ${W}dir:1 ${W}dirseq:1"
 ARGS="1 $B 1 bench mknod 33188 0 0 0 '' 0 1 $B"
 for i in $(seq $B); do ARGS="$ARGS f__rand_int__"; done
 sha=$($R script load "$(cat $f)")
 n=$((${N:-3200} / B))
 eval redis-benchmark -p $P -n 100 -c 4 -r 100000000 -q EVALSHA $sha 7 $KEYS $ARGS >/dev/null 2>&1
 callgrind_control -z $VPID >/dev/null 2>&1
 eval redis-benchmark -p $P -n $n -c 4 -r 100000000 -q EVALSHA $sha 7 $KEYS $ARGS >/dev/null 2>&1
 ir=$(total)
 echo "$f B=$B: instructions per call $((ir / n)), per create $((ir / n / B))"
done
$R shutdown nosave >/dev/null 2>&1
wait
