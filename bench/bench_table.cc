#include "bench/bench_table.h"

#include <cstring>

#include "env/random.h"

namespace pg2iceberg::bench {
namespace {

using parquet::Annotation;
using parquet::ColumnSpec;
using parquet::PhysicalType;

constexpr int64_t kEpoch2024Us = int64_t{1704067200} * 1000000;

// Lower-case letters and digits: compressible about as much as identifiers and codes are.
std::string RandomText(Random& random, size_t min_length, size_t max_length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  const size_t length = min_length + random.Uniform(max_length - min_length + 1);
  std::string text(length, ' ');
  for (char& c : text) c = kAlphabet[random.Uniform(sizeof kAlphabet - 1)];
  return text;
}

std::array<std::byte, 8> BigEndian(int64_t value) {
  std::array<std::byte, 8> out;
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<std::byte>(static_cast<uint64_t>(value) >> (56 - 8 * i));
  return out;
}

BenchRow MakeRow(Random& random, int64_t id, int64_t* clock_us) {
  BenchRow row;
  row.id = id;
  row.quantity = static_cast<int32_t>(random.Uniform(10000)) - 100;
  row.score = static_cast<double>(random.Next64() >> 11) * 0x1.0p-53 * 1000.0;
  // Prices up to 1,000,000.0000 with the occasional refund.
  const auto cents = static_cast<int64_t>(random.Uniform(10'000'000'000));
  row.price = BigEndian(random.Uniform(20) == 0 ? -cents : cents);
  *clock_us += static_cast<int64_t>(random.Uniform(2'000'000));
  row.created_us = *clock_us;
  row.code = RandomText(random, 16, 24);
  if (random.Uniform(10) != 0) row.note = RandomText(random, 10, 40);
  row.active = random.Uniform(4) != 0;
  return row;
}

size_t InputBytes(const BenchRow& row) {
  return sizeof row.id + sizeof row.quantity + sizeof row.score + row.price.size() +
         sizeof row.created_us + row.code.size() + (row.note ? row.note->size() : 0) +
         sizeof row.active;
}

template <typename Value>
void AppendRaw(const Value& value, Bytes* out) {
  const auto* p = reinterpret_cast<const std::byte*>(&value);
  out->insert(out->end(), p, p + sizeof value);
}

void AppendText(const std::string& text, Bytes* out) {
  const ByteSpan bytes = AsBytes(text);
  out->insert(out->end(), bytes.begin(), bytes.end());
}

}  // namespace

BenchTable MakeBenchTable(size_t row_count, uint64_t seed) {
  SeededRandom random(seed);
  BenchTable table;
  table.rows.reserve(row_count);
  int64_t clock_us = kEpoch2024Us;
  for (size_t i = 0; i < row_count; ++i) {
    table.rows.push_back(MakeRow(random, static_cast<int64_t>(i) + 1, &clock_us));
    table.input_bytes += InputBytes(table.rows.back());
  }
  return table;
}

std::vector<ColumnSpec> BenchColumns() {
  auto column = [](std::string name, int32_t id, bool required, PhysicalType type,
                   Annotation annotation = Annotation::None(), int32_t length = 0) {
    return ColumnSpec{std::move(name), id, required, type, length, annotation};
  };
  return {
      column("id", 1, true, PhysicalType::kInt64),
      column("quantity", 2, true, PhysicalType::kInt32),
      column("score", 3, true, PhysicalType::kDouble),
      column("price", 4, true, PhysicalType::kFixedLenByteArray, Annotation::Decimal(18, 4), 8),
      column("created_at", 5, true, PhysicalType::kInt64, Annotation::Timestamp(false)),
      column("code", 6, true, PhysicalType::kByteArray, Annotation::String()),
      column("note", 7, false, PhysicalType::kByteArray, Annotation::String()),
      column("active", 8, true, PhysicalType::kBoolean),
  };
}

Bytes ColumnMajorInput(const BenchTable& table) {
  Bytes out;
  out.reserve(table.input_bytes);
  for (const BenchRow& r : table.rows) AppendRaw(r.id, &out);
  for (const BenchRow& r : table.rows) AppendRaw(r.quantity, &out);
  for (const BenchRow& r : table.rows) AppendRaw(r.score, &out);
  for (const BenchRow& r : table.rows) out.insert(out.end(), r.price.begin(), r.price.end());
  for (const BenchRow& r : table.rows) AppendRaw(r.created_us, &out);
  for (const BenchRow& r : table.rows) AppendText(r.code, &out);
  for (const BenchRow& r : table.rows) {
    if (r.note) AppendText(*r.note, &out);
  }
  for (const BenchRow& r : table.rows) AppendRaw(r.active, &out);
  return out;
}

}  // namespace pg2iceberg::bench
