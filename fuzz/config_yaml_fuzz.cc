// The YAML configuration as `pg2iceberg` reads it, with ${VAR} expansion: two variables are
// set (PG_PASSWORD, EMPTY), every other one is unset.
//
// Input: the configuration file's text.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/config_yaml.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const std::string_view text = in.RestText();
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PG_PASSWORD") return "s3cret";
    if (name == "EMPTY") return "";
    return std::nullopt;
  };
  std::vector<std::string> warnings;
  (void)ParseConfigYaml(text, &warnings, lookup);
  warnings.clear();
  (void)ParseConfigYaml(text, &warnings);
  return 0;
}
