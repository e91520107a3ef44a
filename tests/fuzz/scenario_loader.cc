// Fuzz target: the scenario loader on arbitrary YAML text (LoadScenarioText; a `policy:` path
// resolves against a folder that does not exist, so nothing is read from disk). A finding is a
// crash, a sanitizer report or a hang; a refusal with an error is the expected answer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const auto scenario = rh::harness::LoadScenarioText(yaml, "fuzz.yaml", "/nonexistent-fuzz-dir");
  (void)scenario;
  return 0;
}
