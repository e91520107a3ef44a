// Cryptographic and encoding primitives that both sides of a webhook need: the mocks sign, the
// pipeline verifies, and the pipeline may not link the mocks, so they live here. HMAC-SHA256
// through OpenSSL; Base64 and hex are our own (small, and deterministic by nature).
#pragma once

#include <string>
#include <string_view>

namespace rh::sim {

// Raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);
// Raw 32-byte SHA-256.
std::string Sha256(std::string_view message);

// Standard alphabet, padded (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);
// Accepts the standard alphabet with or without padding; false on any other character.
bool Base64Decode(std::string_view text, std::string& out);
std::string HexEncode(std::string_view bytes);  // lower case

// Compares in time that depends only on the lengths, for signatures.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rh::sim
