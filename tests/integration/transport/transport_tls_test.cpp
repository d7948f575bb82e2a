// HTTPS end to end: ccai-cli against a TLS server on loopback (httplib over OpenSSL, certificates made by
// the openssl command for this run). TLS must work and certificates must be checked.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>

#include "support/cli_support.hpp"

namespace {

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = ccai::test::run(argv);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

// A test CA and a certificate for 127.0.0.1 that it signed (EC keys: made in milliseconds).
struct Certificates {
    std::string dir = ccai::test::temp_dir();
    std::string ca = dir + "/ca.pem", cert = dir + "/server.pem", key = dir + "/server.key";
    Certificates() {
        const std::vector<std::string> ec{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
        auto req = [&](std::vector<std::string> args) {
            args.insert(args.begin() + 1, ec.begin(), ec.end());
            openssl(args);
        };
        req({"req", "-x509", "-days", "1", "-subj", "/CN=ccai test CA", "-keyout", dir + "/ca.key", "-out", ca});
        req({"req", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", dir + "/server.csr"});
        std::ofstream(dir + "/ext") << "subjectAltName=IP:127.0.0.1\n";
        openssl({"x509", "-req", "-in", dir + "/server.csr", "-CA", ca, "-CAkey", dir + "/ca.key", "-CAcreateserial",
                 "-days", "1", "-extfile", dir + "/ext", "-out", cert});
    }
};

struct TlsServer {
    std::unique_ptr<httplib::SSLServer> server;
    std::thread thread;
    std::atomic<int> requests{0};
    int port = -1;
    std::string dir = ccai::test::temp_dir();

    explicit TlsServer(const Certificates& c) {
        server = std::make_unique<httplib::SSLServer>(c.cert.c_str(), c.key.c_str());
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
        return ccai::test::cli_env("https://127.0.0.1:" + std::to_string(port), dir);
    }
};

}  // namespace

TEST_CASE("transport: HTTPS works, and a certificate no CA vouches for is refused at once, before any request") {
    Certificates certs;
    TlsServer tls(certs);
    // The test CA is not among the system's CA certificates, so the handshake must fail, at once: another
    // attempt would be refused the same way (with 5 attempts allowed, -v would log a retry).
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

// Where trusted CAs come from. ccai-cli runs in a mount namespace whose /etc/ssl/certs is a directory of
// this test's making. When it holds hash links (openssl rehash; Debian's update-ca-certificates keeps them),
// the CA is looked up there and ca-certificates.crt is not parsed: parsing the whole bundle was most of a
// short HTTPS call. Without hash links (Fedora's /etc/ssl/certs holds bundles only) libcurl's default bundle
// is read. Needs root for the namespace.
TEST_CASE("transport: certificates are verified against /etc/ssl/certs") {
    if (::geteuid() != 0 || ccai::test::run({"unshare", "-m", "true"}).exit_code != 0) {
        MESSAGE("skipped: a mount namespace needs root");
        return;
    }
    Certificates certs, other;  // `other` did not sign the server's certificate
    TlsServer tls(certs);
    const auto base = ccai::test::temp_dir();
    auto with_certs_dir = [&](const std::string& dir) {
        std::vector<std::string> argv{"unshare", "-m", "sh", "-c", R"(mount --bind "$0" /etc/ssl/certs && exec "$@")",
                                      dir, ccai::test::cli_path(), "skill-groups", "list", "-o", "json"};
        return ccai::test::run(argv, tls.env());
    };
    namespace fs = std::filesystem;

    // The CA as a hash link, not in the bundle (the system's): verified.
    const auto hashed = base + "/hashed";
    fs::create_directories(hashed);
    fs::copy_file(certs.ca, hashed + "/ccai-test-ca.pem");
    fs::copy_file("/etc/ssl/certs/ca-certificates.crt", hashed + "/ca-certificates.crt");
    openssl({"rehash", hashed});
    const auto by_hash = with_certs_dir(hashed);
    CHECK_MESSAGE(by_hash.exit_code == 0, by_hash.err);
    CHECK(by_hash.out.find("over TLS") != std::string::npos);

    // Hash links, and the CA only inside ca-certificates.crt: the bundle is not read.
    const auto links_and_bundle = base + "/links-and-bundle";
    fs::create_directories(links_and_bundle);
    fs::copy_file(other.ca, links_and_bundle + "/other-ca.pem");
    openssl({"rehash", links_and_bundle});
    fs::copy_file(certs.ca, links_and_bundle + "/ca-certificates.crt");
    const auto not_in_bundle = with_certs_dir(links_and_bundle);
    CHECK(not_in_bundle.exit_code == 9);
    CHECK(not_in_bundle.err.find("certificate") != std::string::npos);

    // No hash links at all, the CA inside ca-certificates.crt: libcurl's default bundle is read.
    const auto bundle = base + "/bundle";
    fs::create_directories(bundle);
    fs::copy_file(certs.ca, bundle + "/ca-certificates.crt");
    const auto by_bundle = with_certs_dir(bundle);
    CHECK_MESSAGE(by_bundle.exit_code == 0, by_bundle.err);
}

// A private CA (a company's, a TLS-inspecting proxy's) is trusted through the ca_bundle setting (flag,
// environment, profile) or curl's variables, in curl's precedence; without it the certificate is refused at
// once, and a CA file that cannot be used is a configuration error before any request.
TEST_CASE("transport: a private CA is trusted through ca_bundle, CURL_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR") {
    Certificates certs, other;  // `other` is a CA that did not sign the server's certificate
    TlsServer tls(certs);
    namespace fs = std::filesystem;
    const auto hashed = ccai::test::temp_dir();
    fs::copy_file(certs.ca, hashed + "/private-ca.pem");
    openssl({"rehash", hashed});
    const auto config_home = ccai::test::temp_dir();
    fs::create_directories(config_home + "/ccai");
    std::ofstream(config_home + "/ccai/config.toml") << "[default]\nca_bundle = \"" << certs.ca << "\"\n";

    struct Case {
        const char* what;
        std::map<std::string, std::string> env;
        std::vector<std::string> flags;
        int exit_code;
    };
    const Case cases[] = {
        {"--ca-bundle", {}, {"--ca-bundle", certs.ca}, 0},
        {"CCAI_CA_BUNDLE", {{"CCAI_CA_BUNDLE", certs.ca}}, {}, 0},
        {"profile ca_bundle", {{"XDG_CONFIG_HOME", config_home}}, {}, 0},
        {"CURL_CA_BUNDLE", {{"CURL_CA_BUNDLE", certs.ca}}, {}, 0},
        {"SSL_CERT_FILE", {{"SSL_CERT_FILE", certs.ca}}, {}, 0},
        {"SSL_CERT_DIR", {{"SSL_CERT_DIR", hashed}}, {}, 0},
        // Precedence: the setting over CURL_CA_BUNDLE over SSL_CERT_FILE; the loser's CA is not used.
        {"ca_bundle over SSL_CERT_FILE", {{"CCAI_CA_BUNDLE", other.ca}, {"SSL_CERT_FILE", certs.ca}}, {}, 9},
        {"CURL_CA_BUNDLE over SSL_CERT_FILE", {{"CURL_CA_BUNDLE", other.ca}, {"SSL_CERT_FILE", certs.ca}}, {}, 9},
        {"--ca-bundle over CURL_CA_BUNDLE", {{"CURL_CA_BUNDLE", other.ca}}, {"--ca-bundle", certs.ca}, 0},
        {"another CA", {{"SSL_CERT_FILE", other.ca}}, {}, 9},
    };
    int expected_requests = 0;
    for (const auto& c : cases) {
        CAPTURE(c.what);
        auto env = tls.env();
        env["CCAI_MAX_ATTEMPTS"] = "5";  // a refused certificate must not be retried
        for (const auto& [k, v] : c.env) env[k] = v;
        std::vector<std::string> args{"skill-groups", "list", "-v", "-o", "json"};
        args.insert(args.end(), c.flags.begin(), c.flags.end());
        const auto r = ccai::test::cli(args, env);
        CHECK_MESSAGE(r.exit_code == c.exit_code, r.err);
        if (c.exit_code == 0) {
            CHECK(r.out.find("over TLS") != std::string::npos);
            ++expected_requests;
        } else {
            CHECK(r.err.find("certificate") != std::string::npos);
            CHECK(r.err.find("retrying") == std::string::npos);
        }
        CHECK(tls.requests == expected_requests);
    }

    // A CA file that cannot be used: a configuration error (a --ca-bundle flag: invalid input), nothing sent.
    const auto not_pem = hashed + "/notes.txt";
    std::ofstream(not_pem) << "not a certificate\n";
    const std::pair<std::map<std::string, std::string>, int> broken[] = {
        {{{"SSL_CERT_FILE", hashed + "/missing.pem"}}, 3},
        {{{"CURL_CA_BUNDLE", not_pem}}, 3},
        {{{"SSL_CERT_DIR", hashed + "/missing"}}, 3},
        {{{"CCAI_CA_BUNDLE", hashed}}, 3},
    };
    for (const auto& [vars, code] : broken) {
        auto env = tls.env();
        for (const auto& [k, v] : vars) env[k] = v;
        const auto r = ccai::test::cli({"skill-groups", "list"}, env);
        CAPTURE(vars.begin()->first);
        CHECK_MESSAGE(r.exit_code == code, r.err);
        CHECK(r.err.find(vars.begin()->second) != std::string::npos);
    }
    const auto flag = ccai::test::cli({"skill-groups", "list", "--ca-bundle", not_pem}, tls.env());
    CHECK(flag.exit_code == 2);
    CHECK(flag.err.find("--ca-bundle") != std::string::npos);
    CHECK(tls.requests == expected_requests);
}
