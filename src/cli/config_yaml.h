// Reads the pg2iceberg YAML configuration (the shape of the existing pg2iceberg's file, plus
// sink.catalog_type / sink.catalog_name / sink.compression) into a Config.
//
// Errors (kInvalidArgument) name the key path, e.g. "source.postgres.port: expected an
// integer, got \"abc\"". Keys the file has but pg2iceberg does not know are not errors: each is
// reported in `warnings` by its path, so a typo is visible without breaking a config shared
// with other versions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace pg2iceberg {

Result<Config> ParseConfigYaml(std::string_view yaml_text, std::vector<std::string>* warnings);

// Reads and parses the file; a missing or unreadable file is kInvalidArgument naming the path.
Result<Config> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings);

}  // namespace pg2iceberg
