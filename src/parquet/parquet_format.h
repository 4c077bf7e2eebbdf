// The subset of the Parquet file format's Thrift model (parquet.thrift) that pg2iceberg
// writes, as plain values. Field numbers and enum values are the wire values of the Apache
// Parquet format specification; format_encoder.h turns these structs into compact-protocol
// bytes. Optional Thrift fields are std::optional here and are omitted when empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace pg2iceberg::parquet::format {

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kList = 3,
  kDecimal = 5,
  kDate = 6,
  kTimeMicros = 8,
  kTimestampMicros = 10,
};

enum class FieldRepetitionType : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// The reader also meets PLAIN_DICTIONARY (older writers' name for dictionary indices and the
// dictionary page) and BIT_PACKED (deprecated levels); other values are kept as read.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kRleDictionary = 8,
};

enum class CompressionCodec : int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,  // read, never written
};

enum class TimeUnit { kMillis = 1, kMicros = 2, kNanos = 3 };  // union member ids

// The LogicalType union: exactly one member is set, named by `kind` (the union field id).
struct LogicalType {
  enum class Kind : int16_t {
    kString = 1,
    kList = 3,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kUuid = 14,
  };
  Kind kind = Kind::kString;
  int32_t decimal_scale = 0;          // kDecimal
  int32_t decimal_precision = 0;      // kDecimal
  bool is_adjusted_to_utc = false;    // kTime, kTimestamp
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
};

struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;
};

// Min/max are PLAIN-encoded values of the column's physical type (without a length prefix
// for byte arrays), ordered by the column's type-defined order.
struct Statistics {
  std::optional<int64_t> null_count;
  std::optional<Bytes> max_value;
  std::optional<Bytes> min_value;
};

struct DataPageHeader {
  int32_t num_values = 0;  // including nulls
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

// The values of a column chunk's dictionary, PLAIN-encoded; data pages refer to them by index.
struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

// Data pages v2 (read only): levels are stored uncompressed and without length prefixes
// before the (possibly compressed) values.
struct DataPageHeaderV2 {
  int32_t num_values = 0;  // including nulls
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;              // kDataPage
  std::optional<DictionaryPageHeader> dictionary_page_header;  // kDictionaryPage
  std::optional<DataPageHeaderV2> data_page_header_v2;         // kDataPageV2 (not written)
};

// How many pages of a column chunk have one page type and value encoding.
struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page headers included
  int64_t total_compressed_size = 0;    // page headers included
  int64_t data_page_offset = 0;         // the first data page
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;  // omitted when empty
};

struct ColumnChunk {
  std::optional<std::string> file_path;  // read only: a chunk in another file (unsupported)
  int64_t file_offset = 0;
  ColumnMetaData meta_data;  // optional in the IDL, always written by us
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;  // uncompressed size of all column data
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first, root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;  // omitted when empty
  std::optional<std::string> created_by;
  // When true, writes one ColumnOrder TYPE_ORDER per leaf column: min_value/max_value follow
  // the type-defined sort order.
  bool type_defined_column_orders = true;
};

}  // namespace pg2iceberg::parquet::format
