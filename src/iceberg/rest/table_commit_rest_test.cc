// CommitSnapshotsRetryingConflicts over a RestCatalog whose first commit request is lost while
// the catalog applies it (issue 11 item 2): whatever the catalog says to the resend, nothing
// the commit wrote is removed unless the commit provably never applies, and no rebuilt commit
// is sent on top of it.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "env/local_object_store_test_util.h"
#include "iceberg/metadata_parts_json.h"
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_catalog_test_util.h"
#include "iceberg/rest/rest_test_util.h"
#include "iceberg/table_commit.h"

namespace pg2iceberg::iceberg {
namespace {

// Forwards to a store and records every key deleted through it.
class DeleteRecordingStore final : public ObjectStore {
 public:
  explicit DeleteRecordingStore(ObjectStore& inner) : inner_(inner) {}
  Status Put(std::string_view key, ByteSpan data, const PutOptions& options) override {
    put.insert(std::string(key));
    return inner_.Put(key, data, options);
  }
  Result<Bytes> Get(std::string_view key) override { return inner_.Get(key); }
  Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return inner_.GetRange(key, offset, length);
  }
  Result<ObjectInfo> Head(std::string_view key) override { return inner_.Head(key); }
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    return inner_.List(prefix);
  }
  Status Delete(const std::vector<std::string>& keys) override {
    deleted.insert(keys.begin(), keys.end());
    return inner_.Delete(keys);
  }
  std::string Location(std::string_view key) const override { return inner_.Location(key); }
  Result<std::string> KeyForLocation(std::string_view location) const override {
    return inner_.KeyForLocation(location);
  }

  std::set<std::string> put, deleted;

 private:
  ObjectStore& inner_;
};

const TableIdentifier kTable{{"db"}, "t"};

// The snapshot the (last) commit request sent to the catalog adds.
Snapshot SentSnapshot(const ScriptedHttpTransport& http) {
  for (size_t i = http.requests.size(); i-- > 0;) {
    if (http.requests[i].method != "POST") continue;
    Result<Json> body = ParseJson(http.Body(i));
    if (!body.ok() || !body->contains("updates")) continue;
    for (const Json& update : (*body)["updates"]) {
      if (update.value("action", "") != "add-snapshot") continue;
      Result<Snapshot> snapshot = SnapshotFromJson(update["snapshot"]);
      if (snapshot.ok()) return *snapshot;
    }
  }
  ADD_FAILURE() << "no add-snapshot was sent";
  return Snapshot{};
}

HttpResponse Ok(const std::string& body) {
  HttpResponse response;
  response.status = 200;
  response.body.assign(AsBytes(body).begin(), AsBytes(body).end());
  return response;
}

class TableCommitRestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<LocalObjectStore>> store =
        OpenStoreInTempDir("pg2i-commit-rest", random_, &dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    local_ = std::move(*store);
    store_ = std::make_unique<DeleteRecordingStore>(*local_);
    http_.Answer(200, R"({"defaults":{}})");
    RestCatalogOptions options;
    options.uri = "http://cat:8181";
    Result<std::unique_ptr<RestCatalog>> catalog =
        RestCatalog::Open(options, http_, clock_, random_, log_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    // An existing table without snapshots, so the commit reads nothing back.
    base_ = {kTable, EmptyTestTable(store_->Location("db/t")),
             store_->Location("db/t/metadata/00000-a.metadata.json")};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<Result<TableState>> Replace() {
    DataFile file;
    file.file_path = store_->Location("db/t/data/mine.parquet");
    file.record_count = 7;
    file.file_size_in_bytes = 100;
    TableCommitInput input{base_, {file}, CommitMode::kReplaceAll};
    const RebaseCommit no_rebase = [](size_t, TableCommitInput&) {
      ADD_FAILURE() << "a commit whose outcome was unknown must not be rebuilt and retried";
      return Status::Ok();
    };
    return CommitSnapshotsRetryingConflicts({*store_, *catalog_, random_, clock_}, {input}, 4,
                                            no_rebase, log_);
  }
  // The table as the catalog holds it once the commit that was sent applied.
  ScriptedHttpTransport::Responder TableWithSentSnapshot() {
    return [this](const HttpRequest&) -> Result<HttpResponse> {
      const TableMetadata landed = WithSnapshot(base_.metadata, SentSnapshot(http_));
      return Ok(TableBody(landed, store_->Location("db/t/metadata/00001-b.metadata.json")));
    };
  }
  // Every object the commit wrote is still there.
  void ExpectNothingRemoved() {
    EXPECT_FALSE(store_->put.empty());
    EXPECT_TRUE(store_->deleted.empty()) << *store_->deleted.begin();
    for (const std::string& key : store_->put) EXPECT_TRUE(local_->Head(key).ok()) << key;
  }

  std::string dir_;
  SeededRandom random_{11};
  ManualClock clock_;
  CapturingLogger log_;
  ScriptedHttpTransport http_;
  std::unique_ptr<LocalObjectStore> local_;
  std::unique_ptr<DeleteRecordingStore> store_;
  std::unique_ptr<RestCatalog> catalog_;
  TableState base_;
};

TEST_F(TableCommitRestTest, ARefusedResendOfALostCommitThatLandedIsSuccessAndKeepsItsFiles) {
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, TableBody(base_.metadata, base_.metadata_location));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Respond(TableWithSentSnapshot());
  std::vector<Result<TableState>> results = Replace();
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  const Snapshot* head = results[0]->metadata.CurrentSnapshot();
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->snapshot_id, SentSnapshot(http_).snapshot_id);
  Result<std::string> list_key = store_->KeyForLocation(head->manifest_list);
  ASSERT_TRUE(list_key.ok());
  EXPECT_TRUE(local_->Head(*list_key).ok()) << head->manifest_list;
  ExpectNothingRemoved();
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(TableCommitRestTest, ARefusedResendOfALostCommitThatStaysUnknownKeepsItsFiles) {
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, TableBody(base_.metadata, base_.metadata_location));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, TableBody(base_.metadata, base_.metadata_location));
  std::vector<Result<TableState>> results = Replace();
  EXPECT_EQ(results[0].status().code(), StatusCode::kOutcomeUnknown)
      << results[0].status().ToString();
  ExpectNothingRemoved();
  EXPECT_TRUE(http_.Exhausted());
}

TEST_F(TableCommitRestTest, ALostCommitWhoseReloadFailsKeepsItsFiles) {
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(400, ErrorBody(400, "BadRequestException", "cannot load now"));
  std::vector<Result<TableState>> results = Replace();
  EXPECT_EQ(results[0].status().code(), StatusCode::kOutcomeUnknown)
      << results[0].status().ToString();
  ExpectNothingRemoved();
}

TEST_F(TableCommitRestTest, AProvenConflictAfterALostCommitRemovesItsFiles) {
  const Snapshot theirs = NextTestSnapshot(base_.metadata, 77);
  http_.Fail(Status::Unavailable("Operation timed out"));
  http_.Answer(200, TableBody(base_.metadata, base_.metadata_location));
  http_.Answer(409, ErrorBody(409, "CommitFailedException", "Requirement failed"));
  http_.Answer(200, TableBody(WithSnapshot(base_.metadata, theirs), "file:///x.json"));
  std::vector<Result<TableState>> results =
      CommitSnapshots({*store_, *catalog_, random_, clock_},
                      {TableCommitInput{base_, {}, CommitMode::kReplaceAll}});
  EXPECT_EQ(results[0].status().code(), StatusCode::kConflict) << results[0].status().ToString();
  EXPECT_EQ(store_->deleted, store_->put);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
