#include "exit_scan.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <dlfcn.h>
#include <link.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/single_threaded.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../format/event_encoders.h"
#include "../../format/log_format.h"
#include "alloc_sampling.h"
#include "../clock.h"
#include "../log/compressor.h"
#include "../hooks/interpose.h"
#include "../hooks/loader_gate.h"
#include "../log/record_sink.h"

namespace shim {
namespace {

using shimlog::ExitScanRegionKind;
using shimlog::RecordType;

// Bounds: a program with a 100 GB heap must not spend minutes at exit. Past
// them the scan stops and says so, and the analyzer decides nothing.
constexpr uint64_t kBudgetBytes = 1ull << 30;               // read
constexpr uint64_t kBudgetPairs = (64ull << 20) / 16;       // 64 MiB of 16-byte pairs
constexpr size_t kMapsBytes = 16u << 20;                    // /proc/self/maps text
constexpr size_t kMaxMappings = 65536;                      // vm.max_map_count's default
constexpr size_t kMaxModuleRanges = 4096;
constexpr size_t kMaxRegions = 2 * kMaxMappings;            // 3 MiB of ExitScanRegion: one record
constexpr size_t kWindowBytes = 64u << 10;                  // read at a time: small, each page touched is a fault
constexpr size_t kPairBytes = shimlog::kMaxChunkRawSize;    // encoded pairs per record
constexpr size_t kPage = 4096;
constexpr size_t kReadWholeBelow = 16;                     // pages: a smaller region is read without pagemap
constexpr uint64_t kScanFromBytes = 1u << 20;              // in use at exit: the leak finding's default threshold
constexpr size_t kCompressFrom = 64u << 10;                 // pairs' bytes: smaller ones go as they are
constexpr size_t kPagesAtOnce = 4096;                       // pagemap entries read at a time (32 KiB: 16 MiB of memory)

struct Range {
    uint64_t start, end;
};

struct Mapping {
    uint64_t start, end;
    bool readable, scannable;  // scannable: private, writable, anonymous
    bool brk, main_stack;
};

// Everything lives in one mmap'd scratch area, unmapped at the end.
struct Scratch {
    char* maps_text;
    Mapping* mappings;
    size_t mapping_count;
    Range* modules;
    size_t module_count;
    shimlog::ExitScanRegion* regions;
    size_t region_count;
    Range* targets;  // Brk and Anonymous regions: a word pointing inside is written
    size_t target_count;
    uint8_t* window;
    uint8_t* pairs;
    size_t pairs_used;
    uint32_t pairs_in_record;
    uint64_t prev_where, prev_value;
    shimlog::ExitScanSummary summary;
    int pagemap_fd;
    uint64_t* page_entries;  // kPagesAtOnce pagemap entries
    // Read in place, not copied: no other thread can unmap anything meanwhile
    // (the process never started one), or process_vm_readv is refused.
    bool direct_reads;
    uint64_t self_start, self_end;  // the scratch itself, never scanned
};

constexpr size_t scratch_bytes() {
    return kMapsBytes + kMaxMappings * sizeof(Mapping) + kMaxModuleRanges * sizeof(Range) +
           kMaxRegions * sizeof(shimlog::ExitScanRegion) + kMaxRegions * sizeof(Range) + kWindowBytes + kPairBytes +
           kPagesAtOnce * sizeof(uint64_t);
}

bool map_scratch(Scratch& s) {
    void* mem = mmap(nullptr, scratch_bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    if (mem == MAP_FAILED) return false;
    char* at = static_cast<char*>(mem);
    s = Scratch{};
    s.pagemap_fd = -1;
    s.self_start = reinterpret_cast<uint64_t>(mem);
    s.self_end = s.self_start + scratch_bytes();
    s.maps_text = at, at += kMapsBytes;
    s.mappings = reinterpret_cast<Mapping*>(at), at += kMaxMappings * sizeof(Mapping);
    s.modules = reinterpret_cast<Range*>(at), at += kMaxModuleRanges * sizeof(Range);
    s.regions = reinterpret_cast<shimlog::ExitScanRegion*>(at), at += kMaxRegions * sizeof(shimlog::ExitScanRegion);
    s.targets = reinterpret_cast<Range*>(at), at += kMaxRegions * sizeof(Range);
    s.window = reinterpret_cast<uint8_t*>(at), at += kWindowBytes;
    s.pairs = reinterpret_cast<uint8_t*>(at), at += kPairBytes;
    s.page_entries = reinterpret_cast<uint64_t*>(at);
    return true;
}

// ---- what is mapped ----

uint64_t parse_hex(const char*& p) {
    uint64_t v = 0;
    for (;; ++p) {
        char c = *p;
        if (c >= '0' && c <= '9') v = v * 16 + uint64_t(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + uint64_t(c - 'a' + 10);
        else return v;
    }
}

const char* skip_field(const char* p, const char* end) {
    while (p < end && *p != ' ' && *p != '\n') ++p;
    while (p < end && *p == ' ') ++p;
    return p;
}

bool starts_with(const char* p, const char* end, const char* prefix) {
    size_t n = strlen(prefix);
    return size_t(end - p) >= n && memcmp(p, prefix, n) == 0;
}

// "start-end perms offset dev inode   path": anonymous means inode 0 and no
// file ([heap], [stack], [anon:name] or nothing).
void parse_line(const char* p, const char* end, Scratch& s) {
    if (s.mapping_count == kMaxMappings) return;
    Mapping m{};
    m.start = parse_hex(p);
    if (*p++ != '-') return;
    m.end = parse_hex(p);
    p = skip_field(p, end);
    if (end - p < 4) return;
    m.readable = p[0] == 'r';
    bool writable = p[1] == 'w', is_private = p[3] == 'p';
    p = skip_field(p, end);  // perms
    p = skip_field(p, end);  // offset
    p = skip_field(p, end);  // dev
    bool no_inode = p < end && *p == '0' && (p + 1 == end || p[1] == ' ' || p[1] == '\n');
    p = skip_field(p, end);  // inode
    bool anonymous = no_inode && (p == end || *p == '\n' || starts_with(p, end, "[heap]") ||
                                  starts_with(p, end, "[stack]") || starts_with(p, end, "[anon:"));
    m.scannable = m.readable && writable && is_private && anonymous;
    m.brk = starts_with(p, end, "[heap]");
    m.main_stack = starts_with(p, end, "[stack]");
    if (m.end > m.start) s.mappings[s.mapping_count++] = m;
}

bool read_maps(Scratch& s) {
    int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t used = 0;
    while (used < kMapsBytes) {
        ssize_t n = ::read(fd, s.maps_text + used, kMapsBytes - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += size_t(n);
    }
    ::close(fd);
    const char* p = s.maps_text;
    const char* end = p + used;
    while (p < end) {
        const char* eol = static_cast<const char*>(memchr(p, '\n', size_t(end - p)));
        if (eol == nullptr) break;  // a cut last line (maps over the cap): left out
        parse_line(p, eol, s);
        p = eol + 1;
    }
    return s.mapping_count > 0;
}

// Every loaded object's writable PT_LOAD segments but the shim's own.
int add_module(dl_phdr_info* info, size_t, void* data) {
    Scratch& s = *static_cast<Scratch*>(data);
    const uint64_t self = reinterpret_cast<uint64_t>(&exit_scan_write);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        uint64_t start = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && self >= start && self < start + ph.p_memsz) return 0;
    }
    for (int i = 0; i < info->dlpi_phnum && s.module_count < kMaxModuleRanges; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W) || ph.p_memsz == 0) continue;
        uint64_t start = info->dlpi_addr + ph.p_vaddr;
        s.modules[s.module_count++] = {start & ~uint64_t(7), start + ph.p_memsz};
    }
    return 0;
}

// ---- the regions to scan ----

void add_region(Scratch& s, uint64_t start, uint64_t end, ExitScanRegionKind kind) {
    start = (start + 7) & ~uint64_t(7);
    if (end <= start || s.region_count == kMaxRegions) return;
    shimlog::ExitScanRegion r{};
    r.start = start;
    r.end = end;
    r.kind = static_cast<uint8_t>(kind);
    s.regions[s.region_count++] = r;
    if (kind == ExitScanRegionKind::Brk || kind == ExitScanRegionKind::Anonymous)
        s.targets[s.target_count++] = {start, end};
}

// An anonymous mapping less the modules' bss inside it and the scratch.
void add_anonymous(Scratch& s, const Mapping& m, uint64_t sp) {
    uint64_t at = m.start;
    while (at < m.end) {
        Range cut{m.end, m.end};  // the first excluded range from `at` on
        auto consider = [&](uint64_t start, uint64_t end) {
            if (end > at && start < cut.start) cut = {std::max(start, at), end};
        };
        for (size_t i = 0; i < s.module_count; ++i) consider(s.modules[i].start, s.modules[i].end);
        consider(s.self_start, s.self_end);
        uint64_t stop = std::min(cut.start, m.end);
        if (sp >= at && sp < stop) {
            add_region(s, sp, stop, ExitScanRegionKind::Stack);  // below sp: dead frames
        } else {
            add_region(s, at, stop, m.brk ? ExitScanRegionKind::Brk : ExitScanRegionKind::Anonymous);
        }
        at = std::max(cut.end, stop);
    }
}

// Module segments, clipped to what is mapped readable.
void add_modules(Scratch& s) {
    for (size_t i = 0; i < s.module_count; ++i) {
        const Range& mod = s.modules[i];
        for (size_t j = 0; j < s.mapping_count; ++j) {
            const Mapping& m = s.mappings[j];
            if (!m.readable || m.end <= mod.start || m.start >= mod.end) continue;
            add_region(s, std::max(m.start, mod.start), std::min(m.end, mod.end), ExitScanRegionKind::ModuleData);
        }
    }
}

void build_regions(Scratch& s, uint64_t sp) {
    {
        LoaderWalk walk;
        if (walk.entered()) dl_iterate_phdr(add_module, &s);
    }
    add_modules(s);
    for (size_t j = 0; j < s.mapping_count; ++j)
        if (s.mappings[j].scannable) add_anonymous(s, s.mappings[j], sp);
    std::sort(s.regions, s.regions + s.region_count,
              [](const shimlog::ExitScanRegion& a, const shimlog::ExitScanRegion& b) { return a.start < b.start; });
    std::sort(s.targets, s.targets + s.target_count, [](const Range& a, const Range& b) { return a.start < b.start; });
}

// ---- writing ----

void write_record(shimlog::ExitScanPart part, uint32_t count, const void* body, size_t size, bool compress) {
    shimlog::ExitScanRecord h{};
    h.part = static_cast<uint8_t>(part);
    h.count = count;
    h.raw_size = static_cast<uint32_t>(size);
    Compressed c = compress ? compress_chunk(body, size) : Compressed{body, size, -1};
    h.compression = static_cast<uint8_t>(c.handle >= 0 ? shimlog::Compression::Zstd : shimlog::Compression::None);
    sink_record(RecordType::ExitScan, {{&h, sizeof h}, {c.data, c.size}});
    compressor_done(c.handle);
}

void flush_pairs(Scratch& s) {
    if (s.pairs_in_record == 0) return;
    // A fresh zstd context costs milliseconds: worth it for big scans only.
    write_record(shimlog::ExitScanPart::Pairs, s.pairs_in_record, s.pairs, s.pairs_used, s.pairs_used >= kCompressFrom);
    s.pairs_used = 0;
    s.pairs_in_record = 0;
    s.prev_where = s.prev_value = 0;
}

void add_pair(Scratch& s, uint64_t where, uint64_t value) {
    if (s.pairs_used + 20 > kPairBytes) flush_pairs(s);
    uint8_t* out = shimlog::put_scan_pair(s.pairs + s.pairs_used, where, value, s.prev_where, s.prev_value);
    s.pairs_used = size_t(out - s.pairs);
    s.pairs_in_record++;
    s.summary.pairs++;
}

bool points_into_target(const Scratch& s, uint64_t value) {
    size_t lo = 0, hi = s.target_count;  // the first target starting after value
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s.targets[mid].start <= value) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 && value < s.targets[lo - 1].end;
}

