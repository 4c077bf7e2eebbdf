// GroupLock against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO).
#include "stage/group_lock.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "env/libpq_connection.h"
#include "env/real_clock.h"

namespace pg2iceberg::stage {
namespace {

class GroupLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0')
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set";
    conninfo_ = conninfo;
  }
  std::unique_ptr<PgConnection> Connect(const std::string& application = "pg2iceberg-test") {
    auto connection =
        connector_.Connect(PgConnectParams{.application_name = application, .conninfo = conninfo_});
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    return connection.ok() ? std::move(*connection) : nullptr;
  }
  Result<GroupLock> Acquire(PgConnection& connection, const std::string& group,
                            int64_t wait_ms = 0) {
    return GroupLock::Acquire(connection, "lock_test_schema", group,
                              {.wait_ms = wait_ms, .retry_interval_ms = 50}, clock_, log_);
  }

  std::string conninfo_;
  NullLogger log_;
  RealClock clock_;
  LibpqConnector connector_{log_};
};

TEST_F(GroupLockTest, ASecondOwnerIsRefusedWithTheHolderNamed) {
  auto first = Connect("first-owner");
  auto second = Connect();
  ASSERT_TRUE(Acquire(*first, "g1").ok());
  Result<GroupLock> refused = Acquire(*second, "g1");
  ASSERT_EQ(refused.status().code(), StatusCode::kConflict) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("first-owner"), std::string::npos)
      << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("state.group"), std::string::npos)
      << refused.status().ToString();
  EXPECT_TRUE(Acquire(*second, "g2").ok()) << "another group is another lock";
}

TEST_F(GroupLockTest, TheLockGoesWithTheOwnersSession) {
  auto first = Connect();
  ASSERT_TRUE(Acquire(*first, "g3").ok());
  auto second = Connect();
  ASSERT_FALSE(Acquire(*second, "g3").ok());
  first.reset();  // the owner's session ends (as when its process dies)
  EXPECT_TRUE(Acquire(*second, "g3", /*wait_ms=*/10'000).ok());
}

TEST_F(GroupLockTest, AWaitingOwnerTakesOverWhenTheOldOneStops) {
  auto first = Connect();
  ASSERT_TRUE(Acquire(*first, "g4").ok());
  auto second = Connect();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first.reset();
  });
  Result<GroupLock> taken = Acquire(*second, "g4", /*wait_ms=*/20'000);
  stopper.join();
  EXPECT_TRUE(taken.ok()) << taken.status().ToString();
}

TEST_F(GroupLockTest, KeysDifferBySchemaAndGroupAndAreStable) {
  EXPECT_EQ(GroupLockKeyOf("_pg2iceberg", "default").object_key,
            GroupLockKeyOf("_pg2iceberg", "default").object_key);
  EXPECT_NE(GroupLockKeyOf("_pg2iceberg", "a").object_key,
            GroupLockKeyOf("_pg2iceberg", "b").object_key);
  EXPECT_NE(GroupLockKeyOf("a", "bc").object_key, GroupLockKeyOf("ab", "c").object_key);
  EXPECT_EQ(GroupLockKeyOf("x", "y").class_key, 0x70326963);
}

}  // namespace
}  // namespace pg2iceberg::stage
