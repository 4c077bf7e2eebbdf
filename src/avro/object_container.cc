#include "avro/object_container.h"

namespace pg2iceberg::avro {

std::string_view CodecName(Codec codec) { return codec == Codec::kDeflate ? "deflate" : "null"; }

std::optional<Codec> CodecFromName(std::string_view name) {
  if (name == "null") return Codec::kNull;
  if (name == "deflate") return Codec::kDeflate;
  return std::nullopt;
}

}  // namespace pg2iceberg::avro
