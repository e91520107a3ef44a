#include "sim/task.h"

namespace rh::sim {
namespace {
detail::DetachedTask RunDetached(Task<void> task, std::function<void(std::exception_ptr)> on_error) {
  try {
    co_await std::move(task);
  } catch (...) {
    RH_CHECK(static_cast<bool>(on_error), "an exception escaped a detached task");
    on_error(std::current_exception());
  }
}
}  // namespace

void Detach(Task<void> task, std::function<void(std::exception_ptr)> on_error) {
  RunDetached(std::move(task), std::move(on_error));
}

}  // namespace rh::sim
