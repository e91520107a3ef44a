// Goal: HMAC-SHA256 and Base64 agree with published test vectors, so signatures the mocks make
// are the ones real receivers compute.
#include "sim/crypto.h"

#include <gtest/gtest.h>

namespace rh::sim {
namespace {

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Sha256, MatchesTheEmptyStringVector) {
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Base64, EncodesRfc4648VectorsAndDecodesThemBack) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(Base64Encode(plain[i]), coded[i]);
    std::string back;
    ASSERT_TRUE(Base64Decode(coded[i], back));
    EXPECT_EQ(back, plain[i]);
  }
  std::string out;
  EXPECT_FALSE(Base64Decode("Zm9v!", out));
}

TEST(Base64, ShopifySignatureIs44Characters) {
  EXPECT_EQ(Base64Encode(HmacSha256("secret", R"({"id":1})")).size(), 44u);
}

TEST(ConstantTimeEquals, ComparesExactly) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace rh::sim
