#include "materializer/pk_index.h"

#include <gtest/gtest.h>

#include "change/change.h"
#include "materializer/primary_key.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;

change::TableSchema Table() {
  change::TableSchema schema;
  schema.schema_name = "public";
  schema.table_name = "orders";
  schema.columns = {{.name = "id", .type_oid = 23, .key = true}, {.name = "note", .type_oid = 25}};
  return schema;
}

TEST(PrimaryKeyIndexTest, PutFindEraseAndAccountMemory) {
  PrimaryKeyIndex index("public.orders", 1 << 20);
  ASSERT_EQ(index.AddFile("f0").value(), 0u);
  ASSERT_TRUE(index.Put("k1", {0, 3}).ok());
  ASSERT_TRUE(index.Put("k1", {0, 4}).ok());  // moves, costs nothing more
  EXPECT_EQ(index.Find("k1"), (RowLocation{0, 4}));
  EXPECT_EQ(index.size(), 1u);
  const int64_t with_one = index.memory_bytes();
  EXPECT_EQ(index.Erase("k1"), (RowLocation{0, 4}));
  EXPECT_FALSE(index.Find("k1").has_value());
  EXPECT_EQ(index.memory_bytes(), with_one - PrimaryKeyIndex::kEntryOverheadBytes - 2);
}

TEST(PrimaryKeyIndexTest, PastTheBoundIsAnActionableErrorNotAnAllocation) {
  PrimaryKeyIndex index("public.orders", 1000);
  ASSERT_TRUE(index.AddFile("f0").ok());
  Status last = Status::Ok();
  int placed = 0;
  for (int i = 0; i < 1000 && last.ok(); ++i) {
    last = index.Put("key-" + std::to_string(i), {0, i});
    if (last.ok()) ++placed;
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(last.message().find("public.orders"), std::string::npos) << last.message();
  EXPECT_NE(last.message().find("sink.materializer_index_memory"), std::string::npos);
  EXPECT_LE(index.memory_bytes(), 1000);
  EXPECT_EQ(index.size(), static_cast<size_t>(placed));
}

TEST(PrimaryKeyTest, WidenedIntegerKeysAreTheSameKey) {
  change::TableSchema schema = Table();
  std::vector<int> indexes = KeyColumnIndexes(schema, {"id"}).value();
  std::string narrow = KeyOf(schema, {Value::Int32(7), Value::Null()}, indexes).value();
  std::string wide = KeyOf(schema, {Value::Int64(7), Value::Null()}, indexes).value();
  EXPECT_EQ(narrow, wide);
  EXPECT_NE(narrow, KeyOf(schema, {Value::Int64(8), Value::Null()}, indexes).value());
}

TEST(PrimaryKeyTest, NullOrUnsentKeyAndMissingKeyColumnAreErrors) {
  change::TableSchema schema = Table();
  std::vector<int> indexes = KeyColumnIndexes(schema, {"id"}).value();
  Result<std::string> null_key = KeyOf(schema, {Value::Null(), Value::Null()}, indexes);
  EXPECT_EQ(null_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(null_key.status().message().find("\"id\""), std::string::npos);
  EXPECT_FALSE(KeyOf(schema, {Value::UnchangedToast(), Value::Null()}, indexes).ok());
  Result<std::vector<int>> gone = KeyColumnIndexes(schema, {"order_id"});
  EXPECT_EQ(gone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(gone.status().message().find("public.orders"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::materializer
