#!/usr/bin/env bash
# Seeds the fuzzer with real logs: small runs of the workloads and test
# programs under the shim, each a different mix of record types.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-$root/tests/fuzz/corpus}
mkdir -p "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 3000 "$root/../shared/data/moby.txt" > "$work/book.txt"
shim=$root/preload/libshim.so
run() {  # name, command...
  local name=$1; shift
  # The subshell's stderr too: a program meant to crash makes the shell say so.
  (cd "$work" && SHIM_LOG="$work/$name.bin" LD_PRELOAD="$shim" "$@" >/dev/null 2>&1 || true) 2>/dev/null
  cp "$work/$name.bin" "$corpus/$name.bin" 2>/dev/null || true
}
run words_unbuffered "$root/workloads/words" "$work/book.txt"
run words_alloc "$root/workloads/words" --mode alloc "$work/book.txt"
run mandelbrot_workers "$root/workloads/mandelbrot" -mode workers -workers 2 -w 64 -h 64 -o "$work/m.png"
run thread_storm "$root/tests/programs/thread_storm" 50
run endings_segv sh -c "ulimit -c 0; exec '$root/tests/programs/endings' segv < '$work/book.txt'"
run exec_fail sh -c "exec '$root/tests/programs/exec_fail' < '$work/book.txt'"
ls "$corpus" | wc -l | xargs echo "seed logs:"