// ---- reading ----

// Copies [at, at + n) into the window; the bytes copied (0: unreadable).
// process_vm_readv on itself faults nothing: a mapping another thread
// removed since /proc/self/maps was read is a short read, not a SIGSEGV.
size_t read_window(Scratch& s, uint64_t at, size_t n) {
    iovec local{s.window, n};
    iovec remote{reinterpret_cast<void*>(at), n};
    ssize_t got = process_vm_readv(pid_t(log_pid()), &local, 1, &remote, 1, 0);
    if (got < 0 && (errno == ENOSYS || errno == EPERM) && s.summary.bytes_scanned == 0) {
        s.direct_reads = true;  // refused outright (seccomp, old kernel): the maps list is trusted
        return n;
    }
    return got < 0 ? 0 : size_t(got);
}

// Scans [at, end) (within one window): false once a budget is spent.
bool scan_range(Scratch& s, uint64_t at, uint64_t end) {
    const uint64_t lo = s.targets[0].start, hi = s.targets[s.target_count - 1].end;
    while (at < end) {
        if (s.summary.bytes_scanned >= kBudgetBytes) {
            s.summary.flags |= shimlog::kExitScanBudgetBytes;
            return false;
        }
        size_t want = size_t(std::min<uint64_t>(end - at, kWindowBytes));
        size_t got = s.direct_reads ? want & ~size_t(7) : read_window(s, at, want) & ~size_t(7);
        const uint64_t* words = reinterpret_cast<const uint64_t*>(s.direct_reads ? at : uint64_t(s.window));
        for (size_t i = 0; i < got / 8; ++i) {
            uint64_t value = words[i];
            if (value < lo || value >= hi || !points_into_target(s, value)) continue;
            if (s.summary.pairs >= kBudgetPairs) {
                s.summary.flags |= shimlog::kExitScanBudgetPairs;
                return false;
            }
            add_pair(s, at + i * 8, value);
        }
        s.summary.bytes_scanned += got;
        if (got < want) {  // unreadable from here: go on at the next page
            uint64_t next = ((at + got) & ~uint64_t(kPage - 1)) + kPage;
            s.summary.flags |= shimlog::kExitScanUnreadable;
            s.summary.bytes_skipped += std::min(next, end) - (at + got);
            at = next;
        } else {
            at += got;
        }
    }
    return true;
}

