// Evidence lines shared by the serial-phase and idle-phase findings.
#pragma once
#include <string>

#include "../analysis/concurrency.h"
#include "../analysis/cpu_profile.h"
#include "../analysis/io_totals.h"
#include "../analysis/thread_time.h"
#include "../model/model.h"
#include "../symbols/thread_names.h"
#include "finding.h"

namespace analyzer {

std::string time_range(const Phase& p);  // "146 ms–162 ms"
// The run's serial fraction and the Amdahl ceiling it sets.
std::string amdahl_line(const Concurrency& c);
// What the run wrote or read most, and why it cannot be placed in a phase
// (I/O is counted per call site, not timed); "" when the run did no I/O.
std::string io_context(const Log& log, const std::vector<FileTotals>& files);
// What `who` (tid; 0: any thread) ran in the phases, from the CPU profile's
// samples there: "the main thread was in write_png() at mandelbrot.cpp:131 →
// png_write_row → deflate (86% of its 41 samples)"; "" when the log has no
// CPU samples there (then io_context says what it can).
std::string code_context(const Log& log, const CpuProfileSummary& cpu, uint32_t tid, const std::string& who,
                         const std::vector<const Phase*>& phases);
// "the main thread", or the thread's label (thread_names.h).
std::string thread_name(const Log& log, ThreadNamer& names, uint32_t tid);
const ThreadInfo* thread_record(const Log& log, uint32_t tid);
// Most threads alive at the same instant within [start_ns, end_ns), from the
// Thread records (0 when the clock is not known): a phase's thread count is
// of every thread that existed in it, which with short threads is far more.
uint32_t peak_alive_in(const Log& log, double start_ns, double end_ns);
// ", at most 4 at once" when that is fewer than `count`; else "".
std::string at_once(uint32_t count, uint32_t peak);
// The measured breakdown's totals as figures: the other threads' (all but
// `tid`; every thread when 0) time alive, on CPU and in each kind of wait,
// the thread's own waits, and the threads that had ended.
void add_time_figures(const RangeTime& time, uint32_t tid, Finding& f);
// Threads that `parent` created within [start_ns, end_ns).
uint64_t threads_created_by(const Log& log, uint32_t parent, double start_ns, double end_ns);

}  // namespace analyzer
