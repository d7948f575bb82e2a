// HTTPS end to end: ccai-cli against a TLS server on loopback (httplib over OpenSSL, a certificate made by
// the openssl command for this run). Whichever libcurl the build links (scripts/lean-curl.sh's or the
// system's), TLS must work and certificates must be checked.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <httplib.h>

#include "cli_support.hpp"

namespace {

struct TlsServer {
    std::string dir = ccai::test::temp_dir();
    std::unique_ptr<httplib::SSLServer> server;
    std::thread thread;
    std::atomic<int> requests{0};
    int port = -1;

    TlsServer() {
        const auto made = ccai::test::run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                           "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"});
        REQUIRE_MESSAGE(made.exit_code == 0, made.err);
        server = std::make_unique<httplib::SSLServer>((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str());
        REQUIRE(server->is_valid());
        server->Get(".*", [this](const httplib::Request&, httplib::Response& res) {
            ++requests;
            res.set_content(R"({"hasMore":false,"results":[{"id":"sg-tls","name":"over TLS"}]})", "application/json");
        });
        port = server->bind_to_any_port("127.0.0.1");
        REQUIRE(port > 0);
        thread = std::thread([this] { server->listen_after_bind(); });
    }
    ~TlsServer() {
        server->stop();
        thread.join();
    }
    std::map<std::string, std::string> env() const {
        return {{"CCAI_HOST", "https://127.0.0.1:" + std::to_string(port)},
                {"CCAI_ACCOUNT_ID", "acc-tls"}, {"CCAI_BOT_ID", "st-tls"},
                {"CCAI_CLIENT_ID", "cs-tls"}, {"CCAI_CLIENT_SECRET", "tls-secret"},
                {"CCAI_PACER", "memory"}, {"CCAI_MAX_ATTEMPTS", "1"}, {"CCAI_PROFILE", ""},
                {"XDG_CONFIG_HOME", dir}, {"XDG_STATE_HOME", dir + "/state"}};
    }
};

}  // namespace

TEST_CASE("transport: HTTPS works, and a certificate no CA vouches for is refused at once, before any request") {
    TlsServer tls;
    // Self-signed: the system's CA certificates do not vouch for it, so the handshake must fail, at once:
    // another attempt would be refused the same way (with 5 attempts allowed, -v would log a retry).
    auto env = tls.env();
    env["CCAI_MAX_ATTEMPTS"] = "5";
    const auto refused = ccai::test::cli({"skill-groups", "list", "-v"}, env);
    CHECK(refused.exit_code == 9);  // network
    CHECK(refused.err.find("certificate") != std::string::npos);
    CHECK(refused.err.find("retrying") == std::string::npos);
    CHECK(tls.requests == 0);

    const auto insecure = ccai::test::cli({"skill-groups", "list", "--insecure", "-o", "json"}, tls.env());
    CHECK_MESSAGE(insecure.exit_code == 0, insecure.err);
    CHECK(insecure.out.find("over TLS") != std::string::npos);
    CHECK(tls.requests == 1);
}
