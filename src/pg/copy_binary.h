// Parser for the stream of `COPY … TO STDOUT (FORMAT binary)`: an 11-byte signature, flags and
// header extension, then tuples (int16 field count, then per field an int32 length — -1 for
// NULL — and that many bytes), ended by a field count of -1.
// Chunks may split tuples anywhere. Malformed input is kDataLoss, never a crash.
// Not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::pg {

class CopyBinaryParser {
 public:
  // Fields of one tuple; NULL is std::nullopt. The spans are valid during the callback only.
  using Fields = std::span<const std::optional<ByteSpan>>;
  using RowCallback = std::function<Status(Fields)>;

  // `field_count` is the number of columns every tuple must have.
  explicit CopyBinaryParser(int field_count) : field_count_(field_count) {}

  // Consumes the next chunk of the stream, calling `on_row` for every complete tuple.
  Status Feed(ByteSpan chunk, const RowCallback& on_row);
  // Succeeds only when the stream ended with its trailer and nothing after it.
  Status Finish() const;

  int64_t rows() const { return rows_; }

 private:
  // Parses as much of pending_ as holds whole items; returns bytes consumed.
  Result<size_t> ParseAvailable(const RowCallback& on_row);
  Result<bool> ParseHeader(ByteReader& reader);
  // Parses one tuple (or the trailer); false when the tuple is not complete yet.
  Result<bool> ParseTuple(ByteReader& reader, const RowCallback& on_row);

  const int field_count_;
  Bytes pending_;
  bool header_done_ = false;
  bool trailer_seen_ = false;
  int64_t rows_ = 0;
  std::vector<std::optional<ByteSpan>> fields_;
};

}  // namespace pg2iceberg::pg
