// Test helpers for the Parquet reader: random values for a column, writing rows with
// ParquetWriter and comparing what a reader returns.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "parquet/parquet_writer.h"
#include "parquet/value.h"

namespace pg2iceberg::parquet::testing {

using Row = std::vector<Value>;

inline ColumnSpec Column(std::string name, int32_t id, bool required, PhysicalType type,
                         Annotation annotation = {}, int32_t length = 0) {
  ColumnSpec spec{std::move(name), id, required, type, length, annotation, std::nullopt};
  return spec;
}

inline ColumnSpec ListColumn(ColumnSpec element_type, bool required, bool element_required) {
  element_type.list_element = ListElementSpec{element_type.field_id + 1000, element_required};
  element_type.required = required;
  return element_type;
}

// A random scalar of `spec`'s type, drawn from few distinct values when `narrow` (so that
// dictionaries pay) or from many.
inline Scalar RandomScalar(const ColumnSpec& spec, std::mt19937_64& rng, bool narrow) {
  const uint64_t r = narrow ? rng() % 7 : rng();
  switch (spec.physical_type) {
    case PhysicalType::kBoolean:
      return (r & 1) != 0;
    case PhysicalType::kInt32:
      return static_cast<int32_t>(r);
    case PhysicalType::kInt64:
      return static_cast<int64_t>(r);
    case PhysicalType::kFloat:
      return static_cast<float>(static_cast<int32_t>(r)) / 7.0f;
    case PhysicalType::kDouble:
      return static_cast<double>(static_cast<int64_t>(r)) / 3.0;
    case PhysicalType::kByteArray: {
      Bytes bytes(r % 40);
      for (std::byte& b : bytes) b = static_cast<std::byte>(rng() & (narrow ? 1 : 255));
      return bytes;
    }
    case PhysicalType::kFixedLenByteArray: {
      Bytes bytes(static_cast<size_t>(spec.type_length));
      for (std::byte& b : bytes) b = static_cast<std::byte>(narrow ? r : rng());
      return bytes;
    }
  }
  return std::monostate();
}

inline Value ToValue(const Scalar& s) {
  return std::visit([](const auto& x) -> Value { return x; }, s);
}

// A random value for one row: NULL (when allowed) about a fifth of the time; lists of 0..4
// elements with NULL elements when allowed.
inline Value RandomValue(const ColumnSpec& spec, std::mt19937_64& rng, bool narrow) {
  if (!spec.required && rng() % 5 == 0) return std::monostate();
  if (!spec.list_element) return ToValue(RandomScalar(spec, rng, narrow));
  List list(rng() % 5);
  for (Scalar& element : list) {
    if (!spec.list_element->required && rng() % 4 == 0) continue;  // stays NULL
    element = RandomScalar(spec, rng, narrow);
  }
  return list;
}

inline std::vector<Row> RandomRows(const std::vector<ColumnSpec>& columns, size_t count,
                                   uint64_t seed, bool narrow) {
  std::mt19937_64 rng(seed);
  std::vector<Row> rows(count);
  for (Row& row : rows) {
    for (const ColumnSpec& spec : columns) row.push_back(RandomValue(spec, rng, narrow));
  }
  return rows;
}

inline ParquetFile WriteRows(const std::vector<ColumnSpec>& columns, const std::vector<Row>& rows,
                             WriterOptions options) {
  auto writer = ParquetWriter::Create(columns, std::move(options));
  CHECK_MSG(writer.ok(), writer.status().ToString().c_str());
  for (const Row& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      const Status status = AppendValue(**writer, c, row[c]);
      CHECK_MSG(status.ok(), status.ToString().c_str());
    }
    CHECK((*writer)->EndRow().ok());
  }
  auto file = (*writer)->Finish();
  CHECK(file.ok());
  return std::move(file).value();
}

inline void ExpectSameColumns(const std::vector<ColumnSpec>& read,
                              const std::vector<ColumnSpec>& written) {
  ASSERT_EQ(read.size(), written.size());
  for (size_t i = 0; i < read.size(); ++i) {
    const ColumnSpec& a = read[i];
    const ColumnSpec& b = written[i];
    SCOPED_TRACE("column " + b.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.field_id, b.field_id);
    EXPECT_EQ(a.required, b.required);
    EXPECT_EQ(a.physical_type, b.physical_type);
    EXPECT_EQ(a.type_length, b.type_length);
    EXPECT_EQ(a.annotation.kind, b.annotation.kind);
    EXPECT_EQ(a.annotation.timestamp_is_adjusted_to_utc, b.annotation.timestamp_is_adjusted_to_utc);
    EXPECT_EQ(a.annotation.decimal_precision, b.annotation.decimal_precision);
    EXPECT_EQ(a.annotation.decimal_scale, b.annotation.decimal_scale);
    ASSERT_EQ(a.list_element.has_value(), b.list_element.has_value());
    if (a.list_element) {
      EXPECT_EQ(a.list_element->field_id, b.list_element->field_id);
      EXPECT_EQ(a.list_element->required, b.list_element->required);
    }
  }
}

// Values of column `column` of `rows`, for comparing with ReadColumn.
inline void ExpectSameValue(const Value& read, const Value& written, const std::string& where) {
  EXPECT_TRUE(SameValue(read, written))
      << where << ": read " << DebugString(read) << ", wrote " << DebugString(written);
}

}  // namespace pg2iceberg::parquet::testing
