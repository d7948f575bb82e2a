// The rate-limit messages through the real ccai-cli, against a scripted server on loopback: the older
// "Rate limit for this API has been reached" on a 400 is paced and retried, while an SMS text that quotes a
// rate-limit phrase, in a 200 or inside a 400's data, is answered once and never pauses the account.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <httplib.h>

#include "support/cli_support.hpp"

using nlohmann::json;

namespace {

constexpr const char* kOlder = "Rate limit for this API has been reached. Please try again later";

// /queues answers the older rejection once, then a list; /outboundsms answers what the `reply` query asks.
struct ScriptedServer {
    httplib::Server server;
    std::thread thread;
    std::atomic<int> queue_calls{0}, sms_calls{0};
    int port = -1;

    ScriptedServer() {
        server.Get(".*/queues", [this](const httplib::Request&, httplib::Response& res) {
            if (queue_calls++ == 0) {
                res.status = 400;
                res.set_content(json{{"errors", {{{"msg", kOlder}, {"code", 400}}}}}.dump(), "application/json");
                return;
            }
            res.set_content(R"({"results":[],"page":1,"limit":10,"hasMore":false,"totalPages":0,"totalResults":0})", "application/json");
        });
        server.Post(".*/outboundsms", [this](const httplib::Request& req, httplib::Response& res) {
            ++sms_calls;
            const auto body = json::parse(req.body, nullptr, false);
            const auto text = body.is_object() ? body.value("message", std::string()) : std::string();
            if (body.value("toNo", std::string()).empty() || body.value("toNo", std::string()) == "bad") {
                res.status = 400;
                res.set_content(json{{"errors", {{{"msg", "Invalid toNo"}}}}, {"data", {{"message", text}}}}.dump(), "application/json");
                return;
            }
            res.set_content(json{{"status", "sent"}, {"message", text}}.dump(), "application/json");
        });
        port = server.bind_to_any_port("127.0.0.1");
        REQUIRE(port > 0);
        thread = std::thread([this] { server.listen_after_bind(); });
    }
    ~ScriptedServer() {
        server.stop();
        thread.join();
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("cli rate-limit messages: the older message on a 400 is paced and retried, a quoted one in an SMS is not") {
    ScriptedServer srv;
    auto env = ccai::test::cli_env(srv.base());
    env["CCAI_MAX_ATTEMPTS"] = "3";

    const auto listed = ccai::test::cli({"queues", "list"}, env);
    INFO(listed.err);
    CHECK(listed.exit_code == 0);  // not 6 (a client error): the rejection was waited out and retried
    CHECK(srv.queue_calls == 2);

    const std::string quoted = std::string("Reminder: ") + kOlder + " / You've exceeded the per-minute rate limit.";
    for (const auto* to : {"+15550101", "bad"}) {
        CAPTURE(to);
        const int before = srv.sms_calls;
        const auto sent = ccai::test::cli(
            {"sms", "send", "--body", json{{"fromNo", "+15550100"}, {"toNo", to}, {"message", quoted}}.dump()}, env);
        INFO(sent.err);
        CHECK(srv.sms_calls == before + 1);  // answered once: no retry, no pause
        if (std::string(to) == "bad") {
            CHECK(sent.exit_code != 0);
            CHECK(ccai::test::error_of(sent)["kind"] == "client_error");
        } else {
            CHECK(sent.exit_code == 0);
        }
    }
}
