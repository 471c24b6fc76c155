"""The mutex hooks' slow paths take the program's call site from their own
return address and frame (preload/hooks/hooks_mutex.cpp), as malloc's and
free's traced paths do (preload/hooks/malloc_entry.h), which holds only if
every hook enters them by a tail call (jmp). The compiler is not bound to make
one: this checks the built shim, so a change of compiler or flags that turns
one into a call fails here instead of giving wrong wait stacks.
    python3 tests/tools/check_mutex_tail_calls.py [preload/libshim.so]"""
import re, subprocess, sys

shim = sys.argv[1] if len(sys.argv) > 1 else "preload/libshim.so"
disassembly = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C", shim],
                             capture_output=True, text=True, check=True).stdout
slow_paths = r"(lock_after_try|timedlock_after_try|clocklock_after_try|lock_trying|unlock_with_waiters|malloc_traced|free_traced)\("
calls = [line.strip() for line in disassembly.splitlines() if re.search(r"\bcall\b.*" + slow_paths, line)]
jumps = [line for line in disassembly.splitlines() if re.search(r"\bjmp\b.*<[^>]*" + slow_paths + r"[^+>]*>", line)]
if calls or not jumps:
    print("check_mutex_tail_calls: the mutex, malloc and free slow paths must be entered by tail calls only:")
    for line in calls:
        print("  " + line)
    if not jumps:
        print("  (no tail call to them found at all: renamed?)")
    sys.exit(1)
print(f"check_mutex_tail_calls: {len(jumps)} tail calls into the mutex, malloc and free slow paths, no calls")
