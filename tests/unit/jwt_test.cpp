#include <doctest/doctest.h>

#include "ccai/jwt.hpp"

using namespace ccai;

TEST_CASE("base64url round-trips and rejects foreign characters") {
    for (const std::string& s : {std::string(), std::string("f"), std::string("fo"), std::string("foo"), std::string("foob"),
                                std::string("fooba"), std::string("foobar"), std::string("\xff\xfe\x00\x01", 4)})
        CHECK(base64url_decode(base64url_encode(s)) == s);
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK_FALSE(base64url_decode("ab+c").has_value());
    CHECK_FALSE(base64url_decode("a").has_value());
}

TEST_CASE("mint_jwt matches an independently computed HS256 vector") {
    // Vector computed with Python's hmac/hashlib over the same header and payload bytes:
    //   header  {"alg":"HS256","typ":"JWT"}
    //   payload {"appId":"cs-123","exp":1700003600,"iat":1700000000,"sub":"ccai-cli"}  (nlohmann sorts keys)
    //   secret  "s3cr3t"
    const auto token = mint_jwt(JwtClaims{"ccai-cli", "cs-123", 1700000000, 1700003600, std::nullopt}, "s3cr3t");
    CHECK(token ==
          "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
          "eyJhcHBJZCI6ImNzLTEyMyIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJzdWIiOiJjY2FpLWNsaSJ9."
          "NlqbyhrAUlfKFcO84Tb5cTOWVlRiAOhzCp-xl4LroXY");
}

TEST_CASE("mint_jwt signs with block-sized and longer secrets like Python's hmac") {
    // HMAC pads a 64-byte key and hashes a longer one first; same claims as above, Python vectors.
    const JwtClaims claims{"ccai-cli", "cs-123", 1700000000, 1700003600, std::nullopt};
    const auto sig = [&](const std::string& secret) {
        const auto token = mint_jwt(claims, secret);
        return token.substr(token.rfind('.') + 1);
    };
    CHECK(sig(std::string(64, 'k')) == "ZW-rJeoTVWJpPVx9GuYF3P8Tzrgcaj4p2RmFsXpVIFY");
    CHECK(sig(std::string(65, 'k')) == "KwJKKsRiuByCAe0Zsb1eOOxfv26Dl3hIGEMwFUm_2bc");
}

TEST_CASE("verify_jwt accepts its own tokens and rejects forgeries") {
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::string("j-1")}, "secret");
    const auto payload = verify_jwt(token, "secret");
    REQUIRE(payload.has_value());
    CHECK((*payload)["appId"] == "cs-1");
    CHECK((*payload)["jti"] == "j-1");
    CHECK_FALSE(verify_jwt(token, "other-secret").has_value());
    auto tampered = token;
    tampered[tampered.find('.') + 3] ^= 1;
    CHECK_FALSE(verify_jwt(tampered, "secret").has_value());
    CHECK_FALSE(verify_jwt("not.a.jwt", "secret").has_value());
    CHECK_FALSE(verify_jwt("", "secret").has_value());
}

TEST_CASE("JWT-shaped text is redacted") {
    const auto token = mint_jwt(JwtClaims{"u", "cs-1", 1, 2, std::nullopt}, "secret");
    CHECK(looks_like_jwt("auth: " + token));
    CHECK_FALSE(looks_like_jwt("nothing here"));
    CHECK(redact_jwts("a " + token + " b") == "a *** b");
}
