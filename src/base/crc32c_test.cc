#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace pg2iceberg {
namespace {

Bytes Repeated(uint8_t byte, size_t n) { return Bytes(n, static_cast<std::byte>(byte)); }

TEST(Crc32cTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xE3069283u);
}

TEST(Crc32cTest, MatchesTheIscsiTestVectors) {
  // RFC 3720 appendix B.4.
  EXPECT_EQ(Crc32c(Repeated(0x00, 32)), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(Repeated(0xFF, 32)), 0x62A8AB43u);
  Bytes ascending(32);
  for (size_t i = 0; i < 32; ++i) ascending[i] = static_cast<std::byte>(i);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32cTest, EmptyInputKeepsTheCrc) {
  EXPECT_EQ(Crc32c({}), 0u);
  EXPECT_EQ(Crc32c({}, 0x12345678), 0x12345678u);
}

TEST(Crc32cTest, ExtendingEqualsChecksummingTheConcatenation) {
  std::string text;
  for (int i = 0; i < 300; ++i) text.push_back(static_cast<char>(i * 7 + 3));
  const uint32_t whole = Crc32c(AsBytes(text));
  for (size_t split = 0; split <= text.size(); ++split) {
    const std::string_view view(text);
    const uint32_t first = Crc32c(AsBytes(view.substr(0, split)));
    ASSERT_EQ(Crc32c(AsBytes(view.substr(split)), first), whole) << "split at " << split;
  }
}

TEST(Crc32cTest, SlicedPathAgreesWithUnalignedStarts) {
  // The same bytes checksummed from differently aligned buffers give the same CRC.
  std::string text(64, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 31);
  const uint32_t expected = Crc32c(AsBytes(text));
  for (size_t pad = 1; pad < 8; ++pad) {
    std::string shifted = std::string(pad, 'x') + text;
    EXPECT_EQ(Crc32c(AsBytes(std::string_view(shifted).substr(pad))), expected);
  }
}

TEST(Crc32cTest, SingleBitFlipChangesTheCrc) {
  std::string text = "pg2iceberg staging segment";
  const uint32_t before = Crc32c(AsBytes(text));
  text[5] ^= 0x10;
  EXPECT_NE(Crc32c(AsBytes(text)), before);
}

}  // namespace
}  // namespace pg2iceberg
