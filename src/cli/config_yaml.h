// Reads the pg2iceberg YAML configuration (the shape of the existing pg2iceberg's file, plus
// sink.catalog_type / sink.catalog_name / sink.compression) into a Config.
//
// Errors (kInvalidArgument) name the key path, e.g. "source.postgres.port: expected an
// integer, got \"abc\"". Keys the file has but pg2iceberg does not know are not errors: each is
// reported in `warnings` by its path, so a typo is visible without breaking a config shared
// with other versions.
//
// Secrets need not be written in the file: any value may name environment variables
// (`password: ${PG_PASSWORD}`), and source.postgres.password_file reads the password from a
// file (docs/configuration.md, "Secrets").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace pg2iceberg {

// The value of an environment variable; nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

// With `lookup`, every ${NAME} in a value is replaced by the variable's value before the value
// is read ("$${" is a literal "${"); an unset variable is kInvalidArgument naming the key and
// the variable. Without it, values are taken as written.
Result<Config> ParseConfigYaml(std::string_view yaml_text, std::vector<std::string>* warnings,
                               const VariableLookup& lookup = nullptr);

// Reads and parses the file; a missing or unreadable file is kInvalidArgument naming the path.
Result<Config> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings,
                              const VariableLookup& lookup = nullptr);

}  // namespace pg2iceberg
