// Dictionary encoding as seen in the bytes of written files: which pages a column chunk gets,
// their encodings and bodies. Values read back by an independent reader (pyarrow) are checked
// by parquet_pyarrow_roundtrip (tests/parquet_roundtrip_check.py).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "parquet/parquet_writer.h"
#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

// What the tests need of a page header, parsed with a minimal compact-protocol reader.
struct Page {
  int32_t type = -1;  // 0 data, 2 dictionary
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;  // of the data or dictionary page header
  int32_t encoding = -1;   // of the data or dictionary page header
  size_t body_offset = 0;  // in the file
};

class HeaderReader {
 public:
  HeaderReader(ByteSpan data, size_t pos) : data_(data), pos_(pos) {}
  size_t pos() const { return pos_; }

  // Reads one struct; `on_i32(path, value)` sees every i32 field, path = outer*100 + inner.
  template <typename F>
  void Struct(int32_t outer, F&& on_i32) {
    int16_t id = 0;
    for (;;) {
      const auto header = static_cast<uint8_t>(data_[pos_++]);
      if (header == 0) return;
      const int type = header & 0x0f;
      id = static_cast<int16_t>(id + (header >> 4));
      ASSERT_NE(header >> 4, 0) << "long field header not expected in page headers";
      const int32_t path = outer * 100 + id;
      if (type == 5 || type == 6) {
        const uint64_t v = Varint();
        on_i32(path, static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1)));
      } else if (type == 12) {
        Struct(path, on_i32);
      } else {
        ASSERT_TRUE(type == 1 || type == 2) << "unexpected thrift type " << type;
      }
    }
  }

 private:
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
  }
  ByteSpan data_;
  size_t pos_;
};

// The pages of a one-column file, from the leading magic to the footer.
std::vector<Page> ReadPages(const Bytes& file) {
  uint32_t footer;
  std::memcpy(&footer, file.data() + file.size() - 8, 4);
  const size_t end = file.size() - 8 - footer;
  std::vector<Page> pages;
  for (size_t pos = 4; pos < end;) {
    Page page;
    HeaderReader reader(file, pos);
    reader.Struct(0, [&](int32_t path, int32_t v) {
      switch (path) {
        case 1:
          page.type = v;
          break;
        case 2:
          page.uncompressed_size = v;
          break;
        case 3:
          page.compressed_size = v;
          break;
        case 501:
        case 701:
          page.num_values = v;
          break;
        case 502:
        case 702:
          page.encoding = v;
          break;
        default:
          break;
      }
    });
    page.body_offset = reader.pos();
    pos = page.body_offset + static_cast<size_t>(page.compressed_size);
    pages.push_back(page);
  }
  return pages;
}

constexpr int32_t kDataPage = 0;
constexpr int32_t kDictionaryPage = 2;
constexpr int32_t kPlain = 0;
constexpr int32_t kRleDictionary = 8;

ColumnSpec Required(PhysicalType type, int32_t length = 0) {
  return ColumnSpec{"c", 1, true, type, length, {}};
}
ColumnSpec Optional(PhysicalType type) { return ColumnSpec{"c", 1, false, type, 0, {}}; }

WriterOptions Uncompressed() {
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  return options;
}

