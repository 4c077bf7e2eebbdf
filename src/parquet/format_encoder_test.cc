#include "parquet/format_encoder.h"

#include <gtest/gtest.h>

#include "parquet/test_bytes.h"

namespace pg2iceberg::parquet {
namespace {

using testing::B;
using testing::Hex;

TEST(EncodePageHeader, DataPageV1) {
  format::PageHeader header;
  header.uncompressed_page_size = 100;
  header.compressed_page_size = 50;
  header.data_page_header.emplace();
  header.data_page_header->num_values = 10;
  ByteWriter out;
  EncodePageHeader(header, &out);
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x15, 0x00,        // 1: type DATA_PAGE
                                     0x15, 0xc8, 0x01,  // 2: uncompressed_page_size 100
                                     0x15, 0x64,        // 3: compressed_page_size 50
                                     0x2c,              // 5: data_page_header
                                     0x15, 0x14,        //   1: num_values 10
                                     0x15, 0x00,        //   2: encoding PLAIN
                                     0x15, 0x06,        //   3: definition_level_encoding RLE
                                     0x15, 0x06,        //   4: repetition_level_encoding RLE
                                     0x00, 0x00})));
}

TEST(EncodeFileMetaData, SchemaWithTimestampLogicalTypeAndColumnOrders) {
  format::FileMetaData meta;
  format::SchemaElement root;
  root.name = "table";
  root.num_children = 1;
  format::SchemaElement leaf;
  leaf.type = format::Type::kInt64;
  leaf.repetition_type = format::FieldRepetitionType::kOptional;
  leaf.name = "ts";
  leaf.converted_type = format::ConvertedType::kTimestampMicros;
  leaf.field_id = 3;
  leaf.logical_type = format::LogicalType{.kind = format::LogicalType::Kind::kTimestamp,
                                          .decimal_scale = 0,
                                          .decimal_precision = 0,
                                          .is_adjusted_to_utc = true,
                                          .unit = format::TimeUnit::kMicros};
  meta.schema = {root, leaf};
  ByteWriter out;
  EncodeFileMetaData(meta, &out);
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x15, 0x02,  // 1: version 1
                                     0x19, 0x2c,  // 2: schema, 2 structs
                                     0x48, 0x05, 't',  'a',  'b',  'l', 'e',  //   4: name
                                     0x15, 0x02, 0x00,                        //   5: num_children 1
                                     0x15, 0x04,                              //   1: type INT64
                                     0x25, 0x02,                              //   3: OPTIONAL
                                     0x18, 0x02, 't',  's',                   //   4: name
                                     0x25, 0x14,                    //   6: TIMESTAMP_MICROS
                                     0x35, 0x06,                    //   9: field_id 3
                                     0x1c,                          //   10: logicalType
                                     0x8c,                          //     8: TIMESTAMP
                                     0x11,                          //       1: isAdjustedToUTC
                                     0x1c, 0x2c, 0x00, 0x00,        //       2: unit MICROS {}
                                     0x00, 0x00, 0x00,              //   ends
                                     0x16, 0x00,                    // 3: num_rows 0
                                     0x19, 0x0c,                    // 4: row_groups, empty
                                     0x39, 0x1c, 0x1c, 0x00, 0x00,  // 7: [TYPE_ORDER {}]
                                     0x00})));
}

