#include "mirror/verify_overlay.h"

#include <gtest/gtest.h>

#include <memory>

#include "materializer/primary_key.h"

namespace pg2iceberg {
namespace {

using change::ChangeKind;
using change::OldRow;
using change::Value;

// The compared columns: id (key), name, doc.
change::TableSchema Compared() {
  return change::TableSchema{
      .schema_name = "public",
      .table_name = "t",
      .columns = {{.name = "id", .key = true}, {.name = "name"}, {.name = "doc"}}};
}

// The staged schema lists the same columns in another order.
std::shared_ptr<const change::TableSchema> Staged() {
  return std::make_shared<const change::TableSchema>(change::TableSchema{
      .schema_name = "public",
      .table_name = "t",
      .columns = {{.name = "doc"}, {.name = "id", .key = true}, {.name = "name"}}});
}

change::RowChange Change(ChangeKind kind, change::Row new_row, change::Row old_row = {},
                         OldRow old_kind = OldRow::kNone) {
  return change::RowChange{.kind = kind,
                           .table = Staged(),
                           .old_kind = old_kind,
                           .old_row = std::move(old_row),
                           .new_row = std::move(new_row)};
}

class OverlayTest : public ::testing::Test {
 protected:
  OverlayTest()
      : schema_(Compared()), builder_(schema_, keys_, [this](const std::string& key) {
          ++base_reads_;
          auto it = base_.find(key);
          return Result<std::optional<change::Row>>(
              it == base_.end() ? std::nullopt : std::optional<change::Row>(it->second));
        }) {}

  std::string Key(int32_t id) {
    return materializer::KeyOf(schema_, {Value::Int32(id), Value::Null(), Value::Null()}, keys_)
        .value();
  }

  change::TableSchema schema_;
  std::vector<int> keys_ = {0};
  std::map<std::string, change::Row> base_;
  int base_reads_ = 0;
  OverlayBuilder builder_;
};

TEST_F(OverlayTest, InsertsUpdatesAndDeletesLeaveTheLastRowPerKey) {
  ASSERT_TRUE(builder_
                  .Apply(Change(ChangeKind::kInsert,
                                {Value::String("d1"), Value::Int32(1), Value::String("a")}))
                  .ok());
  ASSERT_TRUE(builder_
                  .Apply(Change(ChangeKind::kUpdate,
                                {Value::String("d2"), Value::Int32(1), Value::String("b")}))
                  .ok());
  ASSERT_TRUE(
      builder_
          .Apply(Change(ChangeKind::kInsert, {Value::Null(), Value::Int32(2), Value::String("c")}))
          .ok());
  ASSERT_TRUE(builder_
                  .Apply(Change(ChangeKind::kDelete, {},
                                {Value::Null(), Value::Int32(2), Value::Null()}, OldRow::kKey))
                  .ok());
  Overlay overlay = builder_.Take();
  EXPECT_FALSE(overlay.truncated);
  ASSERT_EQ(overlay.rows.size(), 2u);
  EXPECT_EQ(overlay.rows[Key(1)],
            (change::Row{Value::Int32(1), Value::String("b"), Value::String("d2")}));
  EXPECT_FALSE(overlay.rows[Key(2)].has_value());
  EXPECT_EQ(base_reads_, 0);
}

TEST_F(OverlayTest, AnUnchangedToastValueComesFromTheEarlierRowOrTheSnapshot) {
  base_[Key(1)] = {Value::Int32(1), Value::String("old"), Value::String("big")};
  ASSERT_TRUE(builder_
                  .Apply(Change(ChangeKind::kUpdate,
                                {Value::UnchangedToast(), Value::Int32(1), Value::String("new")}))
                  .ok());
  // A key change carries the value over from the old key's row.
  ASSERT_TRUE(builder_
                  .Apply(Change(ChangeKind::kUpdate,
                                {Value::UnchangedToast(), Value::Int32(5), Value::String("moved")},
                                {Value::Null(), Value::Int32(1), Value::Null()}, OldRow::kKey))
                  .ok());
  Overlay overlay = builder_.Take();
  EXPECT_EQ(base_reads_, 1);
  EXPECT_FALSE(overlay.rows[Key(1)].has_value());
  EXPECT_EQ(overlay.rows[Key(5)],
            (change::Row{Value::Int32(5), Value::String("moved"), Value::String("big")}));
}

TEST_F(OverlayTest, AnUnchangedToastValueWithNoEarlierRowIsDataLossNamingKeyAndColumn) {
  Status status = builder_.Apply(
      Change(ChangeKind::kUpdate, {Value::UnchangedToast(), Value::Int32(9), Value::String("x")}));
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("id=9"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("\"doc\""), std::string::npos) << status.message();
}

TEST_F(OverlayTest, TruncateRemovesEverythingBeforeIt) {
  base_[Key(1)] = {Value::Int32(1), Value::String("old"), Value::String("big")};
  ASSERT_TRUE(
      builder_
          .Apply(Change(ChangeKind::kInsert, {Value::Null(), Value::Int32(2), Value::String("c")}))
          .ok());
  ASSERT_TRUE(
      builder_.Apply(change::RowChange{.kind = ChangeKind::kTruncate, .table = Staged()}).ok());
  ASSERT_TRUE(
      builder_
          .Apply(Change(ChangeKind::kInsert, {Value::Null(), Value::Int32(3), Value::String("d")}))
          .ok());
  // After the truncate the snapshot's row is gone: an unchanged TOAST value cannot come from it.
  EXPECT_EQ(builder_
                .Apply(Change(ChangeKind::kUpdate,
                              {Value::UnchangedToast(), Value::Int32(1), Value::String("x")}))
                .code(),
            StatusCode::kDataLoss);
  Overlay overlay = builder_.Take();
  EXPECT_TRUE(overlay.truncated);
  EXPECT_EQ(overlay.rows.size(), 1u);
  EXPECT_TRUE(overlay.rows[Key(3)].has_value());
}

}  // namespace
}  // namespace pg2iceberg
