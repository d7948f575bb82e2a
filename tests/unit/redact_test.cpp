// The secret registry and redaction: every spelling of a secret, short secrets, the JWT shape, JSON values,
// and secure_clear.
#include <doctest/doctest.h>

#include <algorithm>

#include "ccai/config.hpp"
#include "ccai/jwt.hpp"
#include "ccai/redact.hpp"
#include "ccai/request_builder.hpp"

using namespace ccai;

namespace {
// Characters that each spelling writes differently: a quote, a slash, a plus, a space, a percent, a backslash.
const std::string kSecret = R"(K9"vault/pass+word x%&=\Q7)";

bool clean(const std::string& text) { return text.find("vault") == std::string::npos && text.find("word") == std::string::npos; }
}  // namespace

TEST_CASE("a registered secret is masked as is, JSON-escaped and percent-encoded, in any mix") {
    register_secret(kSecret);
    const std::string quoted = nlohmann::json(kSecret).dump();  // "K9\"vault/pass+word x%&=\\Q7"
    const std::string json_escaped = quoted.substr(1, quoted.size() - 2);
    const std::string spellings[] = {
        kSecret,
        json_escaped,
        R"(K9\"vault\/pass+word x%&=\\Q7)",                          // \/ as some servers write it
        R"(K9\u0022vault\u002fpass+word\u0020x%&=\u005cQ7)",         // \u escapes, either case
        url_encode(kSecret),                                         // %22 %2F %2B %20 %25 %26 %3D %5C
        "K9%22vault%2fpass%2bword+x%25%26%3d%5cQ7",                 // lower-case hex, '+' for the space
        "K9%22vault/pass%2Bword x%&=%5CQ7",                          // partly encoded
    };
    for (const auto& s : spellings) {
        CAPTURE(s);
        const auto out = redact("before " + s + " after");
        CHECK(out == "before *** after");
        CHECK(clean(out));
    }
    CHECK(redact("K9\"vault/pass") == "K9\"vault/pass");  // a part alone is not the secret
    CHECK(redact("") == "");
    CHECK(redact("nothing to hide") == "nothing to hide");
}

TEST_CASE("a secret escaped more than once is masked: JSON in JSON, JSON in a URL, a URL encoded twice") {
    register_secret(kSecret);
    const auto unquoted = [](const std::string& quoted) { return quoted.substr(1, quoted.size() - 2); };
    const auto json_once = unquoted(nlohmann::json(kSecret).dump());
    const auto json_twice = unquoted(nlohmann::json(json_once).dump());    // K9\\\"vault ... \\\\Q7
    const auto json_thrice = unquoted(nlohmann::json(json_twice).dump());
    for (const auto& s : {json_twice, json_thrice, url_encode(json_once), url_encode(url_encode(kSecret)),
                          unquoted(nlohmann::json(url_encode(kSecret)).dump()), url_encode(json_twice)}) {
        CAPTURE(s);
        CHECK(redact("<" + s + ">") == "<***>");
    }
    // A server quoting the body it was sent, inside its own JSON error.
    const auto body = nlohmann::json{{"note", kSecret}}.dump();
    const auto error = nlohmann::json{{"msg", "rejected: " + nlohmann::json{{"body", body}}.dump()}};
    CHECK(clean(redact(error["msg"].get<std::string>())));
    CHECK(clean(redact(error.dump())));
}

TEST_CASE("redaction finishes on a megabyte made of escape characters") {
    // Every position is a candidate for a secret of escape characters. The scan is linear; its speed is a
    // benchmark's business, not a timed assertion's (sanitizer builds run several times slower).
    register_secret(kSecret);
    register_secret("\\%%\\%%");
    for (const std::string unit : {"\\", "%25", "\\u005c", "%5C\\\\u0025", "\\\\\\\"%"}) {
        std::string text;
        while (text.size() < (1u << 20)) text += unit;
        CAPTURE(unit);
        CHECK(redact(text).size() <= text.size());
        CHECK(clean(redact(text + kSecret)));
    }
    forget_secrets();
}

TEST_CASE("a secret shorter than kShortSecretLength is masked only where it stands alone") {
    register_secret("pq7");
    CHECK(redact("key pq7 here") == "key *** here");
    CHECK(redact("?k=pq7&x=1") == "?k=***&x=1");
    CHECK(redact(R"({"k":"pq7"})") == R"({"k":"***"})");
    CHECK(redact("k%3Dpq7%26") == "k%3D***%26");  // after an encoded '=' a word starts
    CHECK(redact("apq7 pq7b xpq7x") == "apq7 pq7b xpq7x");
    register_secret("x");
    CHECK(redact("a x in text, box and axe") == "a *** in text, box and axe");
    forget_secrets();  // the registry is the process's: a one-letter secret would mask other tests' words
}

