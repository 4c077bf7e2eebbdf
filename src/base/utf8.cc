#include "base/utf8.h"

#include <cstdint>

namespace pg2iceberg {

size_t DecodeUtf8(ByteSpan s, char32_t* code_point) {
  if (s.empty()) return 0;
  const auto lead = static_cast<uint8_t>(s[0]);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  const size_t length = (lead & 0xE0) == 0xC0   ? 2
                        : (lead & 0xF0) == 0xE0 ? 3
                        : (lead & 0xF8) == 0xF0 ? 4
                                                : 0;
  if (length == 0 || s.size() < length) return 0;
  char32_t cp = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (static_cast<uint8_t>(s[i]) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

bool IsUtf8(std::string_view text) {
  ByteSpan rest(reinterpret_cast<const std::byte*>(text.data()), text.size());
  while (!rest.empty()) {
    char32_t cp = 0;
    const size_t length = DecodeUtf8(rest, &cp);
    if (length == 0) return false;
    rest = rest.subspan(length);
  }
  return true;
}

}  // namespace pg2iceberg
