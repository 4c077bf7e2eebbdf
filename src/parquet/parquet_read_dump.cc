// Test tool for parquet_pyarrow_read (parquet_pyarrow_read_check.py): reads Parquet files with
// ParquetReader and prints what it found as JSON, so that a script can compare it with the
// values another writer (pyarrow) was given.
//
//   parquet_read_dump [--status-only] <file.parquet>...
//
// With --status-only it prints one line per file instead, OK or the error's code, and goes on
// after errors (for corruption tests: the process must end normally whatever the bytes).
//
// One JSON document per file, one per line: {"columns": [{"name", "field_id", "required",
// "physical", "type_length", "annotation": {"kind", "utc", "precision", "scale"}, "list": null
// or {"field_id", "required"}}], "row_groups", "rows": [[value per column]...], "sample":
// {"positions": [...], "rows": [[...]]}}. Rows come from ReadColumn per row group; the sample
// (every seventh row, all columns) from ReadRows. Values in physical form: integers,
// float/double as their IEEE bit patterns, booleans, byte arrays as lowercase hex, lists as
// arrays; null for NULL. A reader error is printed to stderr and exits 1.
#include <bit>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/parquet_reader.h"

namespace pg2iceberg::parquet {
namespace {

using Json = nlohmann::json;

Json ScalarJson(const Scalar& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  switch (s.index()) {
    case 0:
      return nullptr;
    case 1:
      return std::get<bool>(s);
    case 2:
      return std::get<int32_t>(s);
    case 3:
      return std::get<int64_t>(s);
    case 4:
      return std::bit_cast<uint32_t>(std::get<float>(s));
    case 5:
      return std::bit_cast<uint64_t>(std::get<double>(s));
    default: {
      std::string hex;
      for (std::byte b : std::get<Bytes>(s)) {
        hex.push_back(kDigits[static_cast<uint8_t>(b) >> 4]);
        hex.push_back(kDigits[static_cast<uint8_t>(b) & 15]);
      }
      return hex;
    }
  }
}

Json ValueJson(const Value& v) {
  if (const List* list = std::get_if<List>(&v)) {
    Json out = Json::array();
    for (const Scalar& s : *list) out.push_back(ScalarJson(s));
    return out;
  }
  return std::visit(
      [](const auto& x) -> Json {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, List>) {
          return nullptr;
        } else {
          return ScalarJson(Scalar(x));
        }
      },
      v);
}

Json ColumnJson(const ColumnSpec& c) {
  Json list = nullptr;
  if (c.list_element) {
    list = {{"field_id", c.list_element->field_id}, {"required", c.list_element->required}};
  }
  return {{"name", c.name},
          {"field_id", c.field_id},
          {"required", c.required},
          {"physical", static_cast<int>(c.physical_type)},
          {"type_length", c.type_length},
          {"annotation",
           {{"kind", static_cast<int>(c.annotation.kind)},
            {"utc", c.annotation.timestamp_is_adjusted_to_utc},
            {"precision", c.annotation.decimal_precision},
            {"scale", c.annotation.decimal_scale}}},
          {"list", list}};
}

Result<Json> RowsJson(const ParquetReader& reader) {
  Json rows = Json::array();
  for (size_t g = 0; g < reader.row_group_count(); ++g) {
    std::vector<std::vector<Value>> columns;
    for (size_t c = 0; c < reader.columns().size(); ++c) {
      ASSIGN_OR_RETURN(columns.emplace_back(), reader.ReadColumn(g, c));
    }
    for (int64_t i = 0; i < reader.row_group_row_count(g); ++i) {
      Json row = Json::array();
      for (const auto& column : columns) row.push_back(ValueJson(column[static_cast<size_t>(i)]));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

Result<Json> SampleJson(const ParquetReader& reader) {
  std::vector<int64_t> positions;
  for (int64_t p = 3; p < reader.row_count(); p += 7) positions.push_back(p);
  std::vector<size_t> columns(reader.columns().size());
  std::iota(columns.begin(), columns.end(), 0);
  ASSIGN_OR_RETURN(auto rows, reader.ReadRows(positions, columns));
  Json out = Json::array();
  for (const auto& row : rows) {
    Json values = Json::array();
    for (const Value& v : row) values.push_back(ValueJson(v));
    out.push_back(std::move(values));
  }
  return Json{{"positions", positions}, {"rows", out}};
}

Result<Json> Dump(const Bytes& bytes) {
  ASSIGN_OR_RETURN(ParquetReader reader, ParquetReader::Open(bytes));
  Json columns = Json::array();
  for (const ColumnSpec& c : reader.columns()) columns.push_back(ColumnJson(c));
  ASSIGN_OR_RETURN(Json rows, RowsJson(reader));
  ASSIGN_OR_RETURN(Json sample, SampleJson(reader));
  return Json{{"columns", columns},
              {"row_groups", reader.row_group_count()},
              {"rows", rows},
              {"sample", sample}};
}

int Main(int argc, char** argv) {
  const bool status_only = argc > 1 && std::string_view(argv[1]) == "--status-only";
  for (int i = status_only ? 2 : 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const ByteSpan span = AsBytes(text);
    const Bytes bytes(span.begin(), span.end());
    Result<Json> dump = Dump(bytes);
    if (status_only) {
      std::printf("%s\n",
                  dump.ok() ? "OK" : std::string(StatusCodeName(dump.status().code())).c_str());
      continue;
    }
    if (!dump.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], dump.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\n", dump->dump().c_str());
  }
  return 0;
}

}  // namespace
}  // namespace pg2iceberg::parquet

int main(int argc, char** argv) { return pg2iceberg::parquet::Main(argc, argv); }
