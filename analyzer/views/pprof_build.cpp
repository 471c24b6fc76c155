// The pprof profile built from the log: samples per allocation stack or per
// read call site, locations symbolized here (pprof need not find the
// binaries), mappings from the log's module map.
#include <cstdio>

#include "../model/syscall_names.h"
#include "../model/window_name.h"
#include "pprof.h"
#include "../analysis/wait_objects.h"
#include "../symbols/thread_names.h"
#include "wait_names.h"

namespace analyzer {

int64_t PprofProfile::intern(const std::string& s) {
    if (s.empty()) return 0;
    auto found = string_index_.find(s);
    if (found != string_index_.end()) return found->second;
    int64_t index = static_cast<int64_t>(string_table.size());
    string_table.push_back(s);
    string_index_.emplace(s, index);
    return index;
}

namespace {

std::string hex(uint64_t value) {
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

std::string hex_bytes(const std::string& raw) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) out += {digits[c >> 4], digits[c & 15]};
    return out;
}

// Locations, functions and mappings, each made once and referred to by id.
class ProfileBuilder {
public:
    ProfileBuilder(const Log& log, Symbolizer& symbols, PprofProfile& profile)
        : log_(log), symbols_(symbols), p_(profile) {
        add_mappings();
    }

    // The stack's locations, leaf first (the log stores stacks innermost first).
    std::vector<uint64_t> stack_locations(uint32_t stack_id, uint64_t fallback_address) {
        const std::vector<uint64_t>* stack = log_.stack(stack_id);
        if (stack != nullptr && !stack->empty()) {
            std::vector<uint64_t> ids;
            for (uint64_t address : *stack) ids.push_back(location_for(address));
            return ids;
        }
        if (fallback_address != 0) return {location_for(fallback_address)};
        return {placeholder_location("[stack " + std::to_string(stack_id) + " not in the log]")};
    }

private:
    // The executable first: pprof takes the first mapping for the main binary.
    void add_mappings() {
        std::vector<const ModuleInfo*> order;
        for (const ModuleInfo& m : log_.modules)
            if (m.path == log_.process.exe) order.push_back(&m);
        for (const ModuleInfo& m : log_.modules)
            if (m.path != log_.process.exe) order.push_back(&m);
        for (const ModuleInfo* m : order) {
            PprofMapping mapping;
            mapping.id = p_.mappings.size() + 1;
            mapping.start = m->start;
            mapping.limit = m->end;
            mapping.filename = p_.intern(m->path);
            mapping.build_id = p_.intern(hex_bytes(m->build_id));
            // Symbolized here already: stops pprof looking for the binaries.
            mapping.symbolized = true;
            p_.mappings.push_back(mapping);
            mapping_modules_.push_back(m);
        }
    }

    uint64_t mapping_for(uint64_t address) const {
        for (size_t i = 0; i < mapping_modules_.size(); ++i)
            if (address >= mapping_modules_[i]->start && address < mapping_modules_[i]->end) return i + 1;
        return 0;
    }

    uint64_t function_for(const std::string& name, const std::string& file) {
        auto key = std::make_pair(name, file);
        auto found = functions_.find(key);
        if (found != functions_.end()) return found->second;
        PprofFunction f;
        f.id = p_.functions.size() + 1;
        f.name = p_.intern(name);
        f.system_name = f.name;  // the symbolizer keeps demangled names only
        f.filename = p_.intern(file);
        p_.functions.push_back(f);
        functions_.emplace(key, f.id);
        return f.id;
    }

