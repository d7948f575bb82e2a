// Inputs found by the libFuzzer targets in fuzz/, kept as regression cases. Each one crashed or
// tripped a sanitizer before its fix.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "body_input.hpp"
#include "body_sets.hpp"
#include "ccai/batch.hpp"
#include "ccai/client.hpp"
#include "ccai/error.hpp"
#include "ccai/jwt.hpp"
#include "ccai/retry.hpp"

using namespace ccai;

TEST_CASE("fuzz regression: Retry-After too large for the cast is clamped (fuzz_retry_after)") {
    // UBSan: "8e+19 is outside the range of representable values of type 'long long'".
    const auto huge = parse_retry_after("079999999999991999 ", 0);
    REQUIRE(huge);
    CHECK(huge->count() > 0);
    CHECK(huge->count() <= 365LL * 24 * 3600 * 1000);
    CHECK_FALSE(parse_retry_after("nan", 0));
    CHECK_FALSE(parse_retry_after("-1", 0));
    const auto inf = parse_retry_after("inf", 0);
    CHECK((!inf || inf->count() <= 365LL * 24 * 3600 * 1000));
    const auto far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", 0);
    REQUIRE(far);
    CHECK(far->count() <= 365LL * 24 * 3600 * 1000);
    CHECK(parse_retry_after("120", 0)->count() == 120000);
}

TEST_CASE("fuzz regression: a JWT header whose alg is not a string is rejected not thrown (fuzz_jwt)") {
    // {"alg":2} as the header: json::value("alg", "") threw type_error 302 (the mock verifies client tokens).
    CHECK_FALSE(verify_jwt("eyJhbGciOjJ9.c2lJIUF0Ijo.include", "mock-secret"));
    CHECK_FALSE(verify_jwt(base64url_encode(R"({"alg":null})") + "." + base64url_encode("{}") + ".x", "k"));
    const auto good = mint_jwt(JwtClaims{"s", "cs", 1, 2, std::nullopt}, "k");
    CHECK(verify_jwt(good, "k"));
}

TEST_CASE("fuzz regression: --body with a number too large for a double is invalid input (fuzz_body_input)") {
    // json::parse threw out_of_range 406 ("number overflow"), which read_body did not catch: ccai-cli aborted.
    auto r = cli::read_body(std::string("[1,7e7777777\xb7" "1{\"ana\xd1\x9c\xc3", 19));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::invalid_input);
    auto plain = cli::read_body("{\"n\": 1e999}");
    REQUIRE_FALSE(plain);
    CHECK(plain.error().message.find("--body") != std::string::npos);
}

TEST_CASE("fuzz regression: an error body echoing a token is printed with the token redacted (fuzz_response)") {
    const auto e = error_from_response(
        400, R"({"errors":[{"msg":"invalid token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abc","code":401}]})");
    CHECK_FALSE(looks_like_jwt(error_json(e).dump()));
}

TEST_CASE("fuzz regression: JSON nested 100,000 deep is invalid input, never a stack overflow (body_input, batch_jsonl)") {
    // json::parse does not recurse, but copying and dump() do, once per level: the request's dump() of a
    // body of 100,000 nested '[' overflowed the stack (SIGSEGV).
    const std::string deep(100000, '[');
    auto body = cli::read_body(deep + std::string(100000, ']'));
    REQUIRE_FALSE(body);
    CHECK(body.error().kind == ErrorKind::invalid_input);
    CHECK(body.error().message == "--body: JSON nested deeper than 512 levels at line 1, column 513");
    const auto& untyped = *find_endpoint("queues.update");  // its catalog lists no body field
    auto set = cli::apply_assignments(untyped, nlohmann::json::object(), {{false, "a.b=" + deep}}, false);
    REQUIRE_FALSE(set);
    CHECK(set.error().message == "--set a.b: JSON nested deeper than 512 levels");
    auto set_json = cli::apply_assignments(untyped, nlohmann::json::object(), {{true, "a.b=" + deep}}, false);
    REQUIRE_FALSE(set_json);
    CHECK(set_json.error().message == "--set-json a.b: JSON nested deeper than 512 levels");
    // 512 levels are still JSON, and can be sent.
    auto ok = cli::apply_assignments(untyped, nlohmann::json::object(), {{false, "a=" + std::string(512, '[') + std::string(512, ']')}}, false);
    REQUIRE(ok);
    CHECK_FALSE((*ok)["a"].dump().empty());

    std::istringstream lines(R"({"op":"agents.list","body":)" + deep + "\n" + std::string(2 << 20, '{') + "\n");
    auto input = batch::read_jsonl(lines);
    REQUIRE(input);
    REQUIRE(input->items.size() == 2);
    CHECK(input->items[0].problem->message == "JSON nested deeper than 512 levels");
    CHECK(input->items[1].problem->message == "longer than 1048576 bytes, the most a batch line may hold");
}

TEST_CASE("fuzz regression: a response nested 100,000 deep is an error, never a stack overflow (fuzz_response)") {
    const std::string deep(100000, '[');
    auto parsed = parse_body(deep);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::other);
    CHECK(parsed.error().message == "the response body is JSON nested deeper than 512 levels: refused");
    CHECK(parse_body(std::string(512, '[') + std::string(512, ']')).ok());
    // An error body whose "code" nests deep: error_from_response dumped it.
    const auto e = error_from_response(400, R"({"errors":[{"msg":"m","code":)" + deep + "}]}");
    CHECK(e.kind == ErrorKind::client);
    CHECK(e.message == "HTTP 400");
    CHECK_FALSE(error_json(e).dump().empty());
}
