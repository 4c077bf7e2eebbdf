// StderrLogger: the production Logger. One line per message, stamped with the Clock's wall
// time in UTC with milliseconds:
//   text: 2026-11-23T20:00:00.123Z info message       (newlines in the message become "\n")
//   json: {"ts":"2026-11-23T20:00:00.123Z","level":"info","msg":"message"}
// Thread-safe: each line is written and flushed whole under a mutex.
//
// On a terminal (`terminal`, text format) it also shows a progress block below the log:
// SetProgress draws its lines, log lines are written above it, each change redraws it in place
// (ANSI erase-line and cursor-up), and an empty SetProgress removes it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "env/clock.h"

namespace pg2iceberg {

enum class LogFormat { kText, kJson };

// "text" or "json" → the format; anything else → kInvalidArgument.
Result<LogFormat> ParseLogFormat(std::string_view name);

class StderrLogger final : public Logger {
 public:
  // `clock` must outlive the logger. `out` is stderr in production; tests pass a memory stream
  // (the logger does not close it).
  StderrLogger(Clock& clock, LogFormat format, LogLevel min_level, std::FILE* out = stderr,
               bool terminal = false);

  void Write(LogLevel level, std::string_view message) override;
  LogLevel min_level() const override { return min_level_; }
  bool ShowsProgress() const override { return terminal_; }
  void SetProgress(const std::vector<std::string>& lines) override;

 private:
  Clock& clock_;
  const LogFormat format_;
  const LogLevel min_level_;
  std::FILE* const out_;
  const bool terminal_;
  std::mutex mu_;
  std::vector<std::string> progress_;  // the block shown, guarded by mu_
};

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for microseconds since the Unix epoch (negative allowed).
std::string FormatTimestampUtcMillis(int64_t micros_since_epoch);

// One log line, ending in '\n', in the given format.
std::string FormatLogLine(LogFormat format, int64_t micros_since_epoch, LogLevel level,
                          std::string_view message);

// `text` as the body of a JSON string (no quotes): escapes '"', '\\' and control characters,
// and replaces bytes that are not valid UTF-8 with U+FFFD.
std::string JsonEscape(std::string_view text);

}  // namespace pg2iceberg
