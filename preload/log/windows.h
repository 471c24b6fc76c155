// Recording windows: a process started with SHIM_START=paused|running
// records in windows that `analyzer ctl PID start|stop` opens and closes,
// each a complete log of its own. Window 1 is the run's log name (log.bin,
// or log.bin.<pid> in a later process of the run); window N is that name
// with ".wN" (log.bin.w2, log.bin.<pid>.w2): never a name of another
// process's log, which end in digits (log_naming.cpp). Requests arrive on
// the control channel (control_channel.h), read by the sampler thread,
// which a controlled process starts at once.
#pragma once
#include "../../format/log_format.h"

namespace shim {

// From log_init. Reads SHIM_START; opens the control channel. False when
// the process starts paused: no log until a window opens.
bool windows_init();
bool windows_controlled();
// The process records in windows (SHIM_START, SHIM_PERIOD), channel or not.
bool windows_on();

// The record of the window being closed by `closed_by`, if one is open
// (false in an uncontrolled process). Safe in a signal handler.
bool window_closing(shimlog::WindowCause closed_by, shimlog::WindowRecord* out);

// On the sampler thread, every ~50 ms: cuts the window when SHIM_PERIOD
// says so, and answers a pending request. Before a window closes,
// `flush_readings` writes the sampler's pending readings. True when a
// window opened: the sampler's readings start again.
bool windows_poll(void (*flush_readings)());

// At the process's end: the channel goes.
void windows_at_exit();
// In a fork child, once its log has its own name: the parent's channel and
// windows are the parent's; the child of a windowed process gets a channel
// of its own (its pid), paused if its parent was, else with its window 1
// open from the fork (opened by WindowCause::Fork).
void windows_after_fork_child();

}  // namespace shim
