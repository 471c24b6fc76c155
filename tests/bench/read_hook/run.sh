#!/bin/bash
# What a read() hook costs on this machine: one-byte reads of /dev/zero bare,
# under minimal hooks and under libshim.so, alternating; median ns per read.
#   bash tests/bench/read_hook/run.sh [rounds, default 11]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shim="$here/../../../preload/libshim.so"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 -o "$out/reads" "$here/one_byte_reads.c"
for n in 1 2 3 4; do gcc -O2 -shared -fPIC -DHOOK=$n -o "$out/hook$n.so" "$here/hooks.c" -ldl; done
export SHIM_LOG="$out/log.bin"
for _ in $(seq "${1:-11}"); do
  echo "$("$out/reads")" \
       "$(LD_PRELOAD="$out/hook1.so" "$out/reads")" "$(LD_PRELOAD="$out/hook2.so" "$out/reads")" \
       "$(LD_PRELOAD="$out/hook3.so" "$out/reads")" "$(LD_PRELOAD="$out/hook4.so" "$out/reads")" \
       "$(SHIM_DIRECT_SYSCALLS=0 LD_PRELOAD="$shim" "$out/reads")" "$(LD_PRELOAD="$shim" "$out/reads")"
done | python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin]
names = ["nothing", "a wrapper that tail-calls the real read", "the same wrapper adding the result to a counter after the call",
         "the syscall issued by the hook itself, then the add", "the same, timed with two rdtsc",
         "libshim.so, SHIM_DIRECT_SYSCALLS=0 (calls libc read)", "libshim.so"]
print("| preloaded | ns per read() |\n|---|---|")
for name, column in zip(names, zip(*rows)): print(f"| {name} | {statistics.median(column):.0f} |")'
