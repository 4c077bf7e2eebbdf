// Checks of the catalog state that decides what pgoutput sends (catalog_state.h). Pure
// functions: each returns a sentence naming the publication or table, what is wrong and what
// it costs, or an empty string when nothing is; the caller adds the status code and the way out,
// which differ before the slot exists (nothing lost yet) and after (changes already lost).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "capture/catalog_state.h"

namespace pg2iceberg::capture {

// What makes `publication` send less than every change of the mirrored tables: an operation it
// does not publish, publish_via_partition_root off, a row filter or a column list on a mirrored
// table. The sentence ends with the command that fixes it.
std::string PublicationShortfall(const PublicationState& publication);

// A partition whose changes are never decoded (an unlogged or foreign partition).
// `root_names` maps a mirrored table's oid to its name.
std::string PartitionShortfall(const std::vector<PartitionState>& partitions,
                               const std::map<uint32_t, std::string>& root_names);

// The first difference between the partitions recorded when capture began and the current
// ones: a partition detached or dropped, attached or created, detached and attached again, or
// truncated (its storage replaced).
std::string PartitionChange(const std::vector<PartitionState>& recorded,
                            const std::vector<PartitionState>& current,
                            const std::map<uint32_t, std::string>& root_names);

}  // namespace pg2iceberg::capture
