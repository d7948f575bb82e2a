// The programs in examples/ build with the project and do what they say against ccai-mock.
#include <doctest/doctest.h>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

TEST_CASE("examples: create_skill_groups creates and reports errors by kind; list_skill_groups walks every page") {
#ifndef CCAI_EXAMPLES_DIR
    MESSAGE("the examples are not built (CCAI_BUILD_EXAMPLES=OFF)");
#else
    const std::string dir = CCAI_EXAMPLES_DIR;
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);

    std::vector<std::string> create = {dir + "/create_skill_groups"};
    for (int i = 1; i <= 12; ++i) create.push_back("group-" + std::to_string(i));
    auto made = test::run(create, env);
    CHECK(made.exit_code == 0);
    CHECK(made.err.empty());
    CHECK(std::count(made.out.begin(), made.out.end(), '\n') == 12);
    CHECK(made.out.find("\tgroup-12\n") != std::string::npos);

    // Mock pages hold 10 items: two pages.
    auto listed = test::run({dir + "/list_skill_groups"}, env);
    CHECK(listed.exit_code == 0);
    CHECK(listed.err.empty());
    CHECK(listed.out.starts_with("page 1: 10 items\n"));
    CHECK(listed.out.find("page 2: 2 items\n") != std::string::npos);
    CHECK(listed.out.ends_with("12 items in 2 pages\n"));
    auto first_three = test::run({dir + "/list_skill_groups", "3"}, env);
    CHECK(first_three.out.ends_with("3 items in 1 pages\n"));

    // A wrong secret: the service's refusal, by kind.
    auto wrong = env;
    wrong["CCAI_CLIENT_SECRET"] = "not-the-secret";
    auto refused = test::run({dir + "/create_skill_groups", "g"}, wrong);
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.starts_with("g: auth: "));
    CHECK(refused.err.find("not-the-secret") == std::string::npos);
    // No settings at all: a configuration error before anything is sent.
    auto bare = env;
    bare["CCAI_HOST"] = "ftp://nowhere";
    auto unset = test::run({dir + "/create_skill_groups", "g"}, bare);
    CHECK(unset.exit_code == 3);
    CHECK(unset.err.starts_with("settings: config: "));
#endif
}
