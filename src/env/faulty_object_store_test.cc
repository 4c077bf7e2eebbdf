#include "env/faulty_object_store.h"

#include <gtest/gtest.h>

#include "env/memory_object_store.h"

namespace pg2iceberg {
namespace {

using Fault = ObjectStoreFault;
using Op = ObjectStoreOperation;

std::string Text(const Result<Bytes>& bytes) {
  return bytes.ok() ? std::string(AsStringView(*bytes)) : bytes.status().ToString();
}

ObjectStoreFaultPlan Everywhere(double fail_before, double lose_reply) {
  ObjectStoreFaultPlan plan;
  plan.put = {fail_before, lose_reply};
  plan.delete_objects = {fail_before, lose_reply};
  plan.get = plan.get_range = plan.head = plan.list = {fail_before};
  return plan;
}

// One line per call and per injected fault, for comparing runs.
std::vector<std::string> RunScript(uint64_t seed) {
  MemoryObjectStore inner("sim");
  SeededRandom random(seed);
  std::vector<std::string> trace;
  ObjectStoreFaultPlan plan = Everywhere(0.2, 0.3);
  plan.on_fault = [&trace](const InjectedObjectStoreFault& fault) {
    trace.push_back(std::string(ObjectStoreOperationName(fault.operation)) + " " +
                    std::string(ObjectStoreFaultName(fault.fault)) + " " + fault.key);
  };
  FaultyObjectStore store(inner, random, plan);
  for (int i = 0; i < 200; ++i) {
    const std::string key = "k" + std::to_string(i % 7);
    Status status;
    switch (i % 5) {
      case 0:
        status = store.Put(key, AsBytes("v" + std::to_string(i)), {.if_none_match = i % 2 == 0});
        break;
      case 1:
        status = store.Get(key).status();
        break;
      case 2:
        status = store.Head(key).status();
        break;
      case 3:
        status = store.List("k").status();
        break;
      default:
        status = store.Delete({key});
        break;
    }
    trace.push_back(std::to_string(i) + " " + status.ToString());
  }
  return trace;
}

TEST(FaultyObjectStoreTest, TheSameSeedInjectsTheSameFaults) {
  const std::vector<std::string> first = RunScript(42);
  EXPECT_EQ(RunScript(42), first);
  EXPECT_NE(RunScript(43), first);
  EXPECT_GT(first.size(), 200u);  // some faults were injected
}

TEST(FaultyObjectStoreTest, ALostPutReplyLeavesTheObjectWritten) {
  MemoryObjectStore inner("sim");
  SeededRandom random(1);
  std::vector<InjectedObjectStoreFault> seen;
  ObjectStoreFaultPlan plan;
  plan.put.lose_reply = 1;
  plan.on_fault = [&seen](const InjectedObjectStoreFault& fault) { seen.push_back(fault); };
  FaultyObjectStore store(inner, random, plan);
  const Status put = store.Put("t/v1.json", AsBytes("written"), {.if_none_match = true});
  EXPECT_EQ(put.code(), StatusCode::kUnavailable) << put.ToString();
  EXPECT_EQ(Text(inner.Get("t/v1.json")), "written");
  // The retry a caller makes after the timeout meets its own object.
  EXPECT_EQ(inner.Put("t/v1.json", AsBytes("retry"), {.if_none_match = true}).code(),
            StatusCode::kConflict);
  EXPECT_EQ(store.InjectedCount(Op::kPut, Fault::kReplyLost), 1u);
  EXPECT_EQ(store.InjectedCount(Fault::kFailedBefore), 0u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].operation, Op::kPut);
  EXPECT_EQ(seen[0].fault, Fault::kReplyLost);
  EXPECT_EQ(seen[0].key, "t/v1.json");
}

TEST(FaultyObjectStoreTest, APutThatFailsBeforeLeavesNothing) {
  MemoryObjectStore inner("sim");
  SeededRandom random(1);
  ObjectStoreFaultPlan plan;
  plan.put.fail_before = 1;
  plan.put.lose_reply = 1;  // never reached
  FaultyObjectStore store(inner, random, plan);
  EXPECT_EQ(store.Put("t/a", AsBytes("x"), {}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(inner.Head("t/a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.InjectedCount(Op::kPut, Fault::kFailedBefore), 1u);
  EXPECT_EQ(store.InjectedCount(Fault::kReplyLost), 0u);
}

TEST(FaultyObjectStoreTest, ALostDeleteReplyLeavesTheObjectDeleted) {
  MemoryObjectStore inner("sim");
  ASSERT_TRUE(inner.Put("a", AsBytes("x"), {}).ok());
  ASSERT_TRUE(inner.Put("b", AsBytes("y"), {}).ok());
  SeededRandom random(1);
  ObjectStoreFaultPlan plan;
  plan.delete_objects.lose_reply = 1;
  FaultyObjectStore store(inner, random, plan);
  EXPECT_EQ(store.Delete({"a"}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(inner.Head("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.InjectedCount(Op::kDelete, Fault::kReplyLost), 1u);

  ObjectStoreFaultPlan before;
  before.delete_objects.fail_before = 1;
  FaultyObjectStore failing(inner, random, before);
  EXPECT_EQ(failing.Delete({"b"}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(Text(inner.Get("b")), "y");
}

TEST(FaultyObjectStoreTest, ReadsFailBeforeTheInnerStore) {
  MemoryObjectStore inner("sim");
  ASSERT_TRUE(inner.Put("a", AsBytes("x"), {}).ok());
  SeededRandom random(1);
  FaultyObjectStore store(inner, random, Everywhere(1, 0));
  EXPECT_EQ(store.Get("a").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.GetRange("a", 0, 1).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.Head("a").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.List("").status().code(), StatusCode::kUnavailable);
  for (Op op : {Op::kGet, Op::kGetRange, Op::kHead, Op::kList}) {
    EXPECT_EQ(store.InjectedCount(op, Fault::kFailedBefore), 1u) << ObjectStoreOperationName(op);
  }
  EXPECT_EQ(store.InjectedCount(Fault::kFailedBefore), 4u);
  // Locations are pure: never a fault.
  EXPECT_EQ(*store.KeyForLocation(store.Location("a")), "a");
}

TEST(FaultyObjectStoreTest, AnInnerErrorIsReturnedAndNoReplyIsLost) {
  MemoryObjectStore inner("sim");
  ASSERT_TRUE(inner.Put("a", AsBytes("x"), {}).ok());
  SeededRandom random(1);
  FaultyObjectStore store(inner, random, Everywhere(0, 1));
  EXPECT_EQ(store.Put("a", AsBytes("y"), {.if_none_match = true}).code(), StatusCode::kConflict);
  EXPECT_EQ(store.InjectedCount(Fault::kReplyLost), 0u);
}

TEST(FaultyObjectStoreTest, BadKeysAreRefusedNotTurnedIntoTransientFailures) {
  MemoryObjectStore inner("sim");
  SeededRandom random(1);
  FaultyObjectStore store(inner, random, Everywhere(1, 1));
  EXPECT_EQ(store.Put("/abs", AsBytes("x"), {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Get("a/../b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.GetRange("", 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Head("a//b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.List("../").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Delete({"ok", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.InjectedCount(Fault::kFailedBefore) + store.InjectedCount(Fault::kReplyLost), 0u);
}

TEST(FaultyObjectStoreTest, NoFaultsDrawNothingFromTheRandom) {
  MemoryObjectStore inner("sim");
  SeededRandom random(7);
  FaultyObjectStore store(inner, random, ObjectStoreFaultPlan{});
  ASSERT_TRUE(store.Put("a", AsBytes("x"), {}).ok());
  ASSERT_TRUE(store.Get("a").ok());
  ASSERT_TRUE(store.List("").ok());
  ASSERT_TRUE(store.Delete({"a"}).ok());
  SeededRandom untouched(7);
  EXPECT_EQ(random.Next64(), untouched.Next64());
}

TEST(FaultyObjectStoreTest, FaultsComeAtAboutTheirProbability) {
  MemoryObjectStore inner("sim");
  ASSERT_TRUE(inner.Put("a", AsBytes("x"), {}).ok());
  SeededRandom random(2024);
  ObjectStoreFaultPlan plan;
  plan.get.fail_before = 0.25;
  FaultyObjectStore store(inner, random, plan);
  int failed = 0;
  for (int i = 0; i < 4000; ++i) failed += store.Get("a").ok() ? 0 : 1;
  EXPECT_EQ(store.InjectedCount(Op::kGet, Fault::kFailedBefore), static_cast<uint64_t>(failed));
  EXPECT_GT(failed, 850);
  EXPECT_LT(failed, 1150);
}

}  // namespace
}  // namespace pg2iceberg
