// ReadPuffinFooter and ReadPuffinBlob (puffin.h).
#include <string>

#include "iceberg/json_util.h"
#include "iceberg/puffin.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr std::string_view kMagic = "PFA1";
constexpr size_t kFooterTail = 12;  // payload size, flags, magic

Status Corrupt(const std::string& problem) {
  return Status::DataLoss("puffin file corrupt: " + problem);
}

uint32_t Le32(ByteSpan bytes) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes[i]) << (8 * i);
  return v;
}

// Where the footer (its magic) starts; checks the magics, payload size and flags.
Result<size_t> FooterStart(ByteSpan file, ByteSpan* payload) {
  if (file.size() < kMagic.size() * 2 + kFooterTail) {
    return Corrupt("only " + std::to_string(file.size()) + " bytes");
  }
  if (AsStringView(file.first(4)) != kMagic || AsStringView(file.last(4)) != kMagic) {
    return Corrupt("magic PFA1 missing at the start or end (truncated, or not a Puffin file)");
  }
  const uint32_t flags = Le32(file.last(8));
  if ((flags & 1) != 0) {
    return Status::InvalidArgument("puffin footer payload is compressed (LZ4): not supported");
  }
  const uint32_t size = Le32(file.last(kFooterTail));
  if (size > file.size() - kMagic.size() * 2 - kFooterTail) {
    return Corrupt("footer payload size " + std::to_string(size) + " exceeds the file");
  }
  const size_t start = file.size() - kFooterTail - size - kMagic.size();
  if (AsStringView(file.subspan(start, 4)) != kMagic) return Corrupt("footer magic missing");
  *payload = file.subspan(start + 4, size);
  return start;
}

Result<PuffinBlobMetadata> ParseBlob(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "puffin blob metadata"));
  PuffinBlobMetadata blob;
  ASSIGN_OR_RETURN(blob.type, GetString(json, "type"));
  ASSIGN_OR_RETURN(const Json* fields, GetArray(json, "fields"));
  for (const Json& field : *fields) {
    ASSIGN_OR_RETURN(blob.fields.emplace_back(), AsInt32(field, "puffin blob field"));
  }
  ASSIGN_OR_RETURN(blob.snapshot_id, GetInt64(json, "snapshot-id"));
  ASSIGN_OR_RETURN(blob.sequence_number, GetInt64(json, "sequence-number"));
  ASSIGN_OR_RETURN(blob.offset, GetInt64(json, "offset"));
  ASSIGN_OR_RETURN(blob.length, GetInt64(json, "length"));
  ASSIGN_OR_RETURN(blob.compression_codec, GetOptionalString(json, "compression-codec"));
  ASSIGN_OR_RETURN(blob.properties, GetOptionalStringMap(json, "properties"));
  return blob;
}

Result<PuffinFooter> ParsePayload(ByteSpan payload) {
  Result<Json> json = ParseJson(AsStringView(payload));
  if (!json.ok()) return Corrupt("footer payload: " + json.status().message());
  RETURN_IF_ERROR(ExpectObject(*json, "puffin footer payload"));
  PuffinFooter footer;
  ASSIGN_OR_RETURN(const Json* blobs, GetArray(*json, "blobs"));
  for (const Json& blob : *blobs) {
    ASSIGN_OR_RETURN(footer.blobs.emplace_back(), ParseBlob(blob));
  }
  ASSIGN_OR_RETURN(footer.properties, GetOptionalStringMap(*json, "properties"));
  return footer;
}

Status CheckBlobRange(size_t footer_start, int64_t offset, int64_t length) {
  if (offset < static_cast<int64_t>(kMagic.size()) || length < 0 ||
      offset > static_cast<int64_t>(footer_start) ||
      length > static_cast<int64_t>(footer_start) - offset) {
    return Corrupt("blob at offset " + std::to_string(offset) + ", length " +
                   std::to_string(length) + " lies outside the blobs (which end at byte " +
                   std::to_string(footer_start) + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<PuffinFooter> ReadPuffinFooter(ByteSpan file) {
  ByteSpan payload;
  ASSIGN_OR_RETURN(size_t footer_start, FooterStart(file, &payload));
  Result<PuffinFooter> footer = ParsePayload(payload);
  if (!footer.ok()) {
    if (footer.status().code() == StatusCode::kDataLoss) return footer.status();
    return Corrupt("footer payload: " + footer.status().message());
  }
  for (const PuffinBlobMetadata& blob : footer->blobs) {
    RETURN_IF_ERROR(CheckBlobRange(footer_start, blob.offset, blob.length));
  }
  return footer;
}

Result<ByteSpan> ReadPuffinBlob(ByteSpan file, int64_t offset, int64_t length) {
  ByteSpan payload;
  ASSIGN_OR_RETURN(size_t footer_start, FooterStart(file, &payload));
  RETURN_IF_ERROR(CheckBlobRange(footer_start, offset, length));
  return file.subspan(static_cast<size_t>(offset), static_cast<size_t>(length));
}

}  // namespace pg2iceberg::iceberg