std::unique_ptr<ParquetWriter> MakeWriter(ColumnSpec column, WriterOptions options) {
  auto writer = ParquetWriter::Create({std::move(column)}, std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return std::move(writer).value();
}

Bytes Finish(ParquetWriter& writer) {
  auto file = writer.Finish();
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? std::move(file->bytes) : Bytes();
}

Bytes WriteInt64s(const std::vector<int64_t>& values, WriterOptions options) {
  auto writer = MakeWriter(Required(PhysicalType::kInt64), std::move(options));
  for (int64_t v : values) {
    EXPECT_TRUE(writer->AppendInt64(0, v).ok());
    EXPECT_TRUE(writer->EndRow().ok());
  }
  return Finish(*writer);
}

std::string Body(const Bytes& file, const Page& page) {
  return Hex(ByteSpan(file).subspan(page.body_offset, page.compressed_size));
}

TEST(ParquetWriterDictionary, LowCardinalityChunkGoldenBytes) {
  auto writer = MakeWriter(Required(PhysicalType::kInt32), Uncompressed());
  for (int32_t v : {7, 7, 7, 5, 7, 5, 7, 7, 7, 7}) {
    ASSERT_TRUE(writer->AppendInt32(0, v).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  const Bytes file = Finish(*writer);
  const std::string dictionary_page =
      Hex(B({0x15, 0x04, 0x15, 0x10, 0x15, 0x10,  // DICTIONARY_PAGE, 8 bytes
             0x4c, 0x15, 0x04, 0x15, 0x00, 0x00,  // field 7: 2 values, PLAIN
             0x00,                                //
             0x07, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00}));
  const std::string data_page =
      Hex(B({0x15, 0x00, 0x15, 0x08, 0x15, 0x08,                    // DATA_PAGE, 4 bytes
             0x2c, 0x15, 0x14, 0x15, 0x10, 0x15, 0x06, 0x15, 0x06,  // 10 values, RLE_DICTIONARY
             0x00, 0x00,                                            //
             0x01,                                                  // bit width 1
             0x05, 0x28, 0x00}));  // two bit-packed groups: 0 0 0 1 0 1 0 0 | 0 0
  EXPECT_EQ(Hex(ByteSpan(file).subspan(4, 21 + 21)), dictionary_page + " " + data_page);

  // The footer's ColumnMetaData: type INT32, encodings [PLAIN, RLE_DICTIONARY], ...
  const std::string footer = Hex(ByteSpan(file).subspan(46));
  EXPECT_NE(footer.find(Hex(B({0x15, 0x02, 0x19, 0x25, 0x00, 0x10}))), std::string::npos);
  // ... data_page_offset 25 (field 9), dictionary_page_offset 4 (field 11), and after the
  // statistics (field 12) encoding_stats (field 13): [DICTIONARY_PAGE PLAIN 1,
  // DATA_PAGE RLE_DICTIONARY 1].
  EXPECT_NE(footer.find(Hex(B({0x26, 0x32, 0x26, 0x08, 0x1c}))), std::string::npos);
  EXPECT_NE(footer.find(Hex(B({0x19, 0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x02, 0x00,  //
                               0x15, 0x00, 0x15, 0x10, 0x15, 0x02, 0x00}))),
            std::string::npos);
}

TEST(ParquetWriterDictionary, NullsAreDefinitionLevelsBeforeTheIndices) {
  auto writer = MakeWriter(Optional(PhysicalType::kByteArray), Uncompressed());
  for (int row = 0; row < 10; ++row) {
    ASSERT_TRUE((row == 1 ? writer->AppendNull(0) : writer->AppendBytes(0, AsBytes("ab"))).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  const Bytes file = Finish(*writer);
  const std::vector<Page> pages = ReadPages(file);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].type, kDictionaryPage);
  EXPECT_EQ(pages[0].num_values, 1);
  EXPECT_EQ(Body(file, pages[0]), Hex(B({0x02, 0x00, 0x00, 0x00, 'a', 'b'})));
  EXPECT_EQ(pages[1].type, kDataPage);
  EXPECT_EQ(pages[1].num_values, 10);
  EXPECT_EQ(pages[1].encoding, kRleDictionary);
  EXPECT_EQ(Body(file, pages[1]),
            Hex(B({0x03, 0x00, 0x00, 0x00, 0x05, 0xfd, 0x03,  // levels 1 0 1 1 1 1 1 1 | 1 1
                   0x01, 0x12, 0x00})));                      // width 1, 9 times index 0
}

TEST(ParquetWriterDictionary, AllDistinctValuesArePlain) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 2000; ++i) values.push_back(i * 1'000'003);
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 1024;
  const Bytes file = WriteInt64s(values, options);
  const std::vector<Page> pages = ReadPages(file);
  ASSERT_GT(pages.size(), 10u);
  for (const Page& page : pages) {
    EXPECT_EQ(page.type, kDataPage);
    EXPECT_EQ(page.encoding, kPlain);
  }
}

// With one large page, only the all-distinct probe can stop the dictionary before the page's
// cut: 1024 distinct values end it, one repeat among them keeps it to the cut.
TEST(ParquetWriterDictionary, FirstThousandAndTwentyFourValuesAllDistinctEndTheDictionary) {
  std::vector<int64_t> distinct, one_repeat;
  for (int64_t i = 0; i < 1500; ++i) distinct.push_back(i * 7);
  one_repeat = distinct;
  one_repeat[1000] = one_repeat[999];  // a repeat within the first 1024 values
  for (int64_t i = 1024; i < 1500; ++i) one_repeat[size_t(i)] = i % 16;  // then a cheap tail
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 1 << 20;
  const std::vector<Page> plain = ReadPages(WriteInt64s(distinct, options));
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].encoding, kPlain);
  const std::vector<Page> kept = ReadPages(WriteInt64s(one_repeat, options));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].type, kDictionaryPage);
  EXPECT_EQ(kept[1].encoding, kRleDictionary);
}

