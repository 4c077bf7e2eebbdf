#include "avro/record_view.h"

#include <gtest/gtest.h>

namespace pg2iceberg::avro {
namespace {

Schema PairRecord(int key_id, int value_id, Kind value) {
  return Schema::Record("k_v", {RequiredField("key", Schema::Primitive(Kind::kInt), key_id),
                                RequiredField("value", Schema::Primitive(value), value_id)});
}

Schema IntMap(Kind value) {
  Schema map = Schema::Array(PairRecord(10, 11, value));
  map.logical_type = "map";
  return map;
}

Schema ExampleSchema() {
  return Schema::Record("r", {RequiredField("id", Schema::Primitive(Kind::kInt), 1),
                              OptionalField("name", Schema::Primitive(Kind::kString), 2),
                              OptionalField("sizes", IntMap(Kind::kLong), 3),
                              RequiredField("flag", Schema::Primitive(Kind::kBoolean), 4)});
}

Datum Pair(int key, int64_t value) { return Datum::Record({Datum::Int(key), Datum::Long(value)}); }

Datum ExampleDatum(Datum name, std::vector<Datum> pairs) {
  return Datum::Record({Datum::Int(5), std::move(name),
                        Datum::Union(1, Datum::Array(std::move(pairs))), Datum::Boolean(true)});
}

TEST(RecordViewTest, ReadsFieldsByIdAndUnwrapsOptionals) {
  const Schema schema = ExampleSchema();
  const Datum datum = ExampleDatum(Datum::Union(1, Datum::String("x")), {Pair(1, 7), Pair(2, 8)});
  auto view = RecordView::Create(schema, datum);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(*view->RequiredLong(1), 5);
  EXPECT_EQ(*view->RequiredString(2), "x");
  EXPECT_TRUE(*view->RequiredBoolean(4));
  EXPECT_EQ(*view->IntToLongMap(3), (std::map<int, int64_t>{{1, 7}, {2, 8}}));
  EXPECT_TRUE(view->HasField(4));
  EXPECT_FALSE(view->HasField(9));
  EXPECT_EQ(*view->OptionalLong(9), std::nullopt);  // absent field
  EXPECT_TRUE(view->IntToBytesMap(9)->empty());
}

TEST(RecordViewTest, NullRequiredFieldIsDataLoss) {
  const Schema schema = ExampleSchema();
  const Datum datum = ExampleDatum(Datum::Union(0, Datum::Null()), {});
  auto view = RecordView::Create(schema, datum);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->RequiredString(2).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->RequiredLong(9).status().code(), StatusCode::kDataLoss);
}

TEST(RecordViewTest, WrongTypesAreDataLoss) {
  const Schema schema = ExampleSchema();
  const Datum datum = ExampleDatum(Datum::Union(1, Datum::String("x")), {Pair(1, 7)});
  auto view = RecordView::Create(schema, datum);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->RequiredLong(2).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->RequiredString(1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->RequiredBoolean(1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->IntToBytesMap(3).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->RequiredRecord(1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(view->OptionalArray(1).status().code(), StatusCode::kDataLoss);
}

TEST(RecordViewTest, RepeatedMapKeyIsDataLoss) {
  const Schema schema = ExampleSchema();
  const Datum datum = ExampleDatum(Datum::Union(1, Datum::String("x")), {Pair(1, 7), Pair(1, 8)});
  auto view = RecordView::Create(schema, datum);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->IntToLongMap(3).status().code(), StatusCode::kDataLoss);
}

TEST(RecordViewTest, NonRecordIsDataLoss) {
  const Schema schema = ExampleSchema();
  EXPECT_EQ(RecordView::Create(schema, Datum::Long(1)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(RecordView::Create(schema, Datum::Record({})).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::avro
