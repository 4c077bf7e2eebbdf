#include "iceberg/puffin.h"

#include "iceberg/json_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr char kMagic[] = "PFA1";

void PutMagic(ByteWriter& out) { out.Append(std::string_view(kMagic, 4)); }

}  // namespace

PuffinFile WritePuffin(const std::vector<PuffinBlob>& blobs, const std::string& created_by) {
  PuffinFile file;
  ByteWriter out;
  PutMagic(out);
  Json metadata = Json::array();
  for (const PuffinBlob& blob : blobs) {
    PuffinBlobLocation location{static_cast<int64_t>(out.size()),
                                static_cast<int64_t>(blob.bytes.size())};
    out.Append(blob.bytes);
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
  const std::string payload =
      DumpJson(Json{{"blobs", metadata}, {"properties", {{"created-by", created_by}}}});
  PutMagic(out);
  out.Append(payload);
  out.AppendLittleEndian<uint32_t>(static_cast<uint32_t>(payload.size()));
  out.AppendLittleEndian<uint32_t>(0);  // flags: payload not compressed
  PutMagic(out);
  file.bytes = out.Release();
  return file;
}

}  // namespace pg2iceberg::iceberg