TEST(ParquetWriterDictionary, CapHitMidChunkFallsBackToPlainForTheRest) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 3000; ++i) values.push_back(i % 10);  // a cheap dictionary
  for (int64_t i = 0; i < 3000; ++i) values.push_back(i);       // then too many values
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 256;
  options.dictionary_page_size_bytes_max = 1000;  // 125 int64 entries
  const Bytes file = WriteInt64s(values, options);
  const std::vector<Page> pages = ReadPages(file);
  ASSERT_GT(pages.size(), 3u);
  EXPECT_EQ(pages[0].type, kDictionaryPage);
  EXPECT_EQ(pages[0].num_values, 125);
  EXPECT_EQ(pages[0].uncompressed_size, 1000);
  int32_t indexed = 0, plain = 0, values_seen = 0;
  for (size_t i = 1; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].type, kDataPage);
    values_seen += pages[i].num_values;
    if (pages[i].encoding == kRleDictionary) {
      EXPECT_EQ(plain, 0) << "a dictionary page after PLAIN pages";
      ++indexed;
    } else {
      EXPECT_EQ(pages[i].encoding, kPlain);
      ++plain;
    }
  }
  EXPECT_GT(indexed, 1);
  EXPECT_GT(plain, 1);
  EXPECT_EQ(values_seen, 6000);
}

TEST(ParquetWriterDictionary, EveryPhysicalTypeButBooleanUsesTheDictionary) {
  struct Case {
    ColumnSpec spec;
    std::function<Status(ParquetWriter&, int)> append;
  };
  const Bytes fixed_a(16, std::byte{0xaa}), fixed_b(16, std::byte{0xbb});
  const std::vector<Case> cases = {
      {Required(PhysicalType::kInt32),
       [](ParquetWriter& w, int i) { return w.AppendInt32(0, i % 3); }},
      {Required(PhysicalType::kInt64),
       [](ParquetWriter& w, int i) { return w.AppendInt64(0, i % 3); }},
      {Required(PhysicalType::kFloat),
       [](ParquetWriter& w, int i) { return w.AppendFloat(0, i % 3 * 0.5f); }},
      {Required(PhysicalType::kDouble),
       [](ParquetWriter& w, int i) { return w.AppendDouble(0, i % 3 * 0.5); }},
      {Required(PhysicalType::kByteArray),
       [](ParquetWriter& w, int i) { return w.AppendBytes(0, AsBytes(i % 3 == 0 ? "x" : "yz")); }},
      {Required(PhysicalType::kFixedLenByteArray, 16),
       [&](ParquetWriter& w, int i) { return w.AppendBytes(0, i % 3 == 0 ? fixed_a : fixed_b); }},
  };
  for (const Case& c : cases) {
    auto writer = MakeWriter(c.spec, Uncompressed());
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(c.append(*writer, i).ok());
      ASSERT_TRUE(writer->EndRow().ok());
    }
    const Bytes file = Finish(*writer);
    const std::vector<Page> pages = ReadPages(file);
    ASSERT_EQ(pages.size(), 2u) << static_cast<int>(c.spec.physical_type);
    EXPECT_EQ(pages[0].type, kDictionaryPage);
    EXPECT_EQ(pages[1].encoding, kRleDictionary);
  }
  auto writer = MakeWriter(Required(PhysicalType::kBoolean), Uncompressed());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(writer->AppendBool(0, i % 2 == 0).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  const std::vector<Page> pages = ReadPages(Finish(*writer));
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].encoding, kPlain);
}