TEST_CASE("a long secret is masked inside words too, and a secret inside a longer one goes with it") {
    register_secret("LongSecretValue-123");
    register_secret("LongSecretValue-123-and-more");
    CHECK(redact("xxLongSecretValue-123yy") == "xx***yy");
    CHECK(redact("[LongSecretValue-123-and-more]") == "[***]");
}

TEST_CASE("JWT-shaped runs are masked; a huge or hostile run is scanned without recursion") {
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::nullopt}, "whatever-secret");
    CHECK(redact("auth " + token + ".") == "auth ***.");
    CHECK(redact("eyJ.x.") == "***");
    CHECK(redact("eyJabc.def") == "eyJabc.def");  // two parts: not a JWT
    CHECK(redact("eyJ..x") == "eyJ..x");          // the middle part may not be empty

    // std::regex recursed once per character of a run and overflowed the stack on ~100 KB; the scan also
    // must not restart at every "eyJ" of a run without dots (quadratic).
    const std::string huge_jwt = "eyJ" + std::string(4 << 20, 'a') + "." + std::string(1 << 20, 'b') + ".c";
    CHECK(redact("<" + huge_jwt + ">") == "<***>");
    std::string hostile;
    for (int i = 0; i < (1 << 18); ++i) hostile += "eyJ";
    CHECK(redact(hostile + ".") == hostile + ".");
    CHECK(looks_like_jwt("x " + token));
    CHECK_FALSE(looks_like_jwt(hostile));
}

TEST_CASE("redact_json masks strings, keys and numbers that spell a secret, at any depth") {
    register_secret(kSecret);
    register_secret("31415926535");
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::nullopt}, "whatever-secret");
    nlohmann::json v = {{"a", kSecret},
                        {kSecret, 1},
                        {"list", {1, "x " + url_encode(kSecret), nlohmann::json{{"t", token}}}},
                        {"pin", 31415926535LL},
                        {"n", 42}};
    const auto out = redact_json(v);
    CHECK(out["a"] == "***");
    CHECK(out.contains("***"));
    CHECK(out["list"][1] == "x ***");
    CHECK(out["list"][2]["t"] == "***");
    CHECK(out["pin"] == "***");
    CHECK(out["n"] == 42);
    CHECK(clean(out.dump()));

    nlohmann::json deep = kSecret;  // 20,000 levels: an explicit stack, not recursion
    for (int i = 0; i < 20000; ++i) deep = nlohmann::json::array({std::move(deep)});
    auto masked = redact_json(std::move(deep));
    const nlohmann::json* at = &masked;
    while (at->is_array()) at = &(*at)[0];
    CHECK(*at == "***");
}

TEST_CASE("Config registers its secret settings; config values are masked in output") {
    Config c;
    c.set("client_secret", "Cfg-Registered-Secret-9", "test");
    c.set("token", "tok-Registered-Token-8", "test");
    CHECK(redact("x Cfg-Registered-Secret-9 y tok-Registered-Token-8") == "x *** y ***");
    c.set("jwt_sub", "Not-A-Secret-Value-7", "test");
    CHECK(redact("Not-A-Secret-Value-7") == "Not-A-Secret-Value-7");
}

TEST_CASE("forget_secrets empties the registry") {
    register_secret("Forgettable-Secret-5");
    CHECK(redact("Forgettable-Secret-5") == "***");
    forget_secrets();
    CHECK(redact("Forgettable-Secret-5") == "Forgettable-Secret-5");
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::nullopt}, "whatever-secret");
    CHECK(redact(token) == "***");  // the JWT shape needs no registry
}

TEST_CASE("secure_clear overwrites the whole buffer, also past the current value") {
    std::string s(200, 'S');
    s = "short now";  // the bytes after it still hold the old value
    const char* buffer = s.data();
    const auto capacity = s.capacity();
    REQUIRE(capacity >= 200);
    secure_clear(s);
    CHECK(s.empty());
    CHECK(s.data() == buffer);  // the same allocation, now zeros
    CHECK(std::all_of(buffer, buffer + capacity, [](char c) { return c == '\0'; }));

    std::string small = "tiny";  // in the string object itself (small-string buffer)
    const char* inline_buffer = small.data();
    const auto inline_capacity = small.capacity();
    secure_clear(small);
    CHECK(std::all_of(inline_buffer, inline_buffer + inline_capacity, [](char c) { return c == '\0'; }));
}

TEST_CASE("needs_redaction says whether redact_json would change a value") {
    register_secret(kSecret);
    CHECK_FALSE(needs_redaction(nlohmann::json{{"a", "plain"}, {"b", {1, 2, "x"}}}));
    CHECK(needs_redaction(nlohmann::json{{"a", {1, {{"deep", "x " + url_encode(kSecret)}}}}}));
    CHECK(needs_redaction(nlohmann::json{{kSecret, 1}}));
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::nullopt}, "whatever-secret");
    CHECK(needs_redaction(nlohmann::json::array({token})));
}
