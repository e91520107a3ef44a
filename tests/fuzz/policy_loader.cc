// Fuzz target: the policy loader on arbitrary YAML text (LoadPolicyText). A finding is a crash, a
// sanitizer report or a hang; a refusal with an error is the expected answer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const auto policy = rh::pipeline::LoadPolicyText(yaml, "fuzz-policy.yaml");
  (void)policy;
  return 0;
}
