#include "mirror/verify_file_rows.h"

#include <algorithm>

#include "materializer/data_file_read.h"
#include "table/row_decoder.h"

namespace pg2iceberg {

Result<std::vector<change::Row>> FileRows::Read(const std::string& path,
                                                std::span<const int64_t> positions) {
  ASSIGN_OR_RETURN(
      const parquet::ParquetReader* reader,
      open_file_.Open(*plan_.store, path, options_.file_bytes_max, plan_.source.QualifiedName()));
  return Decode(*reader, positions);
}

Result<std::vector<change::Row>> FileRows::Decode(const parquet::ParquetReader& reader,
                                                  std::span<const int64_t> positions) {
  std::vector<size_t> columns;
  std::vector<std::string> names;
  std::vector<iceberg::Type> types;
  std::vector<int> wanted(plan_.columns.size(), -1);  // per plan column: its read column
  for (size_t i = 0; i < plan_.columns.size(); ++i) {
    const iceberg::Field* field = plan_.schema.FindByName(plan_.columns[i].pg.name);
    if (field == nullptr) continue;
    const auto& specs = reader.columns();
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const auto& c) { return c.field_id == field->id; });
    if (it == specs.end()) continue;  // added after the file was written: NULL
    wanted[i] = static_cast<int>(columns.size());
    columns.push_back(static_cast<size_t>(it - specs.begin()));
    names.push_back(field->name);
    types.push_back(field->type);
  }
  ASSIGN_OR_RETURN(auto values, reader.ReadRows(positions, columns));
  RowDecoder decoder(plan_.source.QualifiedName(), names, types);
  std::vector<change::Row> rows;
  rows.reserve(values.size());
  for (const auto& read : values) {
    change::Row row(plan_.columns.size(), change::Value::Null());
    for (size_t i = 0; i < row.size(); ++i) {
      if (wanted[i] < 0) continue;
      ASSIGN_OR_RETURN(row[i], decoder.DecodeValue(read[wanted[i]], wanted[i]));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace pg2iceberg
