// Fuzz target: the Klaviyo mock's filter parser (`equals(email,"a@b.c")`, `and(...)`, ...). A
// finding is a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mocks/klaviyo/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto filter = rh::mocks::klaviyo::ParseFilter(text);
  (void)filter;
  return 0;
}
