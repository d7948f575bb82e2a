// Body paths (ccai/body_path.hpp): the syntax --set, --set-json and batch --map share, and what setting a
// value at one builds.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ccai/body_path.hpp"

using namespace ccai;
using nlohmann::json;
using Kind = BodyPathStep::Kind;

namespace {

// Sets each "path=JSON" in turn on an empty object; the first failure's message, or the body.
struct Built {
    json body = json::object();
    std::string error;
};

Built build(std::initializer_list<std::pair<std::string, json>> sets) {
    Built b;
    for (const auto& [path, value] : sets) {
        auto steps = parse_body_path(path);
        if (!steps) return b.error = steps.error().message, b;
        auto set = set_body_path(b.body, *steps, path, value);
        if (!set) return b.error = set.error().message, b;
    }
    return b;
}

std::string parse_error(std::string_view path) {
    auto steps = parse_body_path(path);
    REQUIRE_FALSE(steps);
    CHECK(steps.error().kind == ErrorKind::invalid_input);
    return steps.error().message;
}

}  // namespace

TEST_CASE("body path: each form parses into its steps") {
    auto steps = parse_body_path("a.b[0][].c[-1].d\\.e");
    REQUIRE(steps);
    REQUIRE(steps->size() == 7);
    CHECK((*steps)[0].kind == Kind::key);
    CHECK((*steps)[0].key == "a");
    CHECK((*steps)[1].key == "b");
    CHECK((*steps)[2].kind == Kind::index);
    CHECK((*steps)[2].index == 0);
    CHECK((*steps)[3].kind == Kind::append);
    CHECK((*steps)[4].key == "c");
    CHECK((*steps)[5].kind == Kind::last);
    CHECK((*steps)[6].key == "d.e");
    // Each step knows where it ends in the text, for messages that name a prefix of the path.
    CHECK((*steps)[1].end == 3);
    CHECK((*steps)[3].end == 8);
    CHECK(body_path_catalog_name(*steps) == "a.b[][].c[].d.e");
    auto escaped = parse_body_path("x\\[1\\]\\=\\\\");
    REQUIRE(escaped);
    CHECK(escaped->at(0).key == "x[1]=\\");
}

TEST_CASE("body path: what setting builds") {
    CHECK(build({{"a.b", 1}}).body == json{{"a", {{"b", 1}}}});
    CHECK(build({{"a[0].b", "x"}}).body == json{{"a", {{{"b", "x"}}}}});
    CHECK(build({{"a[].b", 1}, {"a[-1].c", 2}}).body == json{{"a", {{{"b", 1}, {"c", 2}}}}});
    CHECK(build({{"a[].b", 1}, {"a[].b", 2}}).body == json{{"a", {{{"b", 1}}, {{"b", 2}}}}});
    CHECK(build({{"t[]", "x"}, {"t[]", "y"}, {"t[0]", "z"}}).body == json{{"t", {"z", "y"}}});
    CHECK(build({{"a\\.b", 1}}).body == json{{"a.b", 1}});
    CHECK(build({{"m[0][0]", true}, {"m[0][1]", false}}).body == json{{"m", {{true, false}}}});
    CHECK(build({{"a/b~c", 1}}).body == json{{"a/b~c", 1}});
}

TEST_CASE("body path: the place a value went, and whether it replaced one") {
    json body = {{"name", "old"}, {"list", {1}}};
    const auto set = [&](std::string_view path) {
        auto steps = parse_body_path(path);
        REQUIRE(steps);
        auto r = set_body_path(body, *steps, path, 0);
        REQUIRE(r);
        return *r;
    };
    CHECK(set("name").replaced);
    CHECK_FALSE(set("fresh").replaced);
    const auto appended = set("list[]");
    CHECK(appended.where.to_string() == "/list/1");
    CHECK_FALSE(appended.replaced);
    const auto last = set("list[-1]");
    CHECK(last.where.to_string() == "/list/1");
    CHECK(last.replaced);
    CHECK(set("a/b").where.to_string() == "/a~1b");
}

