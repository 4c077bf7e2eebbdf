#include "env/stderr_logger.h"

#include <chrono>
#include <cstdio>

namespace pg2iceberg {
namespace {

// Floor division, so times before the epoch land in the right second.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min_code_point = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min_code_point = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min_code_point = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min_code_point = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  uint32_t code_point = lead & (0x7f >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3f);
  }
  const bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  if (code_point < min_code_point || code_point > 0x10ffff || surrogate) return 0;
  return length;
}

void AppendJsonEscapedAscii(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  if (c < 0x20 || c == 0x7f) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
    out += buffer;
    return;
  }
  out.push_back(static_cast<char>(c));
}

std::string TextEscape(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::InvalidArgument("unknown log format \"" + std::string(name) +
                                 "\" (expected \"text\" or \"json\")");
}

std::string FormatTimestampUtcMillis(int64_t micros_since_epoch) {
  using namespace std::chrono;
  const int64_t millis = FloorDiv(micros_since_epoch, 1000);
  const int64_t seconds = FloorDiv(millis, 1000);
  const int64_t days = FloorDiv(seconds, 86400);
  const int64_t second_of_day = seconds - days * 86400;
  const year_month_day date{sys_days{std::chrono::days{days}}};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60),
                static_cast<int>(millis - seconds * 1000));
  return buffer;
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      AppendJsonEscapedAscii(c, out);
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string FormatLogLine(LogFormat format, int64_t micros_since_epoch, LogLevel level,
                          std::string_view message) {
  const std::string timestamp = FormatTimestampUtcMillis(micros_since_epoch);
  const std::string level_name(LogLevelName(level));
  if (format == LogFormat::kJson) {
    return "{\"ts\":\"" + timestamp + "\",\"level\":\"" + level_name + "\",\"msg\":\"" +
           JsonEscape(message) + "\"}\n";
  }
  return timestamp + " " + level_name + " " + TextEscape(message) + "\n";
}

StderrLogger::StderrLogger(Clock& clock, LogFormat format, LogLevel min_level, std::FILE* out,
                           bool terminal)
    : clock_(clock),
      format_(format),
      min_level_(min_level),
      out_(out),
      terminal_(terminal && format == LogFormat::kText) {}

namespace {

// Erases `lines` lines drawn last, leaving the cursor where the first of them began.
std::string EraseBlock(size_t lines) {
  std::string out;
  for (size_t i = 0; i < lines; ++i) out += "\x1b[1A\x1b[2K";
  return out;
}

std::string DrawBlock(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace

void StderrLogger::Write(LogLevel level, std::string_view message) {
  if (level < min_level_) return;
  // The clock is read under the lock: lines come out in time order, and a fake clock that is
  // not thread-safe is still only touched by one writer at a time.
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = FormatLogLine(format_, clock_.NowMicros(), level, message);
  if (!progress_.empty()) line = EraseBlock(progress_.size()) + line + DrawBlock(progress_);
  // A failed write to stderr has nowhere better to be reported; the line is dropped.
  (void)std::fwrite(line.data(), 1, line.size(), out_);
  (void)std::fflush(out_);
}

void StderrLogger::SetProgress(const std::vector<std::string>& lines) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string text = EraseBlock(progress_.size()) + DrawBlock(lines);
  progress_ = lines;
  (void)std::fwrite(text.data(), 1, text.size(), out_);
  (void)std::fflush(out_);
}

}  // namespace pg2iceberg
