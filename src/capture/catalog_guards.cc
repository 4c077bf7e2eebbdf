#include "capture/catalog_guards.h"

#include <algorithm>

#include "env/pg_connection.h"

namespace pg2iceberg::capture {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == words.size() ? " and " : ", ") + words[i];
  }
  return text;
}

std::string MissingOperations(const PublicationState& publication) {
  std::vector<std::string> published;
  std::vector<std::string> lost;
  const std::pair<bool, const char*> operations[] = {{publication.publishes_insert, "insert"},
                                                     {publication.publishes_update, "update"},
                                                     {publication.publishes_delete, "delete"},
                                                     {publication.publishes_truncate, "truncate"}};
  for (const auto& [publishes, name] : operations) (publishes ? published : lost).push_back(name);
  if (lost.empty()) return "";
  for (std::string& operation : lost) operation += "s";
  const std::string quoted = QuoteIdentifier(publication.name);
  return "publication \"" + publication.name + "\" publishes " +
         (published.empty() ? std::string("no operation") : "only " + Join(published)) + ": " +
         Join(lost) +
         " of the mirrored tables would never be sent, and the mirror would silently miss them. "
         "Publish every "
         "operation: ALTER PUBLICATION " +
         quoted + " SET (publish = 'insert, update, delete, truncate')";
}

std::string ReAddAdvice(const PublicationState& publication, const PublishedRelation& relation) {
  const std::string quoted = QuoteIdentifier(publication.name);
  return "Publish it whole: BEGIN; ALTER PUBLICATION " + quoted + " DROP TABLE " +
         relation.qualified_name + "; ALTER PUBLICATION " + quoted + " ADD TABLE " +
         relation.qualified_name + "; COMMIT";
}

std::string RelationShortfall(const PublicationState& publication,
                              const PublishedRelation& relation) {
  const std::string head = "publication \"" + publication.name + "\" publishes mirrored table " +
                           relation.qualified_name;
  if (!relation.row_filter.empty()) {
    return head + " with a row filter (WHERE " + relation.row_filter +
           "): rows outside it would never be sent, "
           "and the mirror would silently miss them (the filter also changes what an UPDATE "
           "sends). " +
           ReAddAdvice(publication, relation);
  }
  if (!relation.column_list.empty()) {
    return head + " with a column list (" + relation.column_list +
           "): the other columns, and every column "
           "added later, would never be sent. " +
           ReAddAdvice(publication, relation);
  }
  return "";
}

const std::string& NameOf(const std::map<uint32_t, std::string>& names, uint32_t root) {
  static const std::string kUnknown = "(unknown)";
  auto found = names.find(root);
  return found == names.end() ? kUnknown : found->second;
}

const PartitionState* Find(const std::vector<PartitionState>& partitions, uint32_t root,
                           uint32_t relid) {
  auto found = std::find_if(partitions.begin(), partitions.end(), [&](const PartitionState& p) {
    return p.root == root && p.relid == relid;
  });
  return found == partitions.end() ? nullptr : &*found;
}

std::string Described(const PartitionState& partition,
                      const std::map<uint32_t, std::string>& root_names) {
  return "partition " + partition.qualified_name + " (oid " + std::to_string(partition.relid) +
         ") of mirrored table " + NameOf(root_names, partition.root);
}

std::string ChangeOf(const PartitionState& recorded, const PartitionState& now,
                     const std::map<uint32_t, std::string>& root_names) {
  if (recorded.parent != now.parent || recorded.attach_version != now.attach_version) {
    return Described(now, root_names) +
           " was detached and attached again (or is being detached): PostgreSQL "
           "sends no change for the rows a partition gains or loses that way, so the mirror would "
           "diverge";
  }
  if (recorded.storage != now.storage) {
    return Described(now, root_names) +
           " was truncated (its storage was replaced: TRUNCATE of the partition or "
           "of the whole table, or a rewrite by VACUUM FULL, CLUSTER or ALTER TABLE): under "
           "publish_via_partition_root PostgreSQL sends no TRUNCATE of a single partition, so the "
           "mirror would "
           "keep rows the source no longer has";
  }
  return "";
}

}  // namespace

std::string PublicationShortfall(const PublicationState& publication) {
  if (std::string missing = MissingOperations(publication); !missing.empty()) return missing;
  if (!publication.via_root) {
    return "publication \"" + publication.name +
           "\" has publish_via_partition_root = false: the changes of a "
           "partitioned table would arrive under its partitions' names, which pg2iceberg does not "
           "mirror. "
           "ALTER PUBLICATION " +
           QuoteIdentifier(publication.name) + " SET (publish_via_partition_root = true)";
  }
  for (const PublishedRelation& relation : publication.relations) {
    if (std::string shortfall = RelationShortfall(publication, relation); !shortfall.empty())
      return shortfall;
  }
  return "";
}

std::string PartitionShortfall(const std::vector<PartitionState>& partitions,
                               const std::map<uint32_t, std::string>& root_names) {
  for (const PartitionState& partition : partitions) {
    if (partition.kind == 'f') {
      return Described(partition, root_names) +
             " is a foreign table: changes to its rows are not decoded by the "
             "source, so the mirror would miss them. Mirror a table without foreign partitions";
    }
    if (partition.persistence != 'p') {
      return Described(partition, root_names) +
             " is UNLOGGED: changes to its rows are not written to the WAL and "
             "never reach the mirror. Make it logged: ALTER TABLE " +
             partition.qualified_name + " SET LOGGED";
    }
  }
  return "";
}

std::string PartitionChange(const std::vector<PartitionState>& recorded,
                            const std::vector<PartitionState>& current,
                            const std::map<uint32_t, std::string>& root_names) {
  for (const PartitionState& before : recorded) {
    const PartitionState* now = Find(current, before.root, before.relid);
    if (now == nullptr) {
      return Described(before, root_names) +
             " was detached or dropped: PostgreSQL sends no delete for the rows "
             "it held, so the mirror would keep rows the source no longer has";
    }
    if (std::string change = ChangeOf(before, *now, root_names); !change.empty()) return change;
  }
  for (const PartitionState& now : current) {
    if (Find(recorded, now.root, now.relid) == nullptr) {
      return Described(now, root_names) +
             " was attached or created: PostgreSQL sends no insert for the rows a "
             "partition holds when it is attached, so the mirror could lack them";
    }
  }
  return "";
}

}  // namespace pg2iceberg::capture
