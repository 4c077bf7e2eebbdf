#include "materializer/schema_follow.h"

#include <gtest/gtest.h>

namespace pg2iceberg::materializer {
namespace {

const iceberg::Type kInt = iceberg::Type::Primitive(iceberg::TypeId::kInt);
const iceberg::Type kString = iceberg::Type::Primitive(iceberg::TypeId::kString);

// A staged description; columns are int unless named in `strings`.
struct Described {
  change::TableSchema schema;
  std::vector<iceberg::Type> types;
};

Described Staged(std::vector<std::string> names, std::vector<std::string> strings = {}) {
  Described out{.schema = {.relid = 16384, .schema_name = "public", .table_name = "t"}};
  for (std::string& name : names) {
    const bool text = std::find(strings.begin(), strings.end(), name) != strings.end();
    out.schema.columns.push_back({.name = name, .type_oid = text ? 25u : 23u});
    out.types.push_back(text ? kString : kInt);
  }
  return out;
}

pg::AttributeState Live(int attnum, std::string name) {
  return {.attnum = attnum, .name = std::move(name), .type_name = "integer"};
}

pg::AttributeState Dropped(int attnum) {
  return {.attnum = attnum,
          .name = "........pg.dropped." + std::to_string(attnum) + "........",
          .dropped = true};
}

Result<std::vector<int>> Resolve(const Described& staged,
                                 const std::vector<MirroredColumn>& current,
                                 const std::vector<pg::AttributeState>& attributes) {
  return ResolveAttnums("public.t", "public.t", staged.schema, staged.types, current, attributes);
}

// The Iceberg table holds id (attnum 1) and b (attnum 2), both int.
const std::vector<MirroredColumn> kCurrent{{1, "id", kInt}, {2, "b", kInt}};

TEST(ResolveAttnumsTest, ARenameKeepsItsAttnum) {
  EXPECT_EQ(Resolve(Staged({"id", "c"}), kCurrent, {Live(1, "id"), Live(2, "c")}).value(),
            (std::vector<int>{1, 2}));
  // Renamed again since (now "d"): attnum 2 is alive, so it was in the description.
  EXPECT_EQ(Resolve(Staged({"id", "c"}), kCurrent, {Live(1, "id"), Live(2, "d")}).value(),
            (std::vector<int>{1, 2}));
  // Renamed, and a column added after it.
  EXPECT_EQ(Resolve(Staged({"id", "c", "x"}), kCurrent, {Live(1, "id"), Live(2, "c"), Live(3, "x")})
                .value(),
            (std::vector<int>{1, 2, 3}));
}

TEST(ResolveAttnumsTest, AddedAndDroppedColumns) {
  EXPECT_EQ(Resolve(Staged({"id", "b", "x"}), kCurrent, {Live(1, "id"), Live(2, "b"), Live(3, "x")})
                .value(),
            (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(Resolve(Staged({"id"}), kCurrent, {Live(1, "id"), Dropped(2)}).value(),
            (std::vector<int>{1}));
  // Dropped and another added under a new name: b's attnum is gone.
  EXPECT_EQ(
      Resolve(Staged({"id", "x"}), kCurrent, {Live(1, "id"), Dropped(2), Live(3, "x")}).value(),
      (std::vector<int>{1, 3}));
}

TEST(ResolveAttnumsTest, LaterChangesOfTheCatalogDoNotMisleadIt) {
  // The description was written after ADD COLUMN x, before b was dropped, x dropped and x
  // added again as text: b is still b, x is the earliest new attnum.
  EXPECT_EQ(Resolve(Staged({"id", "b", "x"}), kCurrent,
                    {Live(1, "id"), Dropped(2), Dropped(3), Live(4, "x")})
                .value(),
            (std::vector<int>{1, 2, 3}));
}

TEST(ResolveAttnumsTest, ADropAndAnAddUnderTheSameNameWithAnotherTypeIsANewColumn) {
  // ALTER TABLE t DROP COLUMN b; ALTER TABLE t ADD COLUMN b text.
  EXPECT_EQ(Resolve(Staged({"id", "b"}, {"b"}), kCurrent, {Live(1, "id"), Dropped(2), Live(3, "b")})
                .value(),
            (std::vector<int>{1, 3}));
  // With the same type the description cannot tell (docs/materializer.md, "Limits"): b is
  // taken as the same column.
  EXPECT_EQ(
      Resolve(Staged({"id", "b"}), kCurrent, {Live(1, "id"), Dropped(2), Live(3, "b")}).value(),
      (std::vector<int>{1, 2}));
}

TEST(ResolveAttnumsTest, WhatNoConsistentMatchExplainsStops) {
  // A new column, but the catalog holds no attnum added since the mirror's columns.
  Result<std::vector<int>> no_new =
      Resolve(Staged({"id", "b", "x"}), kCurrent, {Live(1, "id"), Live(2, "b")});
  EXPECT_EQ(no_new.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(no_new.status().message().find("column \"x\" is new"), std::string::npos);
  EXPECT_NE(no_new.status().message().find("drop the Iceberg table public.t"), std::string::npos);
  // Names swapped: the order of the description's columns contradicts the attnums.
  Result<std::vector<int>> swapped =
      Resolve(Staged({"b", "id"}), kCurrent, {Live(1, "b"), Live(2, "id")});
  EXPECT_EQ(swapped.status().code(), StatusCode::kDataLoss);
  // b is alive, yet the description has no place for it.
  Result<std::vector<int>> missing =
      Resolve(Staged({"id"}), kCurrent, {Live(1, "id"), Live(2, "z")});
  EXPECT_EQ(missing.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(missing.status().message().find("column \"b\" (attnum 2, now \"z\") still exists"),
            std::string::npos);
}

TEST(ResolveAttnumsTest, AColumnAddedWithADefaultStops) {
  pg::AttributeState with_default = Live(3, "x");
  with_default.has_missing = true;
  with_default.has_default = true;
  Result<std::vector<int>> added =
      Resolve(Staged({"id", "b", "x"}), kCurrent, {Live(1, "id"), Live(2, "b"), with_default});
  EXPECT_EQ(added.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(added.status().message().find("column \"x\" was added with a DEFAULT"),
            std::string::npos);
  // A default on a column the mirror already holds is no matter: its rows came as changes.
  pg::AttributeState b = Live(2, "b");
  b.has_default = true;
  EXPECT_TRUE(Resolve(Staged({"id", "b", "y"}), kCurrent, {Live(1, "id"), b, Live(3, "y")}).ok());
}

}  // namespace
}  // namespace pg2iceberg::materializer
