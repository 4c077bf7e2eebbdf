// BenchTable (bench_table.h) as a COPY BINARY stream would carry it: every row's fields in
// Postgres' binary send form, for the snapshot row benchmark. The source table is
//   (id int8, quantity int4, score float8, price numeric(18,4), created_at timestamp,
//    code text NOT NULL, note text, active bool).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "bench/bench_table.h"
#include "table/type_mapping.h"

namespace pg2iceberg::bench {

inline constexpr size_t kBenchColumnCount = 8;

// Every field of every row, back to back in one buffer.
class CopyFields {
 public:
  size_t row_count() const { return fields_.size() / kBenchColumnCount; }
  // The fields of row `row`, as CopyBinaryParser hands them out (nullopt for NULL).
  void Row(size_t row, std::vector<std::optional<ByteSpan>>& out) const;

 private:
  friend CopyFields CopyFieldsOf(const BenchTable& table);
  struct Field {
    uint32_t offset = 0;
    int32_t size = -1;  // -1: NULL
  };
  Bytes bytes_;
  std::vector<Field> fields_;
};

CopyFields CopyFieldsOf(const BenchTable& table);

// The source table's columns, mapped as the snapshot maps them.
std::vector<MappedColumn> BenchMappedColumns();

}  // namespace pg2iceberg::bench
