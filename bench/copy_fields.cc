#include "bench/copy_fields.h"

#include <bit>
#include <cstring>

#include "base/check.h"

namespace pg2iceberg::bench {
namespace {

template <typename T>
void PutBigEndian(T value, Bytes& out) {
  using U = std::make_unsigned_t<T>;
  const auto bits = static_cast<U>(value);
  for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::byte>(bits >> shift));
  }
}

int64_t UnscaledOf(const std::array<std::byte, 8>& big_endian) {
  uint64_t bits = 0;
  for (std::byte b : big_endian) bits = (bits << 8) | static_cast<uint8_t>(b);
  return static_cast<int64_t>(bits);
}

// numeric_send of unscaled × 10^-4 at dscale 4: base-10000 digits, the last one the fraction.
void PutNumericScale4(int64_t unscaled, Bytes& out) {
  const bool negative = unscaled < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
  std::vector<int16_t> digits;  // least significant first
  for (; magnitude != 0; magnitude /= 10000)
    digits.push_back(static_cast<int16_t>(magnitude % 10000));
  int16_t weight = static_cast<int16_t>(static_cast<int>(digits.size()) - 2);
  size_t first = 0;  // trailing zero digits are not sent
  while (first < digits.size() && digits[first] == 0) ++first;
  PutBigEndian(static_cast<int16_t>(digits.size() - first), out);
  PutBigEndian(digits.empty() ? int16_t{0} : weight, out);
  PutBigEndian(static_cast<uint16_t>(negative ? 0x4000 : 0), out);
  PutBigEndian(int16_t{4}, out);
  for (size_t i = digits.size(); i > first; --i) PutBigEndian(digits[i - 1], out);
}

constexpr int64_t kUnixToPgEpochMicros = int64_t{946684800} * 1000000;

}  // namespace

void CopyFields::Row(size_t row, std::vector<std::optional<ByteSpan>>& out) const {
  out.resize(kBenchColumnCount);
  for (size_t i = 0; i < kBenchColumnCount; ++i) {
    const Field& f = fields_[row * kBenchColumnCount + i];
    out[i] = f.size < 0 ? std::nullopt
                        : std::optional<ByteSpan>(
                              ByteSpan(bytes_.data() + f.offset, static_cast<size_t>(f.size)));
  }
}

CopyFields CopyFieldsOf(const BenchTable& table) {
  CopyFields out;
  auto field = [&](auto put) {
    const size_t start = out.bytes_.size();
    put(out.bytes_);
    out.fields_.push_back(
        {static_cast<uint32_t>(start), static_cast<int32_t>(out.bytes_.size() - start)});
  };
  auto text = [&](const std::string& s) {
    field([&](Bytes& b) { b.insert(b.end(), AsBytes(s).begin(), AsBytes(s).end()); });
  };
  for (const BenchRow& r : table.rows) {
    field([&](Bytes& b) { PutBigEndian(r.id, b); });
    field([&](Bytes& b) { PutBigEndian(r.quantity, b); });
    field([&](Bytes& b) { PutBigEndian(std::bit_cast<uint64_t>(r.score), b); });
    field([&](Bytes& b) { PutNumericScale4(UnscaledOf(r.price), b); });
    field([&](Bytes& b) { PutBigEndian(r.created_us - kUnixToPgEpochMicros, b); });
    text(r.code);
    if (r.note) {
      text(*r.note);
    } else {
      out.fields_.push_back({0, -1});
    }
    field([&](Bytes& b) { b.push_back(std::byte{r.active ? uint8_t{1} : uint8_t{0}}); });
  }
  CHECK_MSG(out.bytes_.size() < (size_t{1} << 32), "benchmark fields over 4 GiB");
  return out;
}

std::vector<MappedColumn> BenchMappedColumns() {
  const pg::PgColumn columns[] = {
      {"id", 20, -1, true, "bigint"},
      {"quantity", 23, -1, false, "integer"},
      {"score", 701, -1, false, "double precision"},
      {"price", 1700, ((18 << 16) | 4) + 4, false, "numeric(18,4)"},
      {"created_at", 1114, -1, false, "timestamp without time zone"},
      {"code", 25, -1, true, "text"},
      {"note", 25, -1, false, "text"},
      {"active", 16, -1, false, "boolean"},
  };
  std::vector<MappedColumn> mapped;
  for (const pg::PgColumn& column : columns) {
    Result<MappedColumn> m = MapColumn("public.bench", column);
    CHECK_MSG(m.ok(), "benchmark column not mapped");
    mapped.push_back(*m);
  }
  return mapped;
}

}  // namespace pg2iceberg::bench
