// Fuzz target: the Shopify mock's GraphQL parser on arbitrary documents. A finding is a crash, a
// sanitizer report or a hang (libFuzzer's -timeout).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mocks/shopify/graphql.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const auto document = rh::mocks::shopify::graphql::Parse(source);
  (void)document;
  return 0;
}