    // Every recorded frame is a return address: like the symbolizer, point
    // inside the call instruction (address - 1) so pprof shows the call's line.
    uint64_t location_for(uint64_t return_address) {
        auto found = locations_.find(return_address);
        if (found != locations_.end()) return found->second;
        PprofLocation loc;
        loc.id = p_.locations.size() + 1;
        loc.mapping_id = mapping_for(return_address);
        loc.address = return_address > 0 ? return_address - 1 : 0;
        const SourceLocation& where = symbols_.resolve(return_address);
        if (!where.function.empty()) {
            loc.lines.push_back({function_for(where.function, where.file), where.line});
            for (const SourceLocation& caller : where.inlined_by)
                if (!caller.function.empty())
                    loc.lines.push_back({function_for(caller.function, caller.file), caller.line});
        } else {
            // No symbol: name it like the other views do, so it still reads.
            std::string name = where.module.empty() ? hex(return_address) : where.module + "+" + hex(where.module_offset);
            loc.lines.push_back({function_for(name, ""), 0});
        }
        p_.locations.push_back(loc);
        locations_.emplace(return_address, loc.id);
        return loc.id;
    }

public:
    // A frame that is no code: the object a wait was for, as the innermost
    // "function" (Go's profiles end in sync.(*Mutex).Lock; this names which one).
    uint64_t placeholder_location(const std::string& name) {
        auto found = placeholders_.find(name);
        if (found != placeholders_.end()) return found->second;
        PprofLocation loc;
        loc.id = p_.locations.size() + 1;
        loc.lines.push_back({function_for(name, ""), 0});
        p_.locations.push_back(loc);
        placeholders_.emplace(name, loc.id);
        return loc.id;
    }

private:
    const Log& log_;
    Symbolizer& symbols_;
    PprofProfile& p_;
    std::vector<const ModuleInfo*> mapping_modules_;  // by mapping id - 1
    std::map<uint64_t, uint64_t> locations_;          // return address -> id
    std::map<std::pair<std::string, std::string>, uint64_t> functions_;  // (name, file) -> id
    std::map<std::string, uint64_t> placeholders_;                       // name -> location id
};

int64_t as_int64(uint64_t value) { return value > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(value); }

void add_sample_type(PprofProfile& p, const char* type, const char* unit) {
    p.sample_types.push_back({p.intern(type), p.intern(unit)});
}

void add_allocation_samples(const AllocReport& allocs, ProfileBuilder& builder, PprofProfile& p) {
    add_sample_type(p, "alloc_objects", "count");
    add_sample_type(p, "alloc_space", "bytes");
    add_sample_type(p, "inuse_objects", "count");
    add_sample_type(p, "inuse_space", "bytes");
    // Allocations are counted, so the profile's default is their number, not
    // inuse_space as for Go's heap profiles (temporary buffers would vanish).
    p.default_sample_type = p.intern("alloc_objects");
    p.period_type = {p.intern("space"), p.intern("bytes")};
    // The allocator's own entry points are not where a programmer would fix
    // anything: pprof drops them (it matches names without their arguments).
    p.drop_frames = p.intern("operator new|operator new\\[\\]");
    p.comments.push_back(p.intern("inuse = still allocated when the log ends"));
    for (const auto& entry : allocs.stacks) {
        const AllocStackStats& s = entry.second;
        if (s.allocations == 0 && s.leaked == 0) continue;
        PprofSample sample;
        sample.location_ids = builder.stack_locations(s.stack_id, 0);
        sample.values = {as_int64(s.allocations), as_int64(s.bytes), as_int64(s.leaked), as_int64(s.leaked_bytes)};
        p.samples.push_back(std::move(sample));
    }
}

void add_read_samples(const Log& log, ProfileBuilder& builder, PprofProfile& p) {
    add_sample_type(p, "read_calls", "count");
    add_sample_type(p, "read_bytes", "bytes");
    p.default_sample_type = p.intern("read_calls");
    p.period_type = {p.intern("calls"), p.intern("count")};
    for (const IoSite& site : log.io_sites) {
        if (shimlog::is_write(site.syscall) || site.calls == 0) continue;
        PprofSample sample;
        sample.location_ids = builder.stack_locations(site.stack_id, site.site);
        sample.values = {as_int64(site.calls), as_int64(site.bytes_done)};
        // Labels keep files apart: `pprof -tagfocus file=moby` picks one.
        const FileInfo* file = log.file(site.file_id);
        std::string path = file == nullptr ? "(untracked descriptor)" : file->name();
        sample.labels.push_back({p.intern("file"), p.intern(path)});
        sample.labels.push_back({p.intern("syscall"), p.intern(syscall_name(site.syscall))});
        p.samples.push_back(std::move(sample));
    }
}

// Like a Go CPU profile, so `go tool pprof -top` reads it the same way: each
// sample weighs its timer expiries (count) and the CPU they stand for. One
// sample per stack and kind of thread ("main thread", the start routine), the
// kind as a label, so `-tagfocus thread_kind=worker` picks the workers' CPU.
void add_cpu_samples(const Log& log, ThreadNamer& threads, ProfileBuilder& builder, PprofProfile& p) {
    add_sample_type(p, "samples", "count");
    add_sample_type(p, "cpu", "nanoseconds");
    p.default_sample_type = p.intern("cpu");
    p.period_type = {p.intern("cpu"), p.intern("nanoseconds")};
    std::map<uint32_t, std::string> kind_of_tid;
    for (const ThreadInfo& t : log.threads) kind_of_tid[t.tid] = threads.label(t);
    // (stack id, thread kind) -> (expiries, ns)
    std::map<std::pair<uint32_t, std::string>, std::pair<uint64_t, uint64_t>> by_stack;
    for (const CpuSample& s : log.cpu.samples) {
        auto kind = kind_of_tid.find(s.tid);
        auto& [expiries, ns] = by_stack[{s.stack_id, kind == kind_of_tid.end() ? "unknown thread" : kind->second}];
        expiries += log.cpu.period_ns ? s.weight_ns / log.cpu.period_ns : 1;
        ns += s.weight_ns;
    }
    for (const auto& [key, weight] : by_stack) {
        PprofSample sample;
        sample.location_ids = builder.stack_locations(key.first, 0);
        sample.values = {as_int64(weight.first), as_int64(weight.second)};
        sample.labels.push_back({p.intern("thread_kind"), p.intern(key.second)});
        p.samples.push_back(std::move(sample));
    }
}

// Go's block and mutex profiles share these types: the contentions (waits
// that blocked) and the delay (time blocked), the delay shown by default.
void add_wait_types(PprofProfile& p) {
    add_sample_type(p, "contentions", "count");
    add_sample_type(p, "delay", "nanoseconds");
    p.default_sample_type = p.intern("delay");
    p.period_type = {p.intern("contentions"), p.intern("count")};
}

// The object as a pseudo-frame under the stack, and as labels so that
// `pprof -tagfocus kind=mutex` or `object=...` picks some.
void add_wait_sample(WaitNames& names, ProfileBuilder& builder, PprofProfile& p, uint32_t stack_id,
                     shimlog::WaitKind kind, uint64_t object, uint64_t count, uint64_t ns) {
    std::string name = names.name(object, kind);
    PprofSample sample;
    sample.location_ids = builder.stack_locations(stack_id, 0);
    sample.location_ids.insert(sample.location_ids.begin(), builder.placeholder_location("[" + name + "]"));
    sample.values = {as_int64(count), as_int64(ns)};
    sample.labels.push_back({p.intern("kind"), p.intern(wait_kind_name(kind))});
    sample.labels.push_back({p.intern("object"), p.intern(name)});
    // Tells apart objects one name covers (two heap mutexes first waited for at one site).
    char address[32];
    snprintf(address, sizeof address, kind == shimlog::WaitKind::Join ? "tid %llu" : "0x%llx",
             static_cast<unsigned long long>(object));
    sample.labels.push_back({p.intern("address"), p.intern(address)});
    p.samples.push_back(std::move(sample));
}

// Waiters: every contended wait at the site it blocked in (all kinds).
void add_waiter_samples(const Log& log, WaitNames& names, ProfileBuilder& builder, PprofProfile& p) {
    add_wait_types(p);
    p.comments.push_back(p.intern("delay charged to the waiting site (Go's block profile); "
                                  "condition, semaphore, barrier and join waits are waits for work, not contention"));
    for (const WaitSite& site : log.waits.sites)
        if (site.waits > 0 || site.wait_ns > 0)
            add_wait_sample(names, builder, p, site.stack_id, site.kind, site.object, site.waits, site.wait_ns);
}

// Holders: each mutex wait charged to the unlock that ended it.
void add_holder_samples(const Log& log, WaitNames& names, ProfileBuilder& builder, PprofProfile& p) {
    add_wait_types(p);
    p.comments.push_back(p.intern("delay charged to the site that released the mutex (Go's mutex profile): "
                                  "contentions are releases that had waiters"));
    for (const LockHolder& h : log.waits.holders)
        if ((h.releases > 0 || h.delay_ns > 0) && is_lock_wait(h.kind))  // not a work semaphore's posts
            add_wait_sample(names, builder, p, h.stack_id, h.kind, h.object, h.releases, h.delay_ns);
}

// Who and when, on every sample (profile.proto has no profile-wide labels):
// a fleet's backend keeps profiles of many processes and windows apart by them.
void add_process_labels(const Log& log, PprofProfile& p) {
    std::string exe = log.process.exe;
    if (exe.empty() && !log.process.argv.empty()) exe = log.process.argv[0];
    std::string command = exe.substr(exe.rfind('/') == std::string::npos ? 0 : exe.rfind('/') + 1);
    PprofLabel pid{p.intern("pid"), p.intern(std::to_string(log.process.pid))};
    PprofLabel cmd{p.intern("command"), p.intern(command.empty() ? "unknown" : command)};
    PprofLabel window{p.intern("window"), p.intern(window_of_log(log.path).label())};
    for (PprofSample& sample : p.samples) sample.labels.insert(sample.labels.end(), {pid, cmd, window});
}

}  // namespace

