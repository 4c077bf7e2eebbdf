#include "parquet/value_dictionary.h"

#include <algorithm>
#include <cstring>

#include "base/check.h"

namespace pg2iceberg::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

// A hash of the bytes: 8-byte words folded in with a multiply, then mixed with the length.
uint64_t HashBytes(ByteSpan value) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, value.data() + i, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdULL;
  }
  uint64_t tail = 0;
  if (i < value.size()) std::memcpy(&tail, value.data() + i, value.size() - i);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  return Mix(h ^ value.size());
}

}  // namespace

bool ValueDictionary::Matches(const Entry& entry, uint64_t hash, ByteSpan value) const {
  return entry.hash == hash && entry.size == value.size() &&
         (value.empty() ||
          std::memcmp(page_.data() + entry.offset, value.data(), value.size()) == 0);
}

uint32_t ValueDictionary::Insert(ByteSpan value, size_t page_bytes_max) {
  if (slots_.empty()) [[unlikely]]
    slots_.assign(kInitialSlots, 0);
  const uint64_t hash = HashBytes(value);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t stored = slots_[slot];
    if (stored == 0) {
      if (page_.size() + PlainSize(value.size()) > page_bytes_max) return kFull;
      return Add(value, hash, slot);
    }
    if (Matches(entries_[stored - 1], hash, value)) return stored - 1;
  }
}

uint32_t ValueDictionary::Add(ByteSpan value, uint64_t hash, size_t slot) {
  // page_bytes_max is far below 4 GiB (the writer caps it), so offsets fit 32 bits.
  CHECK(page_.size() + PlainSize(value.size()) <= std::numeric_limits<uint32_t>::max());
  if (prefix_bytes_ != 0) {
    const auto length = static_cast<uint32_t>(value.size());
    const auto* p = reinterpret_cast<const std::byte*>(&length);
    page_.insert(page_.end(), p, p + sizeof length);
  }
  const auto index = static_cast<uint32_t>(entries_.size());
  entries_.push_back(
      Entry{hash, static_cast<uint32_t>(page_.size()), static_cast<uint32_t>(value.size())});
  page_.insert(page_.end(), value.begin(), value.end());
  slots_[slot] = index + 1;
  if (2 * entries_.size() > slots_.size()) GrowSlots();
  return index;
}

void ValueDictionary::GrowSlots() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    size_t slot = entries_[i].hash & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = i + 1;
  }
}

void ValueDictionary::Clear() {
  page_.clear();
  entries_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

}  // namespace pg2iceberg::parquet
