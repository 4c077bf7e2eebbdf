// Where a row of a mirrored Iceberg table lives: a data file (by its number in the table's file
// registry, see PrimaryKeyIndex) and the row's 0-based position in that file.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace pg2iceberg::materializer {

struct RowLocation {
  uint32_t file = 0;
  int64_t position = 0;
  auto operator<=>(const RowLocation&) const = default;
};

}  // namespace pg2iceberg::materializer
