// The catalog's own documentation says what the table holds: every operation is listed with its page in
// endpoints/CATALOG.md, and the README's count is the table's.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ccai/endpoint.hpp"
#include "support/test_files.hpp"

using ccai::test::slurp;

TEST_CASE("CATALOG.md names every operation with its page, and the README counts them") {
    const auto catalog = slurp(CCAI_SOURCE_DIR "/endpoints/CATALOG.md");
    const auto readme = slurp(CCAI_SOURCE_DIR "/README.md");
    REQUIRE_FALSE(catalog.empty());
    const auto count = std::to_string(ccai::endpoints().size());
    CHECK(catalog.find("lists the " + count + " HTTP operations") != std::string::npos);
    CHECK(readme.find("call all " + count + "\ndocumented operations") != std::string::npos);
    for (const auto& e : ccai::endpoints()) {
        CAPTURE(e.id());
        const auto row_start = catalog.find("| `" + std::string(e.doc()) + "` |");
        REQUIRE(row_start != std::string::npos);
        const auto row = catalog.substr(row_start, catalog.find('\n', row_start) - row_start);
        CHECK(row.find("`" + std::string(e.id()) + "`") != std::string::npos);
    }
}

TEST_CASE("the rate-limit page's 78 pages are the listed operations; every other one says whose budget it assumes") {
    std::size_t listed = 0;
    for (const auto& e : ccai::endpoints()) {
        CAPTURE(e.id());
        CHECK(e.rate_limit() == "60/1m");
        if (e.rate_limit_listed()) ++listed;
        else CHECK(e.notes().find("60-per-minute budget") != std::string_view::npos);
    }
    CHECK(listed == 79);  // 78 pages, one of which (v2 call details) documents two operations
}
