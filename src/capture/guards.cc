#include "capture/guards.h"

#include <algorithm>

namespace pg2iceberg::capture {

using change::FormatLsn;

std::string RebuildAdvice(const std::string& coordinator_schema, const std::string& group) {
  return "The staging log can no longer be proven complete, so the mirror must be rebuilt: run "
         "`pg2iceberg cleanup` with this config (it drops the slot, the publication and group \"" +
         group + "\"'s state in schema " + coordinator_schema +
         "), then start pg2iceberg again to take a fresh snapshot";
}

Status CheckSameCluster(const stage::CaptureState& recorded, const pg::SystemIdentity& identity,
                        const std::string& advice) {
  if (recorded.system_identifier == identity.system_identifier) return Status::Ok();
  return Status::DataLoss(
      "the source is a different PostgreSQL cluster (system_identifier " +
      identity.system_identifier + ") from the one this mirror was captured from (" +
      recorded.system_identifier +
      "); a restored backup or a new primary has a different WAL history. " + advice);
}

Status CheckSlot(const stage::CaptureState& recorded, const std::optional<pg::SlotInfo>& slot,
                 const std::string& advice) {
  const std::string name = "replication slot \"" + recorded.slot_name + "\"";
  if (!slot) {
    return Status::DataLoss(
        name + " no longer exists: changes made since it was dropped are lost to pg2iceberg. " +
        advice);
  }
  if (slot->slot_type != "logical" || slot->plugin != "pgoutput" ||
      slot->database != recorded.database) {
    return Status::DataLoss(name + " is not the pgoutput slot of database " + recorded.database +
                            " (plugin \"" + slot->plugin + "\", database \"" + slot->database +
                            "\"): it was recreated. " + advice);
  }
  if (slot->wal_status == "lost") {
    return Status::DataLoss(name +
                            " has wal_status = lost: the server removed WAL it had not yet sent "
                            "(max_slot_wal_keep_size exceeded). " +
                            advice);
  }
  if (slot->confirmed_flush_lsn > recorded.flushed_lsn) {
    return Status::DataLoss(
        name + " has confirmed_flush_lsn " + FormatLsn(slot->confirmed_flush_lsn) + ", past the " +
        FormatLsn(recorded.flushed_lsn) +
        " pg2iceberg recorded: it was advanced or recreated by someone else, and the changes "
        "in between are lost to pg2iceberg. " +
        advice);
  }
  return Status::Ok();
}

Status CheckTablesUnchanged(const std::vector<stage::TableState>& registered,
                            const std::vector<uint32_t>& current_oids, const std::string& advice) {
  for (size_t i = 0; i < registered.size(); ++i) {
    const stage::TableState& table = registered[i];
    if (current_oids[i] == 0) {
      return Status::DataLoss("mirrored table " + table.QualifiedName() +
                              " no longer exists. Remove it from the config and its state, or " +
                              advice);
    }
    if (current_oids[i] != table.relid) {
      return Status::DataLoss(
          "mirrored table " + table.QualifiedName() + " was dropped and recreated (pg_class.oid " +
          std::to_string(table.relid) + " is now " + std::to_string(current_oids[i]) +
          "); changes between the drop and the new table's creation cannot be accounted for. " +
          advice);
    }
  }
  return Status::Ok();
}

Status CheckPublished(const std::string& publication, const std::vector<pg::TableName>& mirrored,
                      const std::vector<pg::TableName>& published) {
  for (const pg::TableName& table : mirrored) {
    bool found = std::any_of(published.begin(), published.end(), [&](const pg::TableName& p) {
      return p.schema_name == table.schema_name && p.table_name == table.table_name;
    });
    if (!found) {
      return Status::DataLoss(
          "mirrored table " + table.QualifiedName() + " is missing from publication \"" +
          publication +
          "\", so its changes are not being sent; changes since it was removed "
          "are lost to pg2iceberg. Add it back only if you know nothing changed meanwhile "
          "(ALTER PUBLICATION " +
          QuoteIdentifier(publication) + " ADD TABLE " + QuoteIdentifier(table.schema_name) + "." +
          QuoteIdentifier(table.table_name) +
          "), otherwise rebuild the mirror with `pg2iceberg cleanup`");
    }
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::capture
