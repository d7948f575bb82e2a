// The cache as ccai-cli users meet it: where it lives (the CLI's environment), what happens when it cannot
// be made or is unsafe, and `cache clear`.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/in_process_cli.hpp"

using namespace ccai;
namespace fs = std::filesystem;

TEST_CASE("no place for the cache: one warning, and the call runs uncached with its own exit code") {
    test::Cli cli;
    cli.transport->push(200, R"({"skillGroups":[]})");
    auto r = cli({"skill-groups", "list", "--cache", "5m"});
    CHECK(r.code == 0);
    CHECK(r.err == "warning: cache: no cache directory (HOME and XDG_CACHE_HOME unset): the call runs uncached\n");

    std::ofstream((cli.dir / "file").string()) << "x";
    const auto below_file = (cli.dir / "file" / "x").string();
    cli.env["XDG_CACHE_HOME"] = below_file;
    cli.transport->push(404, R"({"error":"no"})");
    r = cli({"skill-groups", "list", "--cache", "5m"});
    CHECK(r.code == 5);  // the call's own: not found
    CHECK(r.err.starts_with("warning: cache: cannot create " + below_file + ": Not a directory (cache directory " +
                            below_file + "/ccai): the call runs uncached\n"));
    CHECK(cli.transport->requests.size() == 2);
}

TEST_CASE("a cache directory others may use is refused with exit 3; cache clear reads the same environment") {
    test::Cli cli;
    const auto cache_home = cli.dir / "cache";
    cli.env["XDG_CACHE_HOME"] = cache_home.string();
    cli.transport->push(200, R"({"skillGroups":[]})");
    REQUIRE(cli({"skill-groups", "list", "--cache", "5m"}).code == 0);
    REQUIRE(cli({"skill-groups", "list", "--cache", "5m"}).code == 0);
    CHECK(cli.transport->requests.size() == 1);
    CHECK(fs::exists(cache_home / "ccai" / "skill-groups"));

    cli.env["CCAI_CACHE"] = "forever";  // a bad setting does not stop the clear
    auto cleared = cli({"cache", "clear"});
    CHECK(cleared.code == 0);
    CHECK(cleared.out == "{\"cleared\":true,\"entries\":1}\n");
    CHECK_MESSAGE(cleared.err.empty(), cleared.err);
    cli.env.erase("CCAI_CACHE");

    ::chmod((cache_home / "ccai").c_str(), 0750);
    const auto r = cli({"skill-groups", "list", "--cache", "5m"});
    CHECK(r.code == 3);
    CHECK(r.err.find("may be used by others (mode 750): run chmod 700") != std::string::npos);
}