// Which pages of [first, first + count) hold data (present or swapped out):
// a page never touched reads as zeros, and reading it would map it. False
// when /proc/self/pagemap cannot say (then every page is read).
bool pages_with_data(Scratch& s, uint64_t first, size_t count) {
    if (s.pagemap_fd < 0 || count <= kReadWholeBelow) return false;  // small: one read is cheaper than asking
    size_t bytes = count * sizeof(uint64_t);
    ssize_t n = pread(s.pagemap_fd, s.page_entries, bytes, off_t(first * sizeof(uint64_t)));
    return n == ssize_t(bytes);
}

// A region, reading only the pages that hold data: their flags are read for
// up to kPagesAtOnce pages (1 GiB) a syscall, as most big mappings (arenas
// reserved whole, the shim's own tables) are mostly untouched.
bool scan_region(Scratch& s, const shimlog::ExitScanRegion& r) {
    constexpr uint64_t kPresent = 1ull << 63, kSwapped = 1ull << 62;
    for (uint64_t at = r.start; at < r.end;) {
        uint64_t first = at / kPage;
        uint64_t chunk_end = std::min<uint64_t>(r.end, (first + kPagesAtOnce) * kPage);
        size_t pages = size_t((chunk_end - 1) / kPage - first + 1);
        if (!pages_with_data(s, first, pages)) {
            if (!scan_range(s, at, chunk_end)) return false;
        } else {
            for (size_t p = 0; p < pages;) {
                if (!(s.page_entries[p] & (kPresent | kSwapped))) {
                    p++;
                    continue;
                }
                size_t q = p;
                while (q < pages && (s.page_entries[q] & (kPresent | kSwapped))) q++;
                uint64_t from = std::max(at, (first + p) * kPage), to = std::min(chunk_end, (first + q) * kPage);
                if (!scan_range(s, from, to)) return false;
                p = q;
            }
        }
        at = chunk_end;
    }
    return true;
}

