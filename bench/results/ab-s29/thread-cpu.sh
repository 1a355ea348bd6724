#!/bin/bash
# samples per-thread CPU ticks of the bench's app processes every 0.5 s
out=$1; : > $out
while true; do
  for p in $(pgrep -f "bench/app-launcher.ts"); do
    exe=$(readlink /proc/$p/exe 2>/dev/null); [[ "$exe" == *node ]] || continue
    ts=$(date +%s.%N)
    for t in /proc/$p/task/*; do
      s=$(cat $t/stat 2>/dev/null) || continue
      tid=${t##*/}; rest=${s##*) }; set -- $rest
      echo "$ts $p $tid $(cat $t/comm 2>/dev/null | tr ' ' _) ${12} ${13}" >> $out
    done
  done
  sleep 0.5
done
