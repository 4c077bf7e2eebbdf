// Test tool for parquet_pyarrow_roundtrip (parquet_roundtrip_check.py): writes random Parquet
// files with ParquetWriter and, beside each, the values it was given as JSON, so that an
// independent reader can check what the files hold.
//
//   parquet_roundtrip_writer <out_dir> <seed> <first> <count>
//
// Writes files first .. first + count - 1. File k (file_<k>.parquet / file_<k>.json) is
// generated from (seed, k) alone, so one failing file can be replayed with `<seed> <k> 1`. Every
// file has the same mixed schema (every physical type and annotation the writer supports, in random
// order of nullability), random null rates, per-column cardinality (low, high, or low then high to
// overflow the dictionary), small random page, row group and dictionary sizes, and a random codec
// (none, snappy, zstd).
//
// JSON: {"codec", "rows", "columns": [{"name", "field_id", "kind", "required", "values"}]},
// values in physical form: integers (INT32/INT64 and the annotations on them), float/double as
// their IEEE bit patterns (integers), booleans, byte arrays as lowercase hex; null for NULL.
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/parse_number.h"
#include "parquet/parquet_writer.h"

namespace pg2iceberg::parquet {
namespace {

using Json = nlohmann::json;
using Rng = std::mt19937_64;

// One value to append, and its JSON form.
struct Value {
  enum class Kind { kNull, kBool, kInt32, kInt64, kFloat, kDouble, kBytes } kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0;
  Bytes bytes;
};

struct ColumnKind {
  std::string kind;  // the checker's name for the type
  PhysicalType type;
  int32_t length;
  Annotation annotation;
  std::function<Value(Rng&)> random;
};

int64_t Uniform(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

Value Int32(int64_t v) { return {Value::Kind::kInt32, v, 0, {}}; }
Value Int64(int64_t v) { return {Value::Kind::kInt64, v, 0, {}}; }

Value RandomInt32(Rng& rng) {
  static constexpr int32_t kSpecial[] = {std::numeric_limits<int32_t>::min(),
                                         std::numeric_limits<int32_t>::max(), 0, -1};
  if (rng() % 8 == 0) return Int32(kSpecial[rng() % 4]);
  return Int32(static_cast<int32_t>(rng()));
}

Value RandomInt64(Rng& rng) {
  static constexpr int64_t kSpecial[] = {std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(), 0, -1};
  if (rng() % 8 == 0) return Int64(kSpecial[rng() % 4]);
  return Int64(static_cast<int64_t>(rng()));
}

double SpecialReal(Rng& rng) {
  const double specials[] = {std::nan(""), -0.0, 0.0, INFINITY, -INFINITY, 1e-310, -1.5};
  return specials[rng() % 7];
}

Value RandomFloat(Rng& rng) {
  const float v = rng() % 4 == 0 ? static_cast<float>(SpecialReal(rng))
                                 : std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng);
  return {Value::Kind::kFloat, 0, v, {}};
}

Value RandomDouble(Rng& rng) {
  const double v =
      rng() % 4 == 0 ? SpecialReal(rng) : std::uniform_real_distribution<double>(-1e12, 1e12)(rng);
  return {Value::Kind::kDouble, 0, v, {}};
}

Value RandomBytes(Rng& rng, size_t length) {
  Value v{Value::Kind::kBytes, 0, 0, Bytes(length)};
  for (std::byte& b : v.bytes) b = static_cast<std::byte>(rng());
  return v;
}

// Up to 15 code points of 1 to 4 bytes: at most 60 bytes, below the statistics bound.
Value RandomString(Rng& rng) {
  static const char* const kPieces[] = {"a", "Z", "0", " ", "é", "ß", "€", "中", "😀", "\x7f"};
  std::string s;
  const int64_t length = Uniform(rng, 0, 15);
  for (int64_t i = 0; i < length; ++i) s += kPieces[rng() % 10];
  const ByteSpan bytes = AsBytes(s);
  return {Value::Kind::kBytes, 0, 0, Bytes(bytes.begin(), bytes.end())};
}

// Big-endian two's complement of `v` in 16 bytes.
Value Decimal38(__int128 v) {
  Value out{Value::Kind::kBytes, 0, 0, Bytes(16)};
  for (int i = 15; i >= 0; --i, v >>= 8) out.bytes[i] = static_cast<std::byte>(v & 0xff);
  return out;
}

Value RandomDecimal38(Rng& rng) {
  const __int128 max = static_cast<__int128>(999'999'999'999'999'999) * 1'000'000'000'000'000'000 +
                       999'999'999'999'999'999;  // 10^36 - 1 < 10^38
  if (rng() % 10 == 0) return Decimal38(rng() % 2 == 0 ? max : -max);
  const __int128 v =
      static_cast<__int128>(static_cast<int64_t>(rng())) * Uniform(rng, 0, 100'000'000'000'000'000);
  return Decimal38(v);
}

std::vector<ColumnKind> Kinds() {
  using A = Annotation;
  return {
      {"int32", PhysicalType::kInt32, 0, A::None(), RandomInt32},
      {"int64", PhysicalType::kInt64, 0, A::None(), RandomInt64},
      {"float", PhysicalType::kFloat, 0, A::None(), RandomFloat},
      {"double", PhysicalType::kDouble, 0, A::None(), RandomDouble},
      {"bool", PhysicalType::kBoolean, 0, A::None(),
       [](Rng& rng) {
         return Value{Value::Kind::kBool, static_cast<int64_t>(rng() % 2), 0, {}};
       }},
      {"string", PhysicalType::kByteArray, 0, A::String(), RandomString},
      {"binary", PhysicalType::kByteArray, 0, A::None(),
       [](Rng& rng) { return RandomBytes(rng, Uniform(rng, 0, 40)); }},
      {"decimal9", PhysicalType::kInt32, 0, A::Decimal(9, 2),
       [](Rng& rng) { return Int32(Uniform(rng, -999'999'999, 999'999'999)); }},
      {"decimal18", PhysicalType::kInt64, 0, A::Decimal(18, 4),
       [](Rng& rng) {
         return Int64(Uniform(rng, -999'999'999'999'999'999, 999'999'999'999'999'999));
       }},
      {"decimal38", PhysicalType::kFixedLenByteArray, 16, A::Decimal(38, 10), RandomDecimal38},
      {"date", PhysicalType::kInt32, 0, A::Date(),
       [](Rng& rng) { return Int32(Uniform(rng, -100'000, 100'000)); }},
      {"time", PhysicalType::kInt64, 0, A::Time(),
       [](Rng& rng) { return Int64(Uniform(rng, 0, 86'400'000'000 - 1)); }},
      {"timestamp", PhysicalType::kInt64, 0, A::Timestamp(false),
       [](Rng& rng) {
         return Int64(Uniform(rng, -100'000'000'000'000'000, 100'000'000'000'000'000));
       }},
      {"timestamptz", PhysicalType::kInt64, 0, A::Timestamp(true),
       [](Rng& rng) {
         return Int64(Uniform(rng, -100'000'000'000'000'000, 100'000'000'000'000'000));
       }},
      {"uuid", PhysicalType::kFixedLenByteArray, 16, A::Uuid(),
       [](Rng& rng) { return RandomBytes(rng, 16); }},
      {"fixed", PhysicalType::kFixedLenByteArray, 5, A::None(),
       [](Rng& rng) { return RandomBytes(rng, 5); }},
  };
}

// How one column of one file draws its values.
struct ColumnPlan {
  const ColumnKind* kind;
  double null_rate;
  std::vector<Value> pool;  // low cardinality: values drawn from here
  int64_t high_from_row;    // rows from here on draw fresh values
};

ColumnPlan PlanColumn(const ColumnKind& kind, bool required, int64_t rows, Rng& rng) {
  static constexpr double kNullRates[] = {0.0, 0.05, 0.5, 0.95, 1.0};
  ColumnPlan plan{&kind, required ? 0.0 : kNullRates[rng() % 5], {}, 0};
  const uint64_t cardinality = rng() % 3;  // 0 high, 1 low, 2 low then high
  if (cardinality == 0) return plan;
  const int64_t pool_size = Uniform(rng, 1, 30);
  for (int64_t i = 0; i < pool_size; ++i) plan.pool.push_back(kind.random(rng));
  plan.high_from_row = cardinality == 1 ? rows : Uniform(rng, 0, rows);
  return plan;
}

Value DrawValue(const ColumnPlan& plan, int64_t row, Rng& rng) {
  if (std::uniform_real_distribution<double>(0, 1)(rng) < plan.null_rate) return Value{};
  if (row < plan.high_from_row) return plan.pool[rng() % plan.pool.size()];
  return plan.kind->random(rng);
}

Status Append(ParquetWriter& writer, size_t column, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return writer.AppendNull(column);
    case Value::Kind::kBool:
      return writer.AppendBool(column, v.integer != 0);
    case Value::Kind::kInt32:
      return writer.AppendInt32(column, static_cast<int32_t>(v.integer));
    case Value::Kind::kInt64:
      return writer.AppendInt64(column, v.integer);
    case Value::Kind::kFloat:
      return writer.AppendFloat(column, static_cast<float>(v.real));
    case Value::Kind::kDouble:
      return writer.AppendDouble(column, v.real);
    case Value::Kind::kBytes:
      return writer.AppendBytes(column, v.bytes);
  }
  return Status::Internal("unknown value kind");
}

Json ToJson(const Value& v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  switch (v.kind) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBool:
      return v.integer != 0;
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
      return v.integer;
    case Value::Kind::kFloat:
      return std::bit_cast<uint32_t>(static_cast<float>(v.real));
    case Value::Kind::kDouble:
      return std::bit_cast<uint64_t>(v.real);
    case Value::Kind::kBytes: {
      std::string hex;
      for (std::byte b : v.bytes) {
        hex += kDigits[static_cast<uint8_t>(b) >> 4];
        hex += kDigits[static_cast<uint8_t>(b) & 15];
      }
      return hex;
    }
  }
  return nullptr;
}

WriterOptions RandomOptions(Rng& rng) {
  static constexpr Codec kCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kZstd};
  static constexpr size_t kPageSizes[] = {64, 300, 2048, 1 << 20};
  static constexpr size_t kRowGroupSizes[] = {3000, 20000, 1 << 16, size_t{128} << 20};
  static constexpr size_t kDictionaryCaps[] = {16, 120, 1000, 1 << 20};
  WriterOptions options;
  options.codec = kCodecs[rng() % 3];
  options.page_size_bytes = kPageSizes[rng() % 4];
  options.row_group_size_bytes = kRowGroupSizes[rng() % 4];
  options.dictionary_page_size_bytes_max = kDictionaryCaps[rng() % 4];
  options.dictionary_enabled = rng() % 10 != 0;
  return options;
}

// Writes file_<index>.parquet and file_<index>.json; false on any writer error.
bool WriteFile(const std::string& dir, uint64_t index, std::seed_seq& seed) {
  Rng rng(seed);
  const std::vector<ColumnKind> kinds = Kinds();
  const WriterOptions options = RandomOptions(rng);
  const int64_t rows = rng() % 10 == 0 ? Uniform(rng, 0, 2) : Uniform(rng, 3, 800);
  std::vector<ColumnSpec> specs;
  std::vector<ColumnPlan> plans;
  Json columns = Json::array();
  const int32_t first_id = static_cast<int32_t>(Uniform(rng, 1, 1000));
  for (size_t i = 0; i < kinds.size(); ++i) {
    const ColumnKind& kind = kinds[i];
    const bool required = rng() % 4 == 0;
    const int32_t field_id = first_id + static_cast<int32_t>(i) * 2;
    specs.push_back(
        ColumnSpec{"c_" + kind.kind, field_id, required, kind.type, kind.length, kind.annotation});
    plans.push_back(PlanColumn(kind, required, rows, rng));
    columns.push_back({{"name", "c_" + kind.kind},
                       {"field_id", field_id},
                       {"kind", kind.kind},
                       {"required", required}});
  }
  std::vector<Json::array_t> values(plans.size());
  auto writer = ParquetWriter::Create(specs, options);
  if (!writer.ok()) return false;
  for (int64_t row = 0; row < rows; ++row) {
    for (size_t c = 0; c < plans.size(); ++c) {
      const Value v = DrawValue(plans[c], row, rng);
      if (!Append(**writer, c, v).ok()) return false;
      values[c].push_back(ToJson(v));
    }
    if (!(*writer)->EndRow().ok()) return false;
  }
  auto file = (*writer)->Finish();
  if (!file.ok()) return false;
  for (size_t c = 0; c < plans.size(); ++c) columns[c]["values"] = std::move(values[c]);
  const std::string base = dir + "/file_" + std::to_string(index);
  std::ofstream(base + ".parquet", std::ios::binary)
      .write(reinterpret_cast<const char*>(file->bytes.data()),
             static_cast<std::streamsize>(file->bytes.size()));
  const Json expected = {{"codec", options.codec == Codec::kUncompressed ? "none"
                                   : options.codec == Codec::kSnappy     ? "snappy"
                                                                         : "zstd"},
                         {"rows", rows},
                         {"dictionary_enabled", options.dictionary_enabled},
                         {"columns", columns}};
  std::ofstream(base + ".json") << expected.dump();
  return true;
}

}  // namespace
}  // namespace pg2iceberg::parquet

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <out_dir> <seed> <first> <count>\n", argv[0]);
    return 2;
  }
  const pg2iceberg::Result<uint64_t> seed = pg2iceberg::ParseUint64(argv[2], "seed");
  const pg2iceberg::Result<uint64_t> first_arg = pg2iceberg::ParseUint64(argv[3], "first");
  const pg2iceberg::Result<uint64_t> count_arg = pg2iceberg::ParseUint64(argv[4], "count");
  for (const auto* arg : {&seed, &first_arg, &count_arg}) {
    if (!arg->ok()) {
      std::fprintf(stderr, "%s\n", arg->status().message().c_str());
      return 2;
    }
  }
  const uint64_t first = *first_arg, count = *count_arg;
  for (uint64_t k = first; k < first + count; ++k) {
    std::seed_seq file_seed{*seed, k};
    if (!pg2iceberg::parquet::WriteFile(argv[1], k, file_seed)) {
      std::fprintf(stderr, "writing file %llu failed\n", static_cast<unsigned long long>(k));
      return 1;
    }
  }
  return 0;
}