TEST_CASE("body path: malformed paths are refused with what is wrong") {
    CHECK(parse_error("").find("empty") != std::string::npos);
    CHECK(parse_error("a[").find("'[' without its ']'") != std::string::npos);
    CHECK(parse_error("a[x]").find("[x] is not an index") != std::string::npos);
    CHECK(parse_error("a[ 1]").find("is not an index") != std::string::npos);
    CHECK(parse_error("a[-2]").find("only [-1]") != std::string::npos);
    CHECK(parse_error("a..b").find("empty field name") != std::string::npos);
    CHECK(parse_error(".a").find("empty field name") != std::string::npos);
    CHECK(parse_error("a.").find("empty field name") != std::string::npos);
    CHECK(parse_error("[0]").find("starts with a field name") != std::string::npos);
    CHECK(parse_error("a.[0]").find("a field name must follow '.'") != std::string::npos);
    CHECK(parse_error("a]").find("']' without its '['") != std::string::npos);
    CHECK(parse_error("a[0]b").find("expected '.' or '['") != std::string::npos);
    CHECK(parse_error("a\\").find("a backslash escapes only") != std::string::npos);
    CHECK(parse_error("a\\b").find("a backslash escapes only") != std::string::npos);
    CHECK(parse_error("a[99999999999]").find("beyond any list") != std::string::npos);
    CHECK(parse_error("a[184467440737095516160]").find("beyond any list") != std::string::npos);
    auto nul = parse_body_path(std::string("a\0b", 3));  // JSON allows a NUL in a key: no special case, no crash
    REQUIRE(nul);
    CHECK(nul->at(0).key.size() == 3);
    // Deep paths: bounded, and the message shows only the start of a long one.
    std::string deep = "a";
    for (int i = 0; i < 40; ++i) deep += ".a";
    CHECK(parse_error(deep).find("more than 32 steps") != std::string::npos);
    std::string brackets = "a";
    for (int i = 0; i < 100000; ++i) brackets += "[0]";
    CHECK(parse_error(brackets).size() < 200);
    std::string ok = "a";
    for (int i = 1; i < 32; ++i) ok += ".a";
    CHECK(parse_body_path(ok));
}

TEST_CASE("body path: indexes past the end and clashes with what is there are refused, nothing allocated") {
    CHECK(build({{"a[1]", 1}}).error == "body path 'a[1]': index [1] is beyond the end of 'a' (0 elements: use [0] or [] to add one)");
    CHECK(build({{"a[]", 1}, {"a[5]", 1}}).error.find("index [5] is beyond the end of 'a' (1 element: use [1]") != std::string::npos);
    CHECK(build({{"a[999999]", 1}}).error.find("beyond the end") != std::string::npos);
    CHECK(build({{"a[-1]", 1}}).error == "body path 'a[-1]': 'a' has no last element ([-1]); add one with 'a[]'");
    CHECK(build({{"a", "text"}, {"a.b", 1}}).error == "body path 'a.b': 'a' is a string, not an object with fields");
    CHECK(build({{"a", "text"}, {"a[0]", 1}}).error == "body path 'a[0]': 'a' is a string, not a list");
    CHECK(build({{"a.b", 1}, {"a[0]", 1}}).error == "body path 'a[0]': 'a' is an object, not a list");
    CHECK(build({{"a[]", 1}, {"a.b", 1}}).error == "body path 'a.b': 'a' is a list, not an object with fields");
    CHECK(build({{"a[].b", 1}, {"a[0][0]", 1}}).error == "body path 'a[0][0]': 'a[0]' is an object, not a list");
    json list = json::array();
    auto steps = parse_body_path("x");
    REQUIRE(steps);
    auto r = set_body_path(list, *steps, "x", 1);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "body path 'x': the body is a list, not an object with fields");
}

TEST_CASE("body path: the '=' of PATH=VALUE is the first one no backslash escapes") {
    CHECK(body_assignment_split("a=b=c") == 1);
    CHECK(body_assignment_split("a\\=b=c") == 4);
    CHECK(body_assignment_split("a\\\\=b") == 3);
    CHECK(body_assignment_split("noequals") == std::string_view::npos);
    CHECK(body_assignment_split("") == std::string_view::npos);
    CHECK(body_assignment_split("=v") == 0);
}

TEST_CASE("quoted_excerpt: what a user gave, quoted, cut at a bound, with control bytes that cannot reach a terminal") {
    CHECK(ccai::quoted_excerpt("firstName") == "'firstName'");
    CHECK(ccai::quoted_excerpt(std::string(100, 'f'), 80) == "'" + std::string(80, 'f') + "...'");
    CHECK(ccai::quoted_excerpt("a\x1b[31mb\x7f") == "'a\\x1b[31mb\\x7f'");
    CHECK(ccai::quoted_excerpt(std::string("n\0l", 3)) == "'n\\x00l'");
    CHECK(ccai::quoted_excerpt("") == "''");
}
