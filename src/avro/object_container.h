// Shared definitions of the Avro object container file format (Avro 1.11, "Object Container
// Files"): magic, sync marker, codecs and the reserved metadata keys.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg2iceberg::avro {

inline constexpr std::string_view kMagic{"Obj\x01", 4};
inline constexpr size_t kSyncMarkerBytes = 16;
inline constexpr std::string_view kSchemaKey = "avro.schema";
inline constexpr std::string_view kCodecKey = "avro.codec";

using SyncMarker = std::array<uint8_t, kSyncMarkerBytes>;

enum class Codec { kNull, kDeflate };

// "null" or "deflate".
std::string_view CodecName(Codec codec);
// The codec for a header's avro.codec value (absent means "null"); nullopt if unsupported.
std::optional<Codec> CodecFromName(std::string_view name);

}  // namespace pg2iceberg::avro
