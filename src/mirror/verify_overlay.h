// The staged changes a table's Iceberg snapshot does not hold yet, folded into the rows they
// leave per key, for `verify` (docs/verify.md, "The comparison point"): a snapshot at commit-lsn
// C plus the table's staged changes committed in (C, P], applied in log (= commit) order, is the
// table as of P.
//
// Folding as the materializer folds (materializer/table_batch.h): an insert or update sets its
// key's row; an update that changes the key and a delete remove the old key; TRUNCATE removes
// every row before it. An unchanged TOAST value is taken from the key's row before the change —
// folded here, else the snapshot's (read through `base_row`) — and is kDataLoss naming the
// table, key and column when neither has it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg {

struct Overlay {
  bool truncated = false;  // every row of the snapshot is gone; only `rows` remain
  // Per key bytes (materializer/primary_key.h): the row after the changes (in the compared
  // schema's column order), or nullopt when the changes removed the key.
  std::map<std::string, std::optional<change::Row>> rows;
};

class OverlayBuilder {
 public:
  // `schema`: the compared columns (rows are mapped onto them by name: a column a change lacks is
  // NULL); `key_indexes` into them. `base_row(key)`: the snapshot's row of `key`, nullopt when it
  // has none. Both must outlive the builder.
  OverlayBuilder(const change::TableSchema& schema, const std::vector<int>& key_indexes,
                 std::function<Result<std::optional<change::Row>>(const std::string&)> base_row)
      : schema_(schema), key_indexes_(key_indexes), base_row_(std::move(base_row)) {}

  // Applies one change after those applied before. Errors: kInvalidArgument for a key that cannot
  // be formed (primary_key.h), kDataLoss for an unchanged TOAST value without a row to take it
  // from, the base row's.
  Status Apply(const change::RowChange& change);

  Overlay Take() { return std::move(overlay_); }

 private:
  change::Row Mapped(const change::TableSchema& from, const change::Row& row) const;
  Result<std::optional<change::Row>> Current(const std::string& key);
  Status Upsert(const change::RowChange& change);

  const change::TableSchema& schema_;
  const std::vector<int>& key_indexes_;
  std::function<Result<std::optional<change::Row>>(const std::string&)> base_row_;
  Overlay overlay_;
};

}  // namespace pg2iceberg
