// The simulator's oracle side: what the source's changes must do to the model, read back from
// what the pipeline produced (captured or staged changes), independently of the pipeline's own
// folding. A change that cannot apply (a key that is not there, an unchanged-TOAST value with no
// row to take it from) is reported, never skipped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "base/status.h"
#include "change/change.h"
#include "sim/sim_workload.h"

namespace pg2iceberg::sim {

// A whole row of a simulated table (id, n, doc, as decoded or read back from Iceberg) as the
// model holds it: its id and the rest. kDataLoss for another shape or an unchanged TOAST value.
Result<std::pair<int64_t, SimRow>> RowToModel(const change::Row& row);

// Applies one decoded change of a simulated table (id, n, doc) to `tables`, keyed by relid:
// unchanged TOAST takes the value of the row the change replaces. kDataLoss describing the
// change when it cannot apply.
Status ApplyToModel(std::map<uint32_t, SimTableRows>& tables, const change::RowChange& change);

// "t0: 3 rows differ (first: id 7 …)"; empty when `actual` equals `expected`. With `wal`, the
// first differing row names the transactions that wrote its key up to `lsn`.
std::string DescribeModelDifference(const std::map<uint32_t, SimTableRows>& expected,
                                    const std::map<uint32_t, SimTableRows>& actual,
                                    const SimWal* wal = nullptr, change::Lsn lsn = 0);

// "xid 1007 (streamed) committed at 0/1005A50: insert; …": the committed transactions that
// changed (relid, key) and ended at or before `lsn`, for failure messages.
std::string DescribeWrites(const SimWal& wal, uint32_t relid, int64_t key, change::Lsn lsn);

}  // namespace pg2iceberg::sim
