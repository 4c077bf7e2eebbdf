// The dictionary of one column chunk: its distinct values in first-seen order, PLAIN-encoded
// back to back exactly as the chunk's dictionary page holds them, and a hash table from a
// value's bytes to its index.
//
// Values are compared by their bytes, so -0.0 and +0.0 (and NaNs with different payloads) are
// distinct entries and every value reads back bit for bit.
//
// Internal to the Parquet writer. Insert allocates only to grow its buffers (amortised).
// Memory: the page plus 16 bytes per entry and 8 to 16 bytes of hash slots per entry, so up to
// about 9 times the page size cap for 4-byte values. Clear keeps it for the next chunk.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/bytes.h"

namespace pg2iceberg::parquet {

class ValueDictionary {
 public:
  // Returned by Insert when a new value would not fit the size cap.
  static constexpr uint32_t kFull = std::numeric_limits<uint32_t>::max();

  // `length_prefix`: BYTE_ARRAY values, each stored after a 4-byte little-endian length.
  explicit ValueDictionary(bool length_prefix) : prefix_bytes_(length_prefix ? 4 : 0) {}

  // The index of `value`, adding it when new. kFull, changing nothing, when adding it would
  // make page() longer than `page_bytes_max`.
  uint32_t Insert(ByteSpan value, size_t page_bytes_max);

  // Entries so far.
  uint32_t size() const { return static_cast<uint32_t>(entries_.size()); }
  // The dictionary page body: every entry PLAIN-encoded, in index order.
  ByteSpan page() const { return page_; }
  // Entry `index` PLAIN-encoded (with its length prefix for BYTE_ARRAY).
  ByteSpan PlainEntry(uint32_t index) const {
    const Entry& e = entries_[index];
    return ByteSpan(page_).subspan(e.offset - prefix_bytes_, prefix_bytes_ + e.size);
  }
  // Bytes a value of `size` bytes takes PLAIN-encoded.
  size_t PlainSize(size_t size) const { return prefix_bytes_ + size; }

  // Forgets every entry; keeps the memory.
  void Clear();

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset;  // of the value's bytes in page_ (after the length prefix)
    uint32_t size;
  };
  bool Matches(const Entry& entry, uint64_t hash, ByteSpan value) const;
  uint32_t Add(ByteSpan value, uint64_t hash, size_t slot);
  void GrowSlots();

  size_t prefix_bytes_;
  Bytes page_;
  std::vector<Entry> entries_;
  // Open addressing with linear probing: index + 1 of an entry, 0 for an empty slot. The
  // size is a power of two, kept at least twice the entry count.
  std::vector<uint32_t> slots_;
};

}  // namespace pg2iceberg::parquet
