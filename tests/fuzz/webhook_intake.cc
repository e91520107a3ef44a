// Fuzz target: the pipeline's webhook intake (fuzz_input.h's layout). The selector's low bit
// picks Shopify or Gorgias, its second bit whether signatures are checked (off, the body's
// parsing is reached; on, the check itself is). A finding is a crash, a sanitizer report, or a
// status other than the intake's 200, 400, 401, 404 and 405.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "pipeline/webhook_intake.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

class DiscardingSink final : public rh::pipeline::EventSink {
 public:
  rh::pipeline::EventReceipt OnShopify(rh::pipeline::ShopifyEvent, rh::sim::Moment) override {
    return rh::pipeline::EventReceipt::kAccepted;
  }
  rh::pipeline::EventReceipt OnGorgias(rh::pipeline::GorgiasEvent, rh::sim::Moment) override {
    return rh::pipeline::EventReceipt::kAccepted;
  }
};

// With the check off, any signature passes, so the body's parsing is reached.
class TrustingVerifier final : public rh::pipeline::SignatureVerifier {
 public:
  bool Genuine(std::optional<std::string_view>, std::string_view) const override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  DiscardingSink sink;
  std::vector<rh::fuzz::FuzzRequest> requests = rh::fuzz::ParseInput(data, size);
  if (requests.empty()) return 0;
  rh::pipeline::IntakeConfig config;
  config.shopify_api_secret = "shpss_fuzz";
  config.gorgias_hmac_secret = "gorgias-fuzz";
  config.dedupe_capacity = 16;
  const bool verify = (requests.front().selector & 2) != 0;
  rh::pipeline::WebhookIntake intake(config, sink, nullptr,
                                     verify ? nullptr : std::make_shared<const TrustingVerifier>());
  for (rh::fuzz::FuzzRequest& in : requests) {
    rh::sim::Request& r = in.request;
    r.method = (in.flags & 0x40) != 0 ? rh::fuzz::MethodFor(in.flags) : rh::sim::Method::kPost;
    if ((in.flags & 0x20) == 0) {
      const std::string query = r.target.substr(r.target.find('?') == std::string::npos ? r.target.size() : r.target.find('?'));
      r.target = ((in.selector & 1) != 0 ? "/webhooks/gorgias" : "/webhooks/shopify") + query;
    }
    const int status = intake.Handle(r, rh::sim::Moment{}).status;
    if (status != 200 && status != 400 && status != 401 && status != 404 && status != 405) {
      rh::fuzz::Finding("an intake status outside 200, 400, 401, 404, 405");
    }
  }
  return 0;
}
