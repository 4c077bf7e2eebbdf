#include "env/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "env/system_random.h"

namespace pg2iceberg {
namespace {

// Replays a fixed list of outputs, to drive Uniform's rejection path exactly.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<uint64_t> outputs) : outputs_(std::move(outputs)) {}
  uint64_t Next64() override { return outputs_.at(next_++); }
  size_t used() const { return next_; }

 private:
  std::vector<uint64_t> outputs_;
  size_t next_ = 0;
};

TEST(SeededRandomTest, SameSeedGivesSameSequence) {
  SeededRandom a(42);
  SeededRandom b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next64(), b.Next64());
}

TEST(SeededRandomTest, DifferentSeedsDiverge) {
  SeededRandom a(1);
  SeededRandom b(2);
  int equal = 0;
  for (int i = 0; i < 100; ++i) equal += a.Next64() == b.Next64();
  EXPECT_EQ(equal, 0);
}

TEST(SeededRandomTest, MatchesReferenceXoshiro256StarStarWithSplitMix64Seeding) {
  // Reference values computed independently (Python) from the published algorithms:
  // state = four splitmix64 outputs of seed 0, then xoshiro256** steps.
  SeededRandom random(0);
  EXPECT_EQ(random.Next64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(random.Next64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(random.Next64(), 0x1a5f849d4933e6e0ULL);
}

TEST(RandomTest, UniformStaysBelowBoundAndCoversIt) {
  SeededRandom random(7);
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 6000; ++i) {
    const uint64_t value = random.Uniform(6);
    ASSERT_LT(value, 6u);
    ++counts[value];
  }
  ASSERT_EQ(counts.size(), 6u);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 1000, 150) << value;
}

TEST(RandomTest, UniformRejectsDrawsThatWouldBiasLowValues) {
  // bound 3: 2^64 mod 3 == 1, so a draw of 0 must be rejected and the next one used.
  ScriptedRandom random({0, 5});
  EXPECT_EQ(random.Uniform(3), 5u % 3);
  EXPECT_EQ(random.used(), 2u);
}

TEST(RandomTest, UniformOfOneIsZero) {
  SeededRandom random(3);
  EXPECT_EQ(random.Uniform(1), 0u);
}

TEST(RandomTest, UuidHasVersionFourAndRfcVariant) {
  SeededRandom random(9);
  for (int i = 0; i < 100; ++i) {
    const std::array<uint8_t, 16> uuid = random.UuidV4();
    EXPECT_EQ(uuid[6] >> 4, 4);
    EXPECT_EQ(uuid[8] >> 6, 2);
  }
}

TEST(RandomTest, UuidStringHasCanonicalShape) {
  SeededRandom random(11);
  const std::string text = random.UuidV4String();
  ASSERT_EQ(text.size(), 36u);
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(text[i], '-');
    } else {
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(text[i])) && !std::isupper(text[i]));
    }
  }
  EXPECT_EQ(text[14], '4');
  EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos);
}

TEST(RandomTest, FormatUuidIsLowerCaseHexWithDashes) {
  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<uint8_t>(i * 17);
  EXPECT_EQ(FormatUuid(bytes), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(RandomTest, SeededUuidsAreReproducible) {
  SeededRandom a(5);
  SeededRandom b(5);
  EXPECT_EQ(a.UuidV4String(), b.UuidV4String());
}

TEST(SystemRandomTest, TwoInstancesDiffer) {
  SystemRandom a;
  SystemRandom b;
  EXPECT_NE(a.Next64(), b.Next64());
}

TEST(SystemRandomTest, ConcurrentDrawsAreDistinct) {
  SystemRandom random;
  std::vector<std::vector<uint64_t>> draws(4);
  std::vector<std::thread> threads;
  for (auto& mine : draws) {
    threads.emplace_back([&random, &mine] {
      for (int i = 0; i < 2000; ++i) mine.push_back(random.Next64());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<uint64_t> all;
  for (const auto& mine : draws) all.insert(mine.begin(), mine.end());
  EXPECT_EQ(all.size(), 8000u);
}

TEST(FullJitterBackoffTest, StaysWithinTheDoublingCeilingAndTheCap) {
  SeededRandom random(7);
  for (int retry = 0; retry < 12; ++retry) {
    const int64_t ceiling_us = std::min<int64_t>(int64_t{100} << retry, 2000) * 1000;
    int64_t largest = 0;
    for (int i = 0; i < 200; ++i) {
      const int64_t wait = FullJitterBackoffMicros(random, retry, 100, 2000);
      ASSERT_GE(wait, 0);
      ASSERT_LE(wait, ceiling_us) << "retry " << retry;
      largest = std::max(largest, wait);
    }
    EXPECT_GT(largest, ceiling_us / 2) << "retry " << retry;  // the whole range is used
  }
  EXPECT_LE(FullJitterBackoffMicros(random, 1000, 100, 2000), 2'000'000);  // no overflow
}

}  // namespace
}  // namespace pg2iceberg
