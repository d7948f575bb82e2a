// The libcurl transport against ccai-mock: how many connections a client leaves open.
#include <doctest/doctest.h>

#include <filesystem>

#include "cli_support.hpp"

using ccai::mock::testing::call;
using ccai::mock::testing::MockProcess;

namespace {

int open_sockets() {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        const auto target = std::filesystem::read_symlink(e.path(), ec);
        n += !ec && target.string().starts_with("socket:") ? 1 : 0;
    }
    return n;
}

}  // namespace

// Every POST takes a fresh connection (libcurl must never silently re-send one); the previous connection
// must be closed, not parked in the handle's cache, or a batch's workers pin a server's worker pool with
// idle keep-alives (4 workers fell to 8 calls/s against a 16-thread server).
TEST_CASE("transport: POSTs on fresh connections leave at most one idle connection per thread") {
    MockProcess mock({"--rate-limit", "none"});
    auto client = mock.sdk();
    REQUIRE(call(*client, "skill-groups.list").ok());  // libcurl's own wake-up socket pair, one connection
    const int before = open_sockets();
    for (int i = 0; i < 8; ++i) {
        REQUIRE(call(*client, "skill-groups.create", {}, nlohmann::json{{"name", "sock-" + std::to_string(i)}}).ok());
        REQUIRE(call(*client, "skill-groups.list").ok());
    }
    CHECK(open_sockets() <= before);
}
