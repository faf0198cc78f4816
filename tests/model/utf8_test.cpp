// Tests for the UTF-8 checks: what RFC 3629 calls well-formed, and nothing else.
#include "model/utf8.hpp"

#include <gtest/gtest.h>

namespace baton::model {
namespace {

TEST(Utf8, AcceptsEveryWellFormedLength) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("ascii"));
  EXPECT_TRUE(is_utf8("é€𝄞"));  // 2, 3 and 4 bytes.
  EXPECT_EQ(utf8_char_length("é", 0), 2u);
  EXPECT_EQ(utf8_char_length("€", 0), 3u);
  EXPECT_EQ(utf8_char_length("𝄞", 0), 4u);
}

TEST(Utf8, RefusesWhatIsNotACharacter) {
  EXPECT_FALSE(is_utf8("caf\xe9"));           // Latin-1.
  EXPECT_FALSE(is_utf8("\x80"));              // A continuation byte alone.
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // An overlong '/'.
  EXPECT_FALSE(is_utf8("\xE0\x80\xAF"));      // Another overlong form.
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // A surrogate.
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // Past U+10FFFF.
  EXPECT_FALSE(is_utf8("\xE2\x82"));          // Cut short.
  EXPECT_EQ(utf8_char_length("\xE2\x82", 0), 0u);
}

}  // namespace
}  // namespace baton::model