// What glibc's malloc holds for the program at exit (in-use chunks and
// mmapped blocks); UINT64_MAX when malloc is another library's.
uint64_t heap_in_use() {
    void* next_malloc = dlsym(RTLD_NEXT, "malloc");
    if (next_malloc == nullptr || !is_libc_definition("malloc", next_malloc)) return UINT64_MAX;
    SignalsHeld held;  // mallinfo2 holds malloc's locks: a handler that allocates would wait on itself
    struct mallinfo2 info = mallinfo2();
    return uint64_t(info.uordblks) + uint64_t(info.hblkhd);
}

void write_summary(Scratch& s, uint64_t started) {
    s.summary.scan_ns = monotonic_ns() - started;
    write_record(shimlog::ExitScanPart::Summary, 1, &s.summary, sizeof s.summary, false);
}

}  // namespace

void exit_scan_write() {
    if (sampling_on()) return;  // only a sample of the blocks is known: nothing to decide
    ErrnoKeeper keep;  // its opens, reads and maps are the shim's, not the program's
    uint64_t started = monotonic_ns();
    uint64_t sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
    static Scratch s;  // the handles; the scratch memory itself is mmap'd
    // A small heap holds no leak worth a finding: most processes (a shell's
    // commands, /bin/true) end without paying for a scan.
    if (heap_in_use() < kScanFromBytes) {
        s = Scratch{};
        s.summary.flags = shimlog::kExitScanSmallHeap;
        write_record(shimlog::ExitScanPart::Regions, 0, &s.summary, 0, false);
        write_summary(s, started);
        return;
    }
    if (!map_scratch(s)) return;
    if (read_maps(s)) {
        build_regions(s, sp);
        write_record(shimlog::ExitScanPart::Regions, uint32_t(s.region_count), s.regions,
                     s.region_count * sizeof(shimlog::ExitScanRegion), false);
        s.pagemap_fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        s.direct_reads = __libc_single_threaded;
        for (size_t i = 0; i < s.region_count && s.target_count > 0; ++i)
            if (!scan_region(s, s.regions[i])) break;  // a budget is spent: the summary says which
        if (s.pagemap_fd >= 0) ::close(s.pagemap_fd);
        flush_pairs(s);
    } else {
        s.summary.flags |= shimlog::kExitScanNoMaps;
    }
    write_summary(s, started);
    munmap(reinterpret_cast<void*>(s.self_start), scratch_bytes());
}

}  // namespace shim