TEST(EncodeFileMetaData, RowGroupColumnChunkStatisticsAndKeyValues) {
  format::ColumnMetaData column;
  column.type = format::Type::kInt32;
  column.encodings = {format::Encoding::kPlain, format::Encoding::kRle};
  column.path_in_schema = {"a"};
  column.codec = format::CompressionCodec::kZstd;
  column.num_values = 5;
  column.total_uncompressed_size = 40;
  column.total_compressed_size = 30;
  column.data_page_offset = 4;
  column.statistics = format::Statistics{
      .null_count = 1, .max_value = B({7, 0, 0, 0}), .min_value = B({0xff, 0xff, 0xff, 0xff})};
  format::RowGroup group;
  group.columns = {format::ColumnChunk{.file_offset = 4, .meta_data = column}};
  group.total_byte_size = 40;
  group.num_rows = 5;
  group.file_offset = 4;
  group.total_compressed_size = 30;
  group.ordinal = 0;
  format::FileMetaData meta;
  meta.num_rows = 5;
  meta.row_groups = {group};
  meta.key_value_metadata = {format::KeyValue{"k", "v"}};
  meta.created_by = "x";
  meta.type_defined_column_orders = false;

  ByteWriter out;
  EncodeFileMetaData(meta, &out);
  EXPECT_EQ(Hex(out.bytes()),
            Hex(B({0x15, 0x02,                          // 1: version
                   0x19, 0x0c,                          // 2: schema, empty
                   0x16, 0x0a,                          // 3: num_rows 5
                   0x19, 0x1c,                          // 4: row_groups, 1 struct
                   0x19, 0x1c,                          //   1: columns, 1 struct
                   0x26, 0x08,                          //     2: file_offset 4
                   0x1c,                                //     3: meta_data
                   0x15, 0x02,                          //       1: type INT32
                   0x19, 0x25, 0x00, 0x06,              //       2: [PLAIN, RLE]
                   0x19, 0x18, 0x01, 'a',               //       3: ["a"]
                   0x15, 0x0c,                          //       4: ZSTD
                   0x16, 0x0a,                          //       5: num_values 5
                   0x16, 0x50,                          //       6: uncompressed 40
                   0x16, 0x3c,                          //       7: compressed 30
                   0x26, 0x08,                          //       9: data_page_offset 4
                   0x3c,                                //       12: statistics
                   0x36, 0x02,                          //         3: null_count 1
                   0x28, 0x04, 0x07, 0x00, 0x00, 0x00,  //         5: max_value 7
                   0x18, 0x04, 0xff, 0xff, 0xff, 0xff,  //         6: min_value -1
                   0x00, 0x00, 0x00,                    //     ends
                   0x16, 0x50,                          //   2: total_byte_size 40
                   0x16, 0x0a,                          //   3: num_rows 5
                   0x26, 0x08,                          //   5: file_offset 4
                   0x16, 0x3c,                          //   6: total_compressed_size 30
                   0x14, 0x00,                          //   7: ordinal 0
                   0x00,                                //   end row group
                   0x19, 0x1c,                          // 5: key_value_metadata
                   0x18, 0x01, 'k',  0x18, 0x01, 'v',  0x00, 0x18, 0x01, 'x',  // 6: created_by
                   0x00})));
}

TEST(EncodeFileMetaData, DecimalLogicalTypeCarriesScaleThenPrecision) {
  format::SchemaElement leaf;
  leaf.type = format::Type::kFixedLenByteArray;
  leaf.type_length = 16;
  leaf.name = "d";
  leaf.logical_type.emplace();
  leaf.logical_type->kind = format::LogicalType::Kind::kDecimal;
  leaf.logical_type->decimal_scale = 2;
  leaf.logical_type->decimal_precision = 38;
  format::FileMetaData meta;
  meta.schema = {leaf};
  meta.type_defined_column_orders = false;
  ByteWriter out;
  EncodeFileMetaData(meta, &out);
  EXPECT_EQ(Hex(out.bytes()), Hex(B({0x15, 0x02, 0x19, 0x1c, 0x15, 0x0e,  // 1: FIXED_LEN_BYTE_ARRAY
                                     0x15, 0x20,                          // 2: type_length 16
                                     0x28, 0x01, 'd',                     // 4: name
                                     0x6c,                                // 10: logicalType
                                     0x5c,                                //   5: DECIMAL
                                     0x15, 0x04, 0x15, 0x4c, 0x00,  //     scale 2, precision 38
                                     0x00, 0x00, 0x16, 0x00, 0x19, 0x0c, 0x00})));
}

}  // namespace
}  // namespace pg2iceberg::parquet
