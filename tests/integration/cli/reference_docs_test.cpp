// The command reference: docs/commands.md is what `ccai-cli reference` prints, and both it and the man
// page cover every operation of the endpoint table.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "ccai/endpoint.hpp"
#include "support/process.hpp"
#include "support/test_files.hpp"

using namespace ccai::test;

namespace {
}  // namespace

TEST_CASE("reference: docs/commands.md is what ccai-cli prints") {
    const auto r = cli({"reference"});
    REQUIRE(r.exit_code == 0);
    CHECK_MESSAGE(r.out == slurp(std::string(CCAI_SOURCE_DIR) + "/docs/commands.md"),
                  "docs/commands.md is out of date with the command tree; regenerate it with scripts/update-goldens.sh "
                  "(or: ccai-cli reference > docs/commands.md)");
}

TEST_CASE("reference: every operation appears with its method, path and title") {
    const auto md = cli({"reference", "--format", "markdown"});
    const auto man = cli({"reference", "--format", "man"});
    REQUIRE(md.exit_code == 0);
    REQUIRE(man.exit_code == 0);
    for (const auto& e : ccai::endpoints()) {
        CAPTURE(e.id());
        CHECK(md.out.find("#### " + std::string(e.group()) + " " + std::string(e.action()) + "\n") != std::string::npos);
        CHECK(md.out.find("`" + std::string(e.method()) + " " + std::string(e.path()) + "`") != std::string::npos);
        CHECK(md.out.find(std::string(e.title())) != std::string::npos);
        std::string heading = ".SS \"ccai-cli " + std::string(e.group()) + " " + std::string(e.action());
        for (size_t at = heading.find('-'); at != std::string::npos; at = heading.find('-', at + 2)) heading.replace(at, 1, "\\-");
        CHECK(man.out.find(heading) != std::string::npos);
    }
    for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH GLOBAL OPTIONS", ".SH COMMANDS", ".SH EXIT STATUS", ".SH ENVIRONMENT"})
        CHECK(man.out.find(section) != std::string::npos);
    CHECK(md.out.find("## Exit codes") != std::string::npos);
    // The count and the families, in both.
    const auto count = std::to_string(ccai::endpoints().size()) + " operations (";
    CHECK(md.out.find("## API operations\n\n" + count) != std::string::npos);
    CHECK(man.out.find(count) != std::string::npos);
    CHECK(md.out.find("transfer (1)") != std::string::npos);
    CHECK(md.out.find("One of: `aId` | `queueId` (exactly one, body fields).") != std::string::npos);
    CHECK(md.out.find("One of: `--user-id` | `--session-id` (exactly one).") != std::string::npos);
    CHECK(md.out.find("| 10 | batch finished") != std::string::npos);
}

TEST_CASE("reference: the man page renders without warnings") {
    if (run({"sh", "-c", "command -v groff"}).exit_code != 0) {
        MESSAGE("groff is not installed; skipping");
        return;
    }
    const auto dir = temp_dir();
    const auto man = cli({"reference", "--format", "man"});
    std::ofstream(dir + "/ccai-cli.1") << man.out;
    const auto r = run({"groff", "-man", "-Tutf8", "-ww", "-z", dir + "/ccai-cli.1"});
    CHECK(r.exit_code == 0);
    CHECK_MESSAGE(r.err.empty(), r.err);
}
