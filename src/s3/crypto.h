// Digests for S3 requests, over OpenSSL: SHA-256 (payload hashes, SigV4), HMAC-SHA256 (SigV4
// signing keys) and MD5 (Content-MD5, ETags). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"

namespace pg2iceberg::s3 {

// Raw digests are returned as byte strings (32 bytes for SHA-256, 16 for MD5).
std::string Sha256(ByteSpan data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Md5(ByteSpan data);

// Lower-case hex of raw bytes: "\x01\xab" → "01ab".
std::string HexEncode(std::string_view raw);
// The inverse of HexEncode (either case); false when `hex` is not an even run of hex digits.
bool HexDecode(std::string_view hex, std::string* raw);
// Standard base64 with padding (RFC 4648 §4).
std::string Base64Encode(std::string_view raw);

inline std::string Sha256Hex(ByteSpan data) { return HexEncode(Sha256(data)); }
inline std::string Md5Hex(ByteSpan data) { return HexEncode(Md5(data)); }
inline std::string Md5Base64(ByteSpan data) { return Base64Encode(Md5(data)); }

}  // namespace pg2iceberg::s3
