#!/usr/bin/env bash
# every 2 s: per relay pid, per thread name, CPU ticks in the last 2 s
declare -A last
while true; do
  out=""
  for p in $(pgrep -f 'src/relay/cli.ts serve'); do
    for t in /proc/$p/task/*; do
      [ -r $t/stat ] || continue
      read -r line < $t/stat
      comm=$(cat $t/comm 2>/dev/null)
      rest=${line##*) }
      set -- $rest
      ticks=$(( ${12} + ${13} ))
      key="$p/${t##*/}"
      prev=${last[$key]:-$ticks}
      last[$key]=$ticks
      d=$((ticks - prev))
      [ $d -gt 0 ] && out+="$p:$comm=$d "
    done
  done
  [ -n "$out" ] && echo "$(date +%T) $out"
  sleep 2
done
