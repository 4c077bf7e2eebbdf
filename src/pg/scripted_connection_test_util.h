// A PgConnection for unit tests that answers Exec and ExecParams with scripted results in order
// (the last one repeats), to feed parsing code answers a live server never gives: garbage where
// a number or an LSN belongs, NULLs in NOT NULL columns, missing rows.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "env/pg_connection.h"

namespace pg2iceberg::pg::testing {

class ScriptedConnection : public PgConnection {
 public:
  explicit ScriptedConnection(std::vector<PgRows> answers)
      : answers_(answers.begin(), answers.end()) {}

  Result<PgRows> Exec(std::string_view) override { return Next(); }
  Result<PgRows> ExecParams(std::string_view,
                            const std::vector<std::optional<std::string>>&) override {
    return Next();
  }
  Status CopyOut(std::string_view, const std::function<Status(ByteSpan)>&) override {
    return Status::Internal("ScriptedConnection has no COPY");
  }
  Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view) override {
    return Status::Internal("ScriptedConnection has no replication stream");
  }
  int ServerVersion() const override { return 150000; }

 private:
  PgRows Next() {
    if (answers_.empty()) return PgRows{};
    PgRows next = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return next;
  }

  std::deque<PgRows> answers_;
};

}  // namespace pg2iceberg::pg::testing
