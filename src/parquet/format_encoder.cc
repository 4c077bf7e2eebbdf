#include "parquet/format_encoder.h"

#include "base/check.h"
#include "parquet/thrift_compact.h"

namespace pg2iceberg::parquet {
namespace {

using format::ColumnChunk;
using format::ColumnMetaData;
using format::FileMetaData;
using format::KeyValue;
using format::LogicalType;
using format::RowGroup;
using format::SchemaElement;
using format::Statistics;

template <typename Enum>
int32_t Wire(Enum value) {
  return static_cast<int32_t>(value);
}

uint32_t ListSize(size_t size) {
  CHECK_MSG(size <= INT32_MAX, "thrift list too long");
  return static_cast<uint32_t>(size);
}

// An empty struct as the value of a union member (StringType, DateType, MicroSeconds, ...).
void EmptyStructField(ThriftCompactWriter& w, int16_t id) {
  w.FieldStructBegin(id);
  w.EndStruct();
}

// TimeType and TimestampType share the layout {1: isAdjustedToUTC, 2: TimeUnit unit}.
void EncodeTimeLike(ThriftCompactWriter& w, const LogicalType& type) {
  w.FieldBool(1, type.is_adjusted_to_utc);
  w.FieldStructBegin(2);  // TimeUnit union
  EmptyStructField(w, static_cast<int16_t>(type.unit));
  w.EndStruct();
}

void EncodeLogicalType(ThriftCompactWriter& w, const LogicalType& type) {
  w.FieldStructBegin(static_cast<int16_t>(type.kind));
  switch (type.kind) {
    case LogicalType::Kind::kString:
    case LogicalType::Kind::kList:
    case LogicalType::Kind::kDate:
    case LogicalType::Kind::kUuid:
      break;
    case LogicalType::Kind::kDecimal:
      w.FieldI32(1, type.decimal_scale);
      w.FieldI32(2, type.decimal_precision);
      break;
    case LogicalType::Kind::kTime:
    case LogicalType::Kind::kTimestamp:
      EncodeTimeLike(w, type);
      break;
  }
  w.EndStruct();
}

void EncodeSchemaElement(ThriftCompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, Wire(*e.type));
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition_type) w.FieldI32(3, Wire(*e.repetition_type));
  w.FieldString(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, Wire(*e.converted_type));
  if (e.scale) w.FieldI32(7, *e.scale);
  if (e.precision) w.FieldI32(8, *e.precision);
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical_type) {
    w.FieldStructBegin(10);
    EncodeLogicalType(w, *e.logical_type);
    w.EndStruct();
  }
  w.EndStruct();
}

void EncodeStatistics(ThriftCompactWriter& w, const Statistics& s) {
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
}

void EncodeColumnMetaData(ThriftCompactWriter& w, const ColumnMetaData& m) {
  w.FieldI32(1, Wire(m.type));
  w.FieldListBegin(2, ThriftType::kI32, ListSize(m.encodings.size()));
  for (format::Encoding e : m.encodings) w.ElementI32(Wire(e));
  w.FieldListBegin(3, ThriftType::kBinary, ListSize(m.path_in_schema.size()));
  for (const std::string& part : m.path_in_schema) w.ElementString(part);
  w.FieldI32(4, Wire(m.codec));
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.FieldStructBegin(12);
    EncodeStatistics(w, *m.statistics);
    w.EndStruct();
  }
  if (!m.encoding_stats.empty()) {
    w.FieldListBegin(13, ThriftType::kStruct, ListSize(m.encoding_stats.size()));
    for (const format::PageEncodingStats& stats : m.encoding_stats) {
      w.BeginStruct();
      w.FieldI32(1, Wire(stats.page_type));
      w.FieldI32(2, Wire(stats.encoding));
      w.FieldI32(3, stats.count);
      w.EndStruct();
    }
  }
}

void EncodeColumnChunk(ThriftCompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  w.FieldI64(2, c.file_offset);
  w.FieldStructBegin(3);
  EncodeColumnMetaData(w, c.meta_data);
  w.EndStruct();
  w.EndStruct();
}

void EncodeRowGroup(ThriftCompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  w.FieldListBegin(1, ThriftType::kStruct, ListSize(g.columns.size()));
  for (const ColumnChunk& c : g.columns) EncodeColumnChunk(w, c);
  w.FieldI64(2, g.total_byte_size);
  w.FieldI64(3, g.num_rows);
  if (g.file_offset) w.FieldI64(5, *g.file_offset);
  if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
  if (g.ordinal) w.FieldI16(7, *g.ordinal);
  w.EndStruct();
}

void EncodeKeyValue(ThriftCompactWriter& w, const KeyValue& kv) {
  w.BeginStruct();
  w.FieldString(1, kv.key);
  if (kv.value) w.FieldString(2, *kv.value);
  w.EndStruct();
}

size_t CountLeaves(const std::vector<SchemaElement>& schema) {
  size_t leaves = 0;
  for (const SchemaElement& e : schema) leaves += e.num_children.has_value() ? 0 : 1;
  return leaves;
}

// list<ColumnOrder>, each the union member 1: TypeDefinedOrder (an empty struct).
void EncodeTypeDefinedColumnOrders(ThriftCompactWriter& w, size_t leaves) {
  w.FieldListBegin(7, ThriftType::kStruct, ListSize(leaves));
  for (size_t i = 0; i < leaves; ++i) {
    w.BeginStruct();
    EmptyStructField(w, 1);
    w.EndStruct();
  }
}

}  // namespace

void EncodeFileMetaData(const FileMetaData& m, ByteWriter* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldListBegin(2, ThriftType::kStruct, ListSize(m.schema.size()));
  for (const SchemaElement& e : m.schema) EncodeSchemaElement(w, e);
  w.FieldI64(3, m.num_rows);
  w.FieldListBegin(4, ThriftType::kStruct, ListSize(m.row_groups.size()));
  for (const RowGroup& g : m.row_groups) EncodeRowGroup(w, g);
  if (!m.key_value_metadata.empty()) {
    w.FieldListBegin(5, ThriftType::kStruct, ListSize(m.key_value_metadata.size()));
    for (const KeyValue& kv : m.key_value_metadata) EncodeKeyValue(w, kv);
  }
  if (m.created_by) w.FieldString(6, *m.created_by);
  if (m.type_defined_column_orders) EncodeTypeDefinedColumnOrders(w, CountLeaves(m.schema));
  w.EndStruct();
}

void EncodePageHeader(const format::PageHeader& h, ByteWriter* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, Wire(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.data_page_header) {
    const format::DataPageHeader& d = *h.data_page_header;
    w.FieldStructBegin(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, Wire(d.encoding));
    w.FieldI32(3, Wire(d.definition_level_encoding));
    w.FieldI32(4, Wire(d.repetition_level_encoding));
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    w.FieldStructBegin(7);
    w.FieldI32(1, h.dictionary_page_header->num_values);
    w.FieldI32(2, Wire(h.dictionary_page_header->encoding));
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace pg2iceberg::parquet
