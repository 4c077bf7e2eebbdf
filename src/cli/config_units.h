// Units in config values: Go-style durations (the existing pg2iceberg is written in Go) and
// byte sizes. Config text is user input: every failure is kInvalidArgument whose message quotes
// the text and says what is wrong with it (the caller prefixes the config key); nothing here
// throws.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg {

// "250ms", "10s", "1m30s", "2h", "1.5s", or a bare number of seconds ("10"). Units: ns, us, µs,
// ms, s, m, h. An error for anything else, or for more than 9e15 ms. Sub-millisecond remainders
// round down.
Result<int64_t> ParseDurationMs(std::string_view text);

// "67108864", "64MiB", "64MB", "512 KiB". Units: B, KB, MB, GB (powers of 1000), KiB, MiB, GiB
// (powers of 1024), case-insensitive. An error for anything else, for a fraction of a byte, or
// for more than 9e18 bytes.
Result<int64_t> ParseSizeBytes(std::string_view text);

}  // namespace pg2iceberg
