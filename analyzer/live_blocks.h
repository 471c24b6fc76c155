// The blocks allocated and not yet freed during the replay, by address: an
// open-addressing table (linear probing, backward-shift deletion), because a
// node-based map costs an allocation per event and the replay runs at tens of
// millions of events a second.
#pragma once
#include <cstdint>
#include <vector>

namespace analyzer {

struct LiveBlock {
    uint32_t stack_id;
    uint64_t size;
};

class LiveBlocks {
public:
    LiveBlocks() { slots_.resize(kInitialSlots); }

    // The block at `ptr`, or null.
    LiveBlock* find(uint64_t ptr) {
        for (size_t i = home(ptr);; i = (i + 1) & mask()) {
            Slot& s = slots_[i];
            if (!s.used) return nullptr;
            if (s.ptr == ptr) return &s.block;
        }
    }

    // Adds a block; the caller has checked that `ptr` is not live.
    void insert(uint64_t ptr, LiveBlock block) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow();
        place(ptr, block);
        count_++;
    }

    // Removes the block at `ptr` into `out`; false when none is live there.
    bool take(uint64_t ptr, LiveBlock& out) {
        size_t hole = home(ptr);
        for (;; hole = (hole + 1) & mask()) {
            if (!slots_[hole].used) return false;
            if (slots_[hole].ptr == ptr) break;
        }
        out = slots_[hole].block;
        slots_[hole].used = false;
        count_--;
        // Pull later members of the probe run back over the hole, unless that
        // would put one before its home slot.
        for (size_t i = (hole + 1) & mask(); slots_[i].used; i = (i + 1) & mask()) {
            size_t from_home = (i - home(slots_[i].ptr)) & mask();
            if (from_home < ((i - hole) & mask())) continue;
            slots_[hole] = slots_[i];
            slots_[i].used = false;
            hole = i;
        }
        return true;
    }

    size_t size() const { return count_; }

    template <typename F>
    void for_each(F f) const {
        for (const Slot& s : slots_)
            if (s.used) f(s.ptr, s.block);
    }

private:
    struct Slot {
        uint64_t ptr = 0;
        LiveBlock block{};
        bool used = false;
    };
    static constexpr size_t kInitialSlots = 1024;  // a power of two

    size_t mask() const { return slots_.size() - 1; }
    // Fibonacci hashing: addresses differ mostly in their middle bits.
    size_t home(uint64_t ptr) const { return size_t((ptr * 0x9E3779B97F4A7C15ull) >> shift_) & mask(); }

    void place(uint64_t ptr, LiveBlock block) {
        size_t i = home(ptr);
        while (slots_[i].used) i = (i + 1) & mask();
        slots_[i].ptr = ptr;
        slots_[i].block = block;
        slots_[i].used = true;
    }

    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        shift_--;
        for (const Slot& s : old)
            if (s.used) place(s.ptr, s.block);
    }

    std::vector<Slot> slots_;
    size_t count_ = 0;
    int shift_ = 64 - 10;  // log2(kInitialSlots) top bits of the product
};

}  // namespace analyzer
