// The channel table of channels.h. Pure data.
#include "mocks/gorgias/channels.h"

#include <algorithm>
#include <array>

namespace rh::mocks::gorgias {

namespace {

constexpr std::array<ChannelRule, 23> kTable = {{
    {"aircall", ChannelRoute::kNone, "", {}},
    {"api", ChannelRoute::kNone, "", {}},
    {"chat", ChannelRoute::kCustomerChannel, "", {"chat", ""}},
    {"contact_form", ChannelRoute::kNone, "", {}},
    {"email", ChannelRoute::kToAddress, "email", {"email", ""}},
    {"facebook", ChannelRoute::kInThread, "", {}},
    {"facebook-mention", ChannelRoute::kInThread, "", {}},
    {"facebook-messenger", ChannelRoute::kCustomerChannel, "", {"facebook", ""}},
    {"facebook-recommendations", ChannelRoute::kInThread, "", {}},
    {"help-center", ChannelRoute::kNone, "", {}},
    {"instagram-ad-comment", ChannelRoute::kInThread, "", {}},
    {"instagram-comment", ChannelRoute::kInThread, "", {}},
    {"instagram-direct-message", ChannelRoute::kCustomerChannel, "", {"instagram", ""}},
    {"instagram-mention", ChannelRoute::kInThread, "", {}},
    {"internal-note", ChannelRoute::kInternal, "", {}},
    {"phone", ChannelRoute::kNone, "", {}},
    {"sms", ChannelRoute::kToAddress, "phone", {"phone", "sms"}},
    {"twitter", ChannelRoute::kInThread, "", {}},
    {"twitter-direct-message", ChannelRoute::kCustomerChannel, "", {"twitter", ""}},
    {"whatsapp", ChannelRoute::kToAddress, "phone", {"whatsapp", ""}},
    {"yotpo-review", ChannelRoute::kInThread, "", {}},
    // Known to Gorgias's web app, not to the public enum; accepted, never sent.
    {"custom-chat", ChannelRoute::kNone, "", {}},
    {"tiktok-shop", ChannelRoute::kNone, "", {}},
}};

constexpr std::array<std::string_view, 34> kVia = {
    "aircall",       "api",          "chat",          "contact_form",
    "email",         "facebook",     "facebook-mention", "facebook-messenger",
    "facebook-recommendations", "form", "gorgias_chat", "help-center",
    "helpdesk",      "instagram",    "instagram-ad-comment", "instagram-comment",
    "instagram-direct-message", "instagram-mention", "internal-note", "offline_capture",
    "phone",         "rule",         "self_service",  "shopify",
    "sms",           "twilio",       "twitter",       "twitter-direct-message",
    "whatsapp",      "yotpo",        "yotpo-review",  "zendesk",
    "custom-chat",   "tiktok-shop",
};

}  // namespace

std::span<const ChannelRule> ChannelTable() { return kTable; }

const ChannelRule* FindChannelRule(std::string_view channel) {
  for (const ChannelRule& rule : kTable) {
    if (rule.channel == channel) return &rule;
  }
  return nullptr;
}

bool IsKnownVia(std::string_view via) { return std::find(kVia.begin(), kVia.end(), via) != kVia.end(); }

bool LooksLikeEmail(std::string_view address) {
  const auto at = address.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find(' ') == std::string_view::npos;
}

bool LooksLikePhone(std::string_view address) {
  int digits = 0;
  for (char c : address) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 7;
}

}  // namespace rh::mocks::gorgias
