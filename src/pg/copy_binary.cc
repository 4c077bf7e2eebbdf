#include "pg/copy_binary.h"

#include <cstring>
#include <string>

namespace pg2iceberg::pg {
namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the trailing NUL
constexpr size_t kSignatureSize = 11;

}  // namespace

Status CopyBinaryParser::Feed(ByteSpan chunk, const RowCallback& on_row) {
  if (trailer_seen_ && !chunk.empty())
    return Status::DataLoss("COPY stream: data after the trailer");
  pending_.insert(pending_.end(), chunk.begin(), chunk.end());
  ASSIGN_OR_RETURN(size_t consumed, ParseAvailable(on_row));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(consumed));
  return Status::Ok();
}

Status CopyBinaryParser::Finish() const {
  if (!trailer_seen_) return Status::DataLoss("COPY stream ended without its trailer");
  if (!pending_.empty()) return Status::DataLoss("COPY stream: data after the trailer");
  return Status::Ok();
}

Result<size_t> CopyBinaryParser::ParseAvailable(const RowCallback& on_row) {
  ByteReader reader(pending_);
  size_t consumed = 0;
  if (!header_done_) {
    ASSIGN_OR_RETURN(bool complete, ParseHeader(reader));
    if (!complete) return size_t{0};
    header_done_ = true;
    consumed = reader.position();
  }
  while (!trailer_seen_) {
    ASSIGN_OR_RETURN(bool complete, ParseTuple(reader, on_row));
    if (!complete) break;
    consumed = reader.position();
  }
  if (trailer_seen_ && reader.remaining() > 0)
    return Status::DataLoss("COPY stream: data after the trailer");
  return consumed;
}

Result<bool> CopyBinaryParser::ParseHeader(ByteReader& reader) {
  ByteSpan signature;
  int32_t flags, extension_length;
  if (!reader.ReadBytes(kSignatureSize, &signature)) return false;
  if (std::memcmp(signature.data(), kSignature, kSignatureSize) != 0) {
    return Status::DataLoss("COPY stream: not a binary COPY signature");
  }
  if (!reader.ReadBigEndian32(&flags) || !reader.ReadBigEndian32(&extension_length)) return false;
  if ((flags & 0xffff0000) != 0 || extension_length < 0) {
    return Status::DataLoss("COPY stream: unsupported header flags " + std::to_string(flags));
  }
  ByteSpan extension;
  return reader.ReadBytes(static_cast<size_t>(extension_length), &extension);
}

Result<bool> CopyBinaryParser::ParseTuple(ByteReader& reader, const RowCallback& on_row) {
  int16_t count;
  if (!reader.ReadBigEndian16(&count)) return false;
  if (count == -1) {
    trailer_seen_ = true;
    return true;
  }
  if (count != field_count_) {
    return Status::DataLoss("COPY stream: tuple has " + std::to_string(count) +
                            " fields, expected " + std::to_string(field_count_));
  }
  fields_.assign(static_cast<size_t>(count), std::nullopt);
  for (int i = 0; i < count; ++i) {
    int32_t length;
    if (!reader.ReadBigEndian32(&length)) return false;
    if (length < -1) return Status::DataLoss("COPY stream: negative field length");
    if (length == -1) continue;
    ByteSpan value;
    if (!reader.ReadBytes(static_cast<size_t>(length), &value)) return false;
    fields_[i] = value;
  }
  ++rows_;
  RETURN_IF_ERROR(on_row(fields_));
  return true;
}

}  // namespace pg2iceberg::pg
