#include "live_blocks_reader.h"

#include <cstring>

namespace analyzer {

bool decode_live_blocks(const char* payload, size_t size, LiveAtStart& live, std::string& why) {
    shimlog::LiveBlocksRecord rec;
    if (size < sizeof rec) return why = "a LiveBlocks record shorter than its header", false;
    memcpy(&rec, payload, sizeof rec);
    if (rec.count > shimlog::kLiveBlocksPerRecord) return why = "a LiveBlocks record of more blocks than one may hold", false;
    if (size - sizeof rec != uint64_t(rec.count) * sizeof(shimlog::LiveBlockEntry))
        return why = "a LiveBlocks record whose size is not its count of blocks", false;
    // Parts come in order, each list once: a part out of place is not this list's.
    uint64_t expected_part = live.present ? (live.blocks.size() + shimlog::kLiveBlocksPerRecord - 1) / shimlog::kLiveBlocksPerRecord : 0;
    if (rec.part != expected_part || (live.present && live.blocks.size() % shimlog::kLiveBlocksPerRecord != 0))
        return why = "a LiveBlocks record out of order (part " + std::to_string(rec.part) + ")", false;
    if (live.present && (rec.total_blocks != live.total_blocks || rec.flags != live.flags))
        return why = "LiveBlocks records of different lists", false;
    if (live.blocks.size() + rec.count > rec.total_blocks) return why = "more live blocks than the list counts", false;
    live.present = true;
    live.flags = rec.flags;
    live.total_blocks = rec.total_blocks;
    live.total_bytes = rec.total_bytes;
    size_t at = live.blocks.size();
    live.blocks.resize(at + rec.count);
    if (rec.count > 0) memcpy(&live.blocks[at], payload + sizeof rec, rec.count * sizeof(shimlog::LiveBlockEntry));
    return true;
}

}  // namespace analyzer
