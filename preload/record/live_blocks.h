// The blocks live now (windowed mode only): address -> size and stack id, of
// the blocks allocated while recording and not yet freed, so that a window
// opened after another starts its log with them (LiveBlocks records). Fed
// with each thread's chunk of events as it is written, never from malloc or
// free themselves: the default mode does no work for it at all.
#pragma once
#include <cstdint>

namespace shim {

// When the process records in windows (and every allocation is recorded:
// not in SHIM_ALLOC_SAMPLE mode): at its start and in a fork child.
void live_blocks_enable();
bool live_blocks_on();

// A chunk's encoded events [events, events + bytes), as write_chunk writes
// them. Threads' chunks arrive out of order; sequence numbers sort it out.
void live_blocks_apply(const uint8_t* events, uint32_t bytes, uint64_t first_seq);

// At a window's close, every chunk written: a free still waiting for its
// block's allocation will never get it.
void live_blocks_settle();

// No window will be open for a while (SHIM_START=paused, ctl stop): the
// next list says its blocks may be stale.
void live_blocks_note_pause();

// Allocation recording turned to sampling (a disk budget): the table misses
// events from now on, and every later list says it is incomplete.
void live_blocks_note_sampled();

// The LiveBlocks records of the blocks live now, through sink_record
// (inside a flush, stacks written first).
void live_blocks_write();

// In a fork child: the parent's table goes; a windowed child's starts empty
// (enabled again by flush.cpp).
void live_blocks_after_fork_child();

// Blocks in the table now (tests, statistics).
uint64_t live_blocks_count();

}  // namespace shim
