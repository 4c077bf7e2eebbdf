// Logger: where diagnostic lines go. The implementation that stamps wall-clock time lives in
// env/ (it reads the clock); tests use a capturing logger. Thread-safe implementations only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pg2iceberg {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view LogLevelName(LogLevel level);

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Write(LogLevel level, std::string_view message) = 0;
  virtual LogLevel min_level() const = 0;

  void Debug(std::string_view message) { Log(LogLevel::kDebug, message); }
  void Info(std::string_view message) { Log(LogLevel::kInfo, message); }
  void Warn(std::string_view message) { Log(LogLevel::kWarn, message); }
  void Error(std::string_view message) { Log(LogLevel::kError, message); }

  // A live progress display (a terminal): SetProgress replaces the lines shown below the log
  // (none: cleared), redrawn in place. Loggers that are not interactive show nothing; their
  // callers report progress as ordinary lines instead.
  virtual bool ShowsProgress() const { return false; }
  virtual void SetProgress(const std::vector<std::string>& lines) { (void)lines; }

 private:
  void Log(LogLevel level, std::string_view message) {
    if (level >= min_level()) Write(level, message);
  }
};

// Drops every line: for tests and tools that have nothing to report.
class NullLogger final : public Logger {
 public:
  void Write(LogLevel, std::string_view) override {}
  LogLevel min_level() const override { return LogLevel::kError; }
};

}  // namespace pg2iceberg
