#include "context.h"

namespace rh::pipeline::stages {

sim::Task<std::uint64_t> OwnUser::Id(clients::GorgiasClient& gorgias) {
  {
    std::lock_guard lock(mu_);
    if (id_) co_return *id_;
  }
  auto user_call = gorgias.FindUserByEmail(email_);
  auto user = co_await std::move(user_call);
  const std::uint64_t id = (user && *user) ? (*user)->id : 0;
  if (id != 0) {
    std::lock_guard lock(mu_);
    id_ = id;
  }
  co_return id;
}

}  // namespace rh::pipeline::stages
