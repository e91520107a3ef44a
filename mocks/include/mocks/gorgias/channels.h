// How each Gorgias channel reaches a customer, and what an agent's reply on it needs. Gorgias
// accepts (201) a reply whose channel the ticket cannot use, or which lacks that channel's
// fields, and then never delivers it; the mock reproduces that and tells only the harness why.
// This table is the model: it is ours, written from the public docs, and not confirmed field by
// field by Gorgias. Pure data and pure functions; no state.
//
// | channel                  | reaches the customer          | an agent reply is delivered only when            |
// |--------------------------|-------------------------------|--------------------------------------------------|
// | email                    | an email to source.to         | source.from.address is set and every             |
// |                          |                               | source.to[].address (at least one) is an email   |
// | sms                      | an SMS to a phone number      | source.to[0].address, or else the receiver's      |
// |                          |                               | "phone"/"sms" channel, is a phone number         |
// | whatsapp                 | a WhatsApp message            | as sms, with the customer's "whatsapp" channel   |
// | chat                     | the customer's chat           | the customer has a "chat" channel                |
// | facebook-messenger       | a Messenger conversation      | the customer has a "facebook" channel            |
// | instagram-direct-message | an Instagram DM               | the customer has an "instagram" channel          |
// | twitter-direct-message   | an X/Twitter DM               | the customer has a "twitter" channel             |
// | facebook, facebook-mention, facebook-recommendations, instagram-comment, instagram-ad-comment,   |
// | instagram-mention, twitter, yotpo-review: a public answer in the thread the ticket came from,   |
// | delivered only when the ticket's own channel is that channel                                   |
// | internal-note            | never (agents only, by design; not a failure and not in the outbox) |
// | api, phone, aircall, contact_form, help-center, custom-chat, tiktok-shop: never; no route to a  |
// | customer (form and help-center tickets are answered by email; calls are not messages)          |
//
// On top of the table a reply must use one of the ticket's reply_options: the ticket's own
// channel when anything can be sent on it, every sms/whatsapp/email/chat/DM channel the
// customer's channels open, and internal-note. Anything else is accepted and never delivered.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace rh::mocks::gorgias {

enum class ChannelRoute {
  kToAddress,        // email, sms, whatsapp: an address given in the message
  kCustomerChannel,  // chat and direct messages: a channel the customer already has
  kInThread,         // public comments: only in the thread the ticket came from
  kInternal,         // internal notes: never leave the helpdesk
  kNone,             // valid channel value, but nothing is ever sent on it
};

struct ChannelRule {
  std::string_view channel;
  ChannelRoute route;
  // For kToAddress: "email" or "phone" (what the address must look like). For kCustomerChannel
  // and phone-like channels: the customer channel types that open this channel.
  std::string_view address_kind;
  std::string_view customer_channel_types[2];
};

// Every value of the ticket/message `channel` enum (reference section 5), in that order.
std::span<const ChannelRule> ChannelTable();
// The rule of `channel`, or nullptr when it is not a Gorgias channel at all (a 400).
const ChannelRule* FindChannelRule(std::string_view channel);

// Every value of the message `via` enum.
bool IsKnownVia(std::string_view via);

// Address shapes, as deliverability checks use them. Lenient by design: "+1 555-0100" is a
// phone, "a@b" is an email.
bool LooksLikeEmail(std::string_view address);
bool LooksLikePhone(std::string_view address);

}  // namespace rh::mocks::gorgias
