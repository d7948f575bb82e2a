// The libcurl transport against real servers: how many connections a client leaves open (ccai-mock), and
// what it asks for (a bare httplib server that records the request).
#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "support/cli_support.hpp"

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

// compression = gzip (the default) asks for gzip and decodes it; none sends no Accept-Encoding, so the
// server sends the body as is (a small answer then costs neither side a compressor).
TEST_CASE("transport: compression setting decides Accept-Encoding") {
    httplib::Server server;
    std::mutex m;
    std::vector<std::string> seen;  // the Accept-Encoding of each request, "(none)" when absent
    server.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(m);
        seen.push_back(req.has_header("Accept-Encoding") ? req.get_header_value("Accept-Encoding") : "(none)");
        res.set_content(R"({"hasMore":false,"results":[{"name":"compressible compressible compressible"}]})",
                        "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    // bind_to_any_port already listens: a request made before the accept loop runs waits in the backlog.

    for (const std::string setting : {"", "gzip", "none"}) {
        CAPTURE(setting);
        ccai::ClientOptions o;
        for (const auto& [k, v] : std::map<std::string, std::string>{
                 {"host", "http://127.0.0.1:" + std::to_string(port)}, {"bot_id", "st-1"}, {"account_id", "acc"},
                 {"client_id", "cs-1"}, {"client_secret", "s"}, {"rate_limit", "1000/1s"}, {"pacer", "memory"}})
            o.config.set(k, v, "test");
        if (!setting.empty()) o.config.set("compression", setting, "test");
        auto client = ccai::Client::create(std::move(o));
        REQUIRE(client.ok());
        const auto r = call(*client, "skill-groups.list");
        REQUIRE(r.ok());
        CHECK((*r)["results"][0]["name"] == "compressible compressible compressible");
        std::lock_guard lock(m);
        REQUIRE(!seen.empty());
        CHECK(seen.back() == (setting == "none" ? "(none)" : "gzip"));
    }
    server.stop();
    t.join();
}

TEST_CASE("transport: a bad compression setting is refused before any request") {
    ccai::ClientOptions o;
    o.config.set("compression", "br", "test");
    auto client = ccai::Client::create(std::move(o));
    REQUIRE(!client.ok());
    CHECK(client.error().kind == ccai::ErrorKind::config);  // a program's own value: configuration, like env
    CHECK(client.error().message.find("compression 'br'") != std::string::npos);
}