PprofProfile build_pprof(const Log& log, const AllocReport& allocs, Symbolizer& symbols, PprofWhat what) {
    PprofProfile p;
    ProfileBuilder builder(log, symbols, p);
    if (what == PprofWhat::Allocations) {
        add_allocation_samples(allocs, builder, p);
    } else if (what == PprofWhat::Reads) {
        add_read_samples(log, builder, p);
    } else if (what == PprofWhat::Waits || what == PprofWhat::LockHolders) {
        CallSites sites(log, symbols);
        WaitNames names(log, sites);
        if (what == PprofWhat::Waits)
            add_waiter_samples(log, names, builder, p);
        else
            add_holder_samples(log, names, builder, p);
    } else {
        CallSites sites(log, symbols);
        ThreadNamer threads(sites);
        add_cpu_samples(log, threads, builder, p);
    }
    add_process_labels(log, p);
    // Every event is counted (nothing is sampled), but the CPU profile's
    // period is the CPU one timer expiry stands for.
    p.period = what == PprofWhat::Cpu ? as_int64(log.cpu.period_ns) : 1;
    p.time_nanos = as_int64(log.process.start_realtime_ns);
    p.duration_nanos = as_int64(log.duration_ns());
    p.comments.insert(p.comments.begin(),
                      p.intern("analyzer pprof of " + log.path + ": " + log.process.command_line()));
    p.comments.push_back(p.intern(what == PprofWhat::Cpu
                                      ? "CPU-time samples taken by libshim.so (SHIM_CPU_HZ) on each thread's CPU clock"
                                      : "exact counts recorded by libshim.so, not samples"));
    if (log.partial) p.comments.push_back(p.intern("the log is partial: " + log.partial_reason));
    return p;
}

}  // namespace analyzer
