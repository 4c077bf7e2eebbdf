// Units in config values: Go-style durations (the existing pg2iceberg is written in Go) and
// byte sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pg2iceberg {

// "250ms", "10s", "1m30s", "2h", "1.5s", or a bare number of seconds ("10"). Units: ns, us, µs,
// ms, s, m, h. nullopt for anything else, or on overflow. Sub-millisecond remainders round down.
std::optional<int64_t> ParseDurationMs(std::string_view text);

// "67108864", "64MiB", "64MB", "512 KiB". Units: B, KB, MB, GB (powers of 1000), KiB, MiB, GiB
// (powers of 1024), case-insensitive. nullopt for anything else, or on overflow.
std::optional<int64_t> ParseSizeBytes(std::string_view text);

}  // namespace pg2iceberg
