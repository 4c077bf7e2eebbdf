// Reading the fields of coordinator rows (internal to the coordinator's .cc files).
//
// The coordinator's columns are typed (bigint, oid, pg_lsn, NOT NULL), so a NULL or a value that
// does not parse can only come from an outside change of the schema (an ALTER COLUMN … TYPE
// text, a dropped NOT NULL). Like a row failing its checksum, that is kDataLoss: the message
// names the column and the offending text, and says how to recover. Nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::stage {

using Cell = std::optional<std::string>;

// `column` names the field in messages ("tables.next_offset").
Result<std::string> TextField(const Cell& cell, std::string_view column);
Result<int64_t> IntField(const Cell& cell, std::string_view column);
// A bigint column holding a size or byte offset: negative is kDataLoss too.
Result<uint64_t> UnsignedField(const Cell& cell, std::string_view column);
// An oid column (uint32).
Result<uint32_t> OidField(const Cell& cell, std::string_view column);
Result<change::Lsn> LsnField(const Cell& cell, std::string_view column);

}  // namespace pg2iceberg::stage