TEST(ParquetWriterDictionary, DisabledWritesPlainPages) {
  WriterOptions options = Uncompressed();
  options.dictionary_enabled = false;
  const std::vector<Page> pages = ReadPages(WriteInt64s(std::vector<int64_t>(100, 42), options));
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].encoding, kPlain);
  EXPECT_EQ(pages[0].uncompressed_size, 800);
}

TEST(ParquetWriterDictionary, EachRowGroupHasItsOwnDictionary) {
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 64;
  options.row_group_size_bytes = 200;
  auto writer = MakeWriter(Required(PhysicalType::kInt64), options);
  for (int64_t i = 0; i < 2000; ++i) {
    ASSERT_TRUE(writer->AppendInt64(0, 42).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  ASSERT_GT(file->row_group_offsets.size(), 1u);
  std::vector<Page> dictionaries;
  for (const Page& page : ReadPages(file->bytes)) {
    if (page.type == kDictionaryPage) dictionaries.push_back(page);
  }
  EXPECT_EQ(dictionaries.size(), file->row_group_offsets.size());
  for (const Page& page : dictionaries) EXPECT_EQ(page.num_values, 1);
  for (int64_t offset : file->row_group_offsets) {
    EXPECT_EQ(Hex(ByteSpan(file->bytes).subspan(offset, 2)), Hex(B({0x15, 0x04})));
  }
}

TEST(ParquetWriterDictionary, EstimatedSizeCountsTheDictionaryAndIndices) {
  WriterOptions options = Uncompressed();
  options.page_size_bytes = 4096;
  auto writer = MakeWriter(Required(PhysicalType::kByteArray), options);
  const std::string words[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
  for (int i = 0; i < 100'000; ++i) {
    // Pseudo-random indices, so pages are bit-packed rather than runs.
    ASSERT_TRUE(writer->AppendBytes(0, AsBytes(words[(i * 7 + i / 3) % 5])).ok());
    ASSERT_TRUE(writer->EndRow().ok());
  }
  const int64_t estimate = writer->EstimatedFileSizeBytes();
  auto file = writer->Finish();
  ASSERT_TRUE(file.ok());
  uint32_t footer;
  std::memcpy(&footer, file->bytes.data() + file->bytes.size() - 8, 4);
  const auto pages_bytes = static_cast<int64_t>(file->bytes.size() - 8 - footer);
  // 100,000 values at 3 bits: ~37.5 KB, far below their PLAIN size (~900 KB).
  EXPECT_LT(pages_bytes, 50'000);
  // The estimate leaves out only the open page's header and run headers.
  EXPECT_GT(estimate, pages_bytes * 95 / 100);
  EXPECT_LT(estimate, pages_bytes * 105 / 100);
  const std::vector<Page> pages = ReadPages(file->bytes);
  // 3-bit indices reach the page size only after 10,923 values, so pages are cut at 4096
  // values instead (the bound on the index buffer).
  ASSERT_EQ(pages.size(), 1 + (100'000 + 4095) / 4096);
  for (size_t i = 1; i + 1 < pages.size(); ++i) {
    EXPECT_EQ(pages[i].num_values, 4096);
    EXPECT_GE(pages[i].uncompressed_size, 1 + 4096 * 3 / 8);
    EXPECT_LT(pages[i].uncompressed_size, 1 + 4096 * 3 / 8 + 64);
  }
}

TEST(ParquetWriterDictionary, CreateRejectsAZeroDictionaryCap) {
  WriterOptions options;
  options.dictionary_page_size_bytes_max = 0;
  EXPECT_EQ(ParquetWriter::Create({Required(PhysicalType::kInt32)}, options).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::parquet
