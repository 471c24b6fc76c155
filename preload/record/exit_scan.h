// At a normal exit: the words of memory that point into the heap, so the
// analyzer can tell the blocks still reachable at exit (kept on purpose) from
// the ones nothing points at any more (lost). The shim's half of valgrind's
// leak check: it reads and writes, the analyzer decides. FORMAT.md, ExitScan.
#pragma once

namespace shim {

// Called by log_flush at a normal exit, inside its write (file lock held),
// before the End record. Does nothing in sampling mode (the log then knows
// only a sample of the blocks). Allocates nothing: its scratch is mmap'd.
void exit_scan_write();

}  // namespace shim
