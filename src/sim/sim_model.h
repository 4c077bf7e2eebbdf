// The simulator's oracle side: what the source's changes must do to the model, read back from
// what the pipeline produced (captured or staged changes), independently of the pipeline's own
// folding. A change that cannot apply (a key that is not there, an unchanged-TOAST value with no
// row to take it from) is reported, never skipped.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"
#include "change/change.h"
#include "sim/sim_workload.h"

namespace pg2iceberg::sim {

// Applies one decoded change of a simulated table (id, n, doc) to `tables`, keyed by relid:
// unchanged TOAST takes the value of the row the change replaces. kDataLoss describing the
// change when it cannot apply.
Status ApplyToModel(std::map<uint32_t, SimTableRows>& tables, const change::RowChange& change);

// "t0: 3 rows differ (first: id 7 …)"; empty when `actual` equals `expected`.
std::string DescribeModelDifference(const std::map<uint32_t, SimTableRows>& expected,
                                    const std::map<uint32_t, SimTableRows>& actual);

}  // namespace pg2iceberg::sim
