#include "pg/copy_binary.h"

#include <gtest/gtest.h>

#include <string>

namespace pg2iceberg::pg {
namespace {

// A COPY BINARY stream of two-column tuples; an empty optional is a NULL field.
Bytes Stream(
    const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>& rows,
    bool trailer = true) {
  ByteWriter w;
  w.Append(std::string_view("PGCOPY\n\377\r\n\0", 11));
  w.AppendBigEndian<int32_t>(0);
  w.AppendBigEndian<int32_t>(0);
  for (const auto& [a, b] : rows) {
    w.AppendBigEndian<int16_t>(2);
    for (const auto& field : {a, b}) {
      if (!field) {
        w.AppendBigEndian<int32_t>(-1);
        continue;
      }
      w.AppendBigEndian<int32_t>(static_cast<int32_t>(field->size()));
      w.Append(*field);
    }
  }
  if (trailer) w.AppendBigEndian<int16_t>(-1);
  return w.Release();
}

std::vector<std::string> ParseInChunks(const Bytes& stream, size_t chunk_size, Status* finish) {
  CopyBinaryParser parser(2);
  std::vector<std::string> seen;
  auto on_row = [&](CopyBinaryParser::Fields fields) {
    std::string row;
    for (const auto& f : fields) row += f ? "[" + std::string(AsStringView(*f)) + "]" : "NULL";
    seen.push_back(row);
    return Status::Ok();
  };
  for (size_t at = 0; at < stream.size(); at += chunk_size) {
    size_t n = std::min(chunk_size, stream.size() - at);
    Status s = parser.Feed(ByteSpan(stream).subspan(at, n), on_row);
    if (!s.ok()) {
      *finish = s;
      return seen;
    }
  }
  *finish = parser.Finish();
  return seen;
}

TEST(CopyBinaryParserTest, ParsesTuplesWhateverTheChunking) {
  Bytes stream = Stream({{"a", std::nullopt}, {"", "xyz"}});
  for (size_t chunk : {1u, 2u, 7u, 1000u}) {
    Status finish;
    std::vector<std::string> rows = ParseInChunks(stream, chunk, &finish);
    EXPECT_TRUE(finish.ok()) << finish.ToString();
    EXPECT_EQ(rows, (std::vector<std::string>{"[a]NULL", "[][xyz]"})) << "chunk " << chunk;
  }
}

TEST(CopyBinaryParserTest, MissingTrailerIsDataLoss) {
  Status finish;
  ParseInChunks(Stream({{"a", "b"}}, /*trailer=*/false), 3, &finish);
  EXPECT_EQ(finish.code(), StatusCode::kDataLoss);
}

TEST(CopyBinaryParserTest, BadSignatureIsDataLoss) {
  Bytes stream = Stream({});
  stream[0] = std::byte{'X'};
  Status finish;
  ParseInChunks(stream, 100, &finish);
  EXPECT_EQ(finish.code(), StatusCode::kDataLoss);
}

TEST(CopyBinaryParserTest, WrongFieldCountIsDataLoss) {
  CopyBinaryParser parser(3);
  Status s =
      parser.Feed(Stream({{"a", "b"}}), [](CopyBinaryParser::Fields) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("expected 3"), std::string::npos);
}

TEST(CopyBinaryParserTest, CallbackErrorStopsTheParse) {
  CopyBinaryParser parser(2);
  Status s = parser.Feed(Stream({{"a", "b"}, {"c", "d"}}), [](CopyBinaryParser::Fields) {
    return Status::InvalidArgument("value refused");
  });
  EXPECT_EQ(s.message(), "value refused");
  EXPECT_EQ(parser.rows(), 1);
}

}  // namespace
}  // namespace pg2iceberg::pg
