// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

#include "base/bytes.h"

namespace pg2iceberg {

// Decodes the code point at the start of `s` into `*code_point`; returns its length in bytes,
// or 0 when `s` is empty or does not start with a well-formed UTF-8 sequence.
size_t DecodeUtf8(ByteSpan s, char32_t* code_point);

// True when all of `text` is well-formed UTF-8.
bool IsUtf8(std::string_view text);

}  // namespace pg2iceberg
