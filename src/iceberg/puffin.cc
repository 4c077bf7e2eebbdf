#include "iceberg/puffin.h"

#include "iceberg/json_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr char kMagic[] = "PFA1";

void PutMagic(Bytes& out) {
  ByteSpan magic = AsBytes(std::string_view(kMagic, 4));
  out.insert(out.end(), magic.begin(), magic.end());
}

void PutLe32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

}  // namespace

PuffinFile WritePuffin(const std::vector<PuffinBlob>& blobs, const std::string& created_by) {
  PuffinFile file;
  PutMagic(file.bytes);
  Json metadata = Json::array();
  for (const PuffinBlob& blob : blobs) {
    PuffinBlobLocation location{static_cast<int64_t>(file.bytes.size()), static_cast<int64_t>(blob.bytes.size())};
    file.bytes.insert(file.bytes.end(), blob.bytes.begin(), blob.bytes.end());
    file.blobs.push_back(location);
    Json properties = Json::object();
    for (const auto& [key, value] : blob.properties) properties[key] = value;
    metadata.push_back(Json{{"type", blob.type},
                            {"fields", blob.fields},
                            {"snapshot-id", blob.snapshot_id},
                            {"sequence-number", blob.sequence_number},
                            {"offset", location.offset},
                            {"length", location.length},
                            {"properties", properties}});
  }
  const std::string payload = DumpJson(Json{{"blobs", metadata}, {"properties", {{"created-by", created_by}}}});
  PutMagic(file.bytes);
  ByteSpan payload_bytes = AsBytes(payload);
  file.bytes.insert(file.bytes.end(), payload_bytes.begin(), payload_bytes.end());
  PutLe32(file.bytes, static_cast<uint32_t>(payload.size()));
  PutLe32(file.bytes, 0);  // flags: payload not compressed
  PutMagic(file.bytes);
  return file;
}

}  // namespace pg2iceberg::iceberg
