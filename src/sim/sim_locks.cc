#include "sim/sim_locks.h"

#include <charconv>
#include <string>
#include <vector>

namespace pg2iceberg::sim {
namespace {

constexpr std::string_view kTryLock = "SELECT pg_try_advisory_lock($1::int4, $2::int4)";

Result<int32_t> Int4(const std::optional<std::string>& text) {
  int32_t value = 0;
  if (!text.has_value()) return Status::InvalidArgument("a NULL advisory lock key");
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument("invalid input syntax for type integer: \"" + *text + "\"");
  }
  return value;
}

}  // namespace

class SimLockSession final : public PgConnection {
 public:
  SimLockSession(SimAdvisoryLocks& locks, int session) : locks_(locks), session_(session) {}
  ~SimLockSession() override {
    std::erase_if(locks_.holders_, [&](const auto& held) { return held.second == session_; });
  }

  Result<PgRows> Exec(std::string_view sql) override { return Refuse(sql); }

  Result<PgRows> ExecParams(std::string_view sql,
                            const std::vector<std::optional<std::string>>& params) override {
    if (sql.starts_with("SELECT a.pid")) return PgRows{};  // the holder: no row to show
    if (sql != kTryLock || params.size() != 2) return Refuse(sql);
    ASSIGN_OR_RETURN(int32_t class_key, Int4(params[0]));
    ASSIGN_OR_RETURN(int32_t object_key, Int4(params[1]));
    auto [it, inserted] = locks_.holders_.try_emplace({class_key, object_key}, session_);
    const bool granted = inserted || it->second == session_;
    PgRows rows;
    rows.rows.push_back({std::optional<std::string>(granted ? "t" : "f")});
    return rows;
  }

  Status CopyOut(std::string_view sql, const std::function<Status(ByteSpan)>&) override {
    return Refuse(sql).status();
  }
  Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view command) override {
    return Refuse(command).status();
  }
  int ServerVersion() const override { return 150000; }

 private:
  static Result<PgRows> Refuse(std::string_view sql) {
    return Status::Internal("the simulated state session answers only the group lock, not: " +
                            std::string(sql));
  }

  SimAdvisoryLocks& locks_;
  const int session_;
};

std::unique_ptr<PgConnection> SimAdvisoryLocks::Connect() {
  return std::make_unique<SimLockSession>(*this, next_session_++);
}

int SimAdvisoryLocks::Holder(int32_t class_key, int32_t object_key) const {
  const auto it = holders_.find({class_key, object_key});
  return it == holders_.end() ? 0 : it->second;
}

}  // namespace pg2iceberg::sim
