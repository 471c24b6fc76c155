// A map from 64-bit keys (addresses, packed ids) for the allocation replay:
// open addressing with linear probing and backward-shift deletion, because a
// node-based map costs an allocation and a cache miss or two per event, and
// the replay runs at tens of millions of events a second.
#pragma once
#include <cstdint>
#include <vector>

namespace analyzer {

template <typename Value>
class FlatMap {
public:
    FlatMap() { slots_.resize(kInitialSlots); }

    // The value at `key`, or null.
    Value* find(uint64_t key) {
        for (size_t i = home(key);; i = (i + 1) & mask()) {
            Slot& s = slots_[i];
            if (!s.used) return nullptr;
            if (s.key == key) return &s.value;
        }
    }

    // Adds a value; the caller has checked that `key` is not there yet.
    Value& insert(uint64_t key, Value value) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow();
        count_++;
        return place(key, value);
    }

    // Removes the value at `key` into `out`; false when there is none.
    bool take(uint64_t key, Value& out) {
        size_t hole = home(key);
        for (;; hole = (hole + 1) & mask()) {
            if (!slots_[hole].used) return false;
            if (slots_[hole].key == key) break;
        }
        out = slots_[hole].value;
        slots_[hole].used = false;
        count_--;
        // Pull later members of the probe run back over the hole, unless that
        // would put one before its home slot.
        for (size_t i = (hole + 1) & mask(); slots_[i].used; i = (i + 1) & mask()) {
            size_t from_home = (i - home(slots_[i].key)) & mask();
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
            if (s.used) f(s.key, s.value);
    }

private:
    struct Slot {
        uint64_t key = 0;
        Value value{};
        bool used = false;
    };
    static constexpr size_t kInitialSlots = 1024;  // a power of two

    size_t mask() const { return slots_.size() - 1; }
    // Fibonacci hashing: addresses and packed ids differ mostly in their middle bits.
    size_t home(uint64_t key) const { return size_t((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask(); }

    Value& place(uint64_t key, Value value) {
        size_t i = home(key);
        while (slots_[i].used) i = (i + 1) & mask();
        slots_[i].key = key;
        slots_[i].value = value;
        slots_[i].used = true;
        return slots_[i].value;
    }

    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        shift_--;
        for (const Slot& s : old)
            if (s.used) place(s.key, s.value);
    }

    std::vector<Slot> slots_;
    size_t count_ = 0;
    int shift_ = 64 - 10;  // log2(kInitialSlots) top bits of the product
};

}  // namespace analyzer
