// What the SDK accepts as UTF-8 text (RFC 3629): the check that keeps such bytes out of JSON.
#include <doctest/doctest.h>

#include "ccai/utf8.hpp"

using namespace ccai;

TEST_CASE("utf8: well-formed text passes; the first bad byte is found") {
    CHECK(!invalid_utf8_at(""));
    CHECK(!invalid_utf8_at("plain ASCII"));
    CHECK(!invalid_utf8_at("Jürgen Schön 日本語 😀 \xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
    CHECK(invalid_utf8_at("J\xFCrgen") == 1);                             // Latin-1
    CHECK(invalid_utf8_at("ab\xC3") == 2);                                // cut short
    CHECK(invalid_utf8_at("\xC0\xAF") == 0);                              // overlong '/'
    CHECK(invalid_utf8_at("\xE0\x80\xAF") == 0);                          // overlong, three bytes
    CHECK(invalid_utf8_at("x\xED\xA0\x80") == 1);                         // a surrogate
    CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0);                      // past U+10FFFF
    CHECK(invalid_utf8_at("\x80") == 0);                                  // a lone continuation byte
    CHECK(invalid_utf8_at(std::string_view("a\0b", 3)) == std::nullopt); // NUL is UTF-8 (JSON escapes it)
    CHECK(utf8_sequence_length("") == 0);
    CHECK(utf8_sequence_length("\xE6\x97\xA5x") == 3);
}
