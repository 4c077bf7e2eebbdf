#include "env/stderr_logger.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "env/manual_clock.h"

namespace pg2iceberg {
namespace {

// A memory FILE* whose contents can be read back.
class MemoryStream {
 public:
  MemoryStream() : file_(open_memstream(&data_, &size_)) {}
  ~MemoryStream() {
    std::fclose(file_);
    std::free(data_);
  }
  std::FILE* file() { return file_; }
  std::string contents() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

// 2026-11-23T20:00:00.123456Z in microseconds since the epoch.
constexpr int64_t kSampleMicros = 1795464000123456;

TEST(StderrLoggerTest, TimestampIsUtcWithMilliseconds) {
  EXPECT_EQ(FormatTimestampUtcMillis(kSampleMicros), "2026-11-23T20:00:00.123Z");
  EXPECT_EQ(FormatTimestampUtcMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampUtcMillis(951782400000000), "2000-02-29T00:00:00.000Z");
}

TEST(StderrLoggerTest, TimestampBeforeEpochRoundsDown) {
  EXPECT_EQ(FormatTimestampUtcMillis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(StderrLoggerTest, TextLineHasTimestampLevelAndMessage) {
  ManualClock clock(kSampleMicros);
  MemoryStream out;
  StderrLogger logger(clock, LogFormat::kText, LogLevel::kInfo, out.file());
  logger.Info("message");
  logger.Error("broken");
  EXPECT_EQ(out.contents(),
            "2026-11-23T20:00:00.123Z info message\n2026-11-23T20:00:00.123Z error broken\n");
}

TEST(StderrLoggerTest, TextKeepsMultiLineMessagesOnOneLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, 0, LogLevel::kWarn, "a\nb\r"),
            "1970-01-01T00:00:00.000Z warn a\\nb\\r\n");
}

TEST(StderrLoggerTest, JsonLineHasTsLevelAndMsg) {
  ManualClock clock(kSampleMicros);
  MemoryStream out;
  StderrLogger logger(clock, LogFormat::kJson, LogLevel::kDebug, out.file());
  logger.Debug("quote \" backslash \\ tab\t");
  EXPECT_EQ(out.contents(),
            "{\"ts\":\"2026-11-23T20:00:00.123Z\",\"level\":\"debug\","
            "\"msg\":\"quote \\\" backslash \\\\ tab\\t\"}\n");
}

TEST(StderrLoggerTest, JsonEscapesControlCharactersAndRepairsInvalidUtf8) {
  EXPECT_EQ(JsonEscape(std::string("a\x01z", 3)), "a\\u0001z");
  EXPECT_EQ(JsonEscape("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(JsonEscape("bad \xff end"), "bad \xef\xbf\xbd end");
  EXPECT_EQ(JsonEscape("overlong \xc0\xaf"), "overlong \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(JsonEscape("cut \xe2\x82"), "cut \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(JsonEscape("surrogate \xed\xa0\x80"), "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(StderrLoggerTest, MessagesBelowMinLevelAreDropped) {
  ManualClock clock(0);
  MemoryStream out;
  StderrLogger logger(clock, LogFormat::kText, LogLevel::kWarn, out.file());
  logger.Debug("no");
  logger.Info("no");
  logger.Warn("yes");
  EXPECT_EQ(out.contents(), "1970-01-01T00:00:00.000Z warn yes\n");
  EXPECT_EQ(logger.min_level(), LogLevel::kWarn);
}

TEST(StderrLoggerTest, OnATerminalProgressIsABlockBelowTheLogRedrawnInPlace) {
  ManualClock clock(0);
  MemoryStream out;
  StderrLogger logger(clock, LogFormat::kText, LogLevel::kInfo, out.file(), /*terminal=*/true);
  EXPECT_TRUE(logger.ShowsProgress());
  const std::string erase_line = "\x1b[1A\x1b[2K";
  logger.SetProgress({"t1: 10 rows", "t2: 5 rows"});
  logger.Info("line");
  logger.SetProgress({"t1: 20 rows"});
  logger.SetProgress({});
  logger.Info("after");
  EXPECT_EQ(out.contents(), "t1: 10 rows\nt2: 5 rows\n" +
                                // a log line goes above the block, which is drawn again
                                erase_line + erase_line + "1970-01-01T00:00:00.000Z info line\n" +
                                "t1: 10 rows\nt2: 5 rows\n" +
                                // replaced, then removed
                                erase_line + erase_line + "t1: 20 rows\n" + erase_line +
                                "1970-01-01T00:00:00.000Z info after\n");
}

TEST(StderrLoggerTest, ElsewhereOrInJsonNoProgressIsShown) {
  ManualClock clock(0);
  MemoryStream plain;
  StderrLogger not_terminal(clock, LogFormat::kText, LogLevel::kInfo, plain.file());
  EXPECT_FALSE(not_terminal.ShowsProgress());
  not_terminal.SetProgress({"t1: 10 rows"});
  EXPECT_EQ(plain.contents(), "");
  MemoryStream json;
  StderrLogger json_terminal(clock, LogFormat::kJson, LogLevel::kInfo, json.file(), true);
  EXPECT_FALSE(json_terminal.ShowsProgress());
  json_terminal.SetProgress({"t1: 10 rows"});
  EXPECT_EQ(json.contents(), "");
}

TEST(StderrLoggerTest, ConcurrentWritersNeverInterleaveLines) {
  ManualClock clock(0);
  MemoryStream out;
  StderrLogger logger(clock, LogFormat::kText, LogLevel::kInfo, out.file());
  const std::string payload(200, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) logger.Info(payload);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string expected_line = "1970-01-01T00:00:00.000Z info " + payload + "\n";
  const std::string text = out.contents();
  ASSERT_EQ(text.size(), expected_line.size() * 800);
  for (size_t at = 0; at < text.size(); at += expected_line.size()) {
    ASSERT_EQ(text.compare(at, expected_line.size(), expected_line), 0) << "at " << at;
  }
}

TEST(StderrLoggerTest, ParseLogFormatAcceptsTextAndJson) {
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg
