// Secrets in every output. The client secret is planted in a URL, a path parameter, a body, a custom header
// and a non-secret setting; a server echoes all of it (and the JWT it was sent) in its answers and errors.
// Whatever ccai-cli prints (stdout, stderr, -v, --dry-run, -o table, `config list`, batch results and journal)
// holds no spelling of the secret and no JWT. And while it runs, ccai-cli cannot be dumped.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "ccai/request_builder.hpp"
#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using namespace std::chrono_literals;

namespace {

// A quote, a slash, a plus, a space, a percent, an ampersand, an equals sign and a backslash: each of URLs,
// JSON and headers writes it its own way. "vault" and "Qz7" appear nowhere else: any part of them is a leak.
const std::string kSecret = R"(Xy"vault/pa+ss w%rd&=\Qz7)";
const std::string kOpaqueToken = "opaque-Tk4-token-value";

// No spelling and no part of the secret or the opaque token, and nothing JWT-shaped.
void expect_clean(const std::string& what, const std::string& text) {
    INFO(what << ":\n" << text);
    for (const std::string bad : {std::string("vault"), std::string("Qz7"), std::string("Tk4"), std::string("eyJ"),
                                  url_encode(kSecret), nlohmann::json(kSecret).dump()})
        CHECK_MESSAGE(text.find(bad) == std::string::npos, "found: " << bad);
}

void expect_clean(const std::string& what, const test::RunResult& r) {
    expect_clean(what + " (stdout)", r.out);
    expect_clean(what + " (stderr)", r.err);
}

// Answers every request with an echo of it: GET 200 with the echo as JSON; PUT 500 with a short text body;
// anything else 400 with the echo as the error message, the query as the error code, and the custom header
// and the JWT as the request id.
struct EchoServer {
    httplib::Server server;
    std::thread thread;
    std::atomic<int> requests{0};
    int port = -1;

    EchoServer() {
        const auto echo = [this](const httplib::Request& req, httplib::Response& res) {
            ++requests;
            std::string query;
            for (const auto& [k, v] : req.params) query += k + "=" + v + "&";
            const nlohmann::json e = {{"method", req.method},     {"path", req.path},
                                      {"query", query},           {"body", req.body},
                                      {"note", req.get_header_value("x-note")}, {"auth", req.get_header_value("auth")}};
            if (req.method == "GET") {
                res.set_content(e.dump(), "application/json");
            } else if (req.method == "PUT") {
                res.status = 500;
                res.set_content("refused " + req.get_header_value("x-note"), "text/plain");
            } else {
                res.status = 400;
                res.set_header("x-request-id", req.get_header_value("x-note") + " " + req.get_header_value("auth"));
                const nlohmann::json err = {{"errors", {{{"msg", "rejected: " + e.dump()}, {"code", query}}}}};
                res.set_content(err.dump(), "application/json");
            }
        };
        server.Get(".*", echo);
        server.Post(".*", echo);
        server.Put(".*", echo);
        server.Delete(".*", echo);
        port = server.bind_to_any_port("127.0.0.1");
        REQUIRE(port > 0);
        thread = std::thread([this] { server.listen_after_bind(); });  // bound and listening already
    }
    ~EchoServer() {
        server.stop();
        thread.join();
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("safety secrets: the secret planted anywhere and echoed by the server is in no output") {
    EchoServer echo;
    const auto dir = test::temp_dir();
    auto env = test::cli_env(echo.base(), dir);
    env["CCAI_CLIENT_SECRET"] = kSecret;
    const std::string encoded = url_encode(kSecret);
    const std::string header = "x-note: " + kSecret;
    const std::string json_secret = nlohmann::json(kSecret).dump();

    // 1975 characters of padding put the secret across the 2000-character cut of a -v body line; 40 put it
    // across the 60-character cut of a table cell.
    const std::string long_body = R"({"pad":")" + std::string(1975, 'p') + R"(","s":)" + json_secret + "}";
    const std::string table_query = "/ok?a=" + std::string(40, 'a') + "&b=" + encoded;

    const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
        {"api GET, secret in the query", {"api", "GET", "/ok?key=" + encoded, "-v"}},
        {"api GET, secret in a header", {"api", "GET", "/ok", "-H", header, "-v"}},
        {"api GET -o table", {"api", "GET", table_query, "-o", "table", "-v"}},
        {"api POST, secret in the body", {"api", "POST", "/fail", "--body", R"({"note":)" + json_secret + "}", "-v"}},
        {"api POST, secret across the -v cut", {"api", "POST", "/fail", "--body", long_body, "-v"}},
        {"api DELETE, secret in query and header", {"api", "DELETE", "/fail?key=" + encoded, "-H", header, "-v"}},
        {"api PUT, text error", {"api", "PUT", "/text", "-H", header, "--body", "{}", "-v"}},
        {"path parameter", {"queues", "get", "--queue-id", kSecret, "-v"}},
        {"query parameter", {"conversations", "list", "--language", kSecret, "-v", "-o", "jsonl"}},
        {"body field", {"skill-groups", "create", "--set", "name=" + kSecret, "-v"}},
        {"non-secret setting", {"queues", "list", "--jwt-sub", kSecret, "-v"}},
        {"dry-run api", {"api", "POST", "/x?key=" + encoded, "-H", header, "--body", long_body, "--dry-run"}},
        {"dry-run operation", {"skill-groups", "create", "--set", "name=" + kSecret, "--dry-run", "-v"}},
        {"dry-run path parameter", {"queues", "get", "--queue-id", kSecret, "--dry-run"}},
        {"config list", {"config", "list", "--show-origin", "--jwt-sub", kSecret}},
        {"config list -o table", {"config", "list", "-o", "table", "--jwt-sub", kSecret}},
        {"usage error quoting the command line", {"queues", "list", "--no-such-flag", kSecret}},
        {"the secret as a profile name", {"--profile", kSecret, "queues", "list"}},
        {"batch id", {"batch", "--input", "-", "--dry-run"}},
    };
    auto with_token = env;
    with_token["CCAI_TOKEN"] = kOpaqueToken;  // not JWT-shaped: masked because it is registered, by value
    for (const auto* e : {&env, &with_token}) {
        for (const auto& [what, args] : runs) {
            CAPTURE(what);
            // The batch's input: its id and its parameters hold the secret, one line invalid.
            const auto input = nlohmann::json{{"op", "queues.get"}, {"params", {{"queueId", kSecret}}}, {"id", kSecret}}.dump() +
                               "\n" + nlohmann::json{{"op", "no.such-op"}, {"id", kSecret}}.dump() + "\n";
            const auto r = test::cli(args, *e, args.front() == "batch" ? input : "");
            CHECK_MESSAGE(r.exit_code < 9, r.err);  // ran (the server's 4xx/5xx are exit 6 and 8), no crash
            expect_clean(what, r);
        }
    }
    // The server saw the secret: it was sent, only never printed.
    CHECK(echo.requests > 10);

    // The CLI said something in those runs: -v lines and the echo, masked.
    const auto shown = test::cli({"api", "GET", "/ok?key=" + encoded, "-v"}, env);
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("key=***") != std::string::npos);
    CHECK(shown.err.find("key=***") != std::string::npos);
    CHECK(shown.err.find("auth: ***") != std::string::npos);
    const auto rejected = test::cli({"api", "DELETE", "/fail", "-H", header}, env);
    CHECK(rejected.exit_code == 6);
    CHECK(rejected.err.find("\"request_id\":\"*** ***\"") != std::string::npos);

    // Batch: an ok line whose answer echoes the secret, a failed line whose error does.
    const auto input = dir + "/in.jsonl";
    std::ofstream(input) << nlohmann::json{{"op", "conversations.list"}, {"params", {{"language", kSecret}}}, {"id", "g"}}.dump()
                         << "\n"
                         << nlohmann::json{{"op", "skill-groups.create"}, {"body", {{"name", kSecret}}}, {"id", "p"}}.dump()
                         << "\n";
    for (const auto* e : {&env, &with_token}) {
        const auto results = dir + (e == &env ? "/r-secret.jsonl" : "/r-token.jsonl");
        const auto batch = test::cli({"batch", "--input", input, "--results", results, "-v"}, *e);
        CHECK(batch.exit_code == 10);
        expect_clean("batch", batch);
        const auto records = slurp(results);
        CHECK(records.find("\"outcome\":\"ok\"") != std::string::npos);
        CHECK(records.find("\"outcome\":\"failed\"") != std::string::npos);
        expect_clean("batch results", records);
        expect_clean("batch journal", slurp(results + ".journal"));
        const auto to_stdout = test::cli({"batch", "--input", input, "--dry-run"}, *e);
        CHECK(to_stdout.exit_code == 0);
        expect_clean("batch --dry-run", to_stdout);
        const auto records_out = test::cli({"batch", "--input", input}, *e);
        CHECK(records_out.exit_code == 10);
        expect_clean("batch to stdout", records_out);
    }
}

TEST_CASE("safety secrets: a redis password in the pacer's URL is refused and in no output") {
    const auto dir = test::temp_dir();
    auto env = test::cli_env("http://127.0.0.1:9", dir);
    env["CCAI_PACER"] = "redis://:pw-Rd5x-word@127.0.0.1:9/0";  // nothing listens on port 9
    env["CCAI_PACER_FALLBACK"] = "";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"config", "list", "--show-origin"}, {"queues", "list", "-v"}, {"pacer", "status"}, {"pacer", "status", "-v"}}) {
        const auto r = test::cli(args, env);
        INFO(args.front() << " " << args[1] << ":\n" << r.out << r.err);
        CHECK(r.exit_code == 3);  // a setting from the environment to fix, as every bad setting is
        CHECK((r.out + r.err).find("Rd5x") == std::string::npos);
        CHECK((r.out + r.err).find("redis://:***@127.0.0.1:9/0") != std::string::npos);  // named, password masked
        CHECK((r.out + r.err).find("CCAI_REDIS_PASSWORD") != std::string::npos);
    }
    // Where it belongs, the password is a secret like the client secret.
    env["CCAI_PACER"] = "redis://pacer@127.0.0.1:9/0";
    env["CCAI_REDIS_PASSWORD"] = "pw-Rd5x-word";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"config", "list", "--show-origin"}, {"queues", "list", "-v"}, {"pacer", "status"}, {"pacer", "status", "-v"}}) {
        const auto r = test::cli(args, env);
        INFO(args.front() << " " << args[1] << ":\n" << r.out << r.err);
        CHECK((r.exit_code == 0) == (args.front() == "config"));  // redis is down: only `config list` succeeds
        CHECK((r.out + r.err).find("Rd5x") == std::string::npos);
        CHECK((r.out + r.err).find("redis://pacer@127.0.0.1:9/0") != std::string::npos);
    }
}

// A non-dumpable process's /proc/PID/mem (and its other files) belongs to root: the kernel hands them to root
// so that the user's other processes cannot read its memory. As root, ccai-cli runs as nobody for the probe
// to tell the two apart; a dumpable process run the same way is the control.
TEST_CASE("safety secrets: a running ccai-cli is not dumpable and cannot write a core file") {
    httplib::Server server;
    std::atomic<bool> arrived{false};
    std::mutex mu;
    std::condition_variable cv;
    bool release = false;
    server.Get(".*", [&](const httplib::Request&, httplib::Response& res) {
        arrived = true;
        std::unique_lock lock(mu);
        cv.wait_for(lock, 30s, [&] { return release; });
        res.set_content("[]", "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread thread([&] { server.listen_after_bind(); });
    const auto stop = [&] {
        {
            std::lock_guard lock(mu);
            release = true;
        }
        cv.notify_all();
        server.stop();
        thread.join();
    };

    const bool root = ::geteuid() == 0;
    const uid_t user = root ? 65534 : ::geteuid();
    std::vector<std::string> as_user;
    if (root) as_user = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
    auto argv = as_user;
    argv.insert(argv.end(), {ccai::test::cli_path(), "queues", "list"});
    // Nothing to read for nobody: settings from the environment only.
    auto env = test::cli_env("http://127.0.0.1:" + std::to_string(port), "/nonexistent-ccai-config");
    env["CCAI_CLIENT_SECRET"] = kSecret;
    test::Background cli(argv, env, false);
    for (int i = 0; i < 1000 && !arrived; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE_MESSAGE(arrived.load(), "ccai-cli never sent its request");

    const auto proc = "/proc/" + std::to_string(cli.pid());
    const auto status = slurp(proc + "/status");
    CHECK_MESSAGE(status.find("Uid:\t" + std::to_string(user)) != std::string::npos, status);
    struct stat st{};
    REQUIRE(::stat((proc + "/mem").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
    const auto limits = slurp(proc + "/limits");
    const auto core = limits.find("Max core file size");
    REQUIRE(core != std::string::npos);
    std::istringstream line(limits.substr(core + std::string("Max core file size").size()));
    std::string soft, hard;
    line >> soft >> hard;
    CHECK(soft == "0");
    CHECK(hard == "0");

    // The control: a dumpable process run the same way keeps /proc/PID its user's.
    auto control_argv = as_user;
    control_argv.insert(control_argv.end(), {"sleep", "30"});
    test::Background control(control_argv, {}, false);
    const auto control_proc = "/proc/" + std::to_string(control.pid());
    for (int i = 0; i < 500 && slurp(control_proc + "/comm") != "sleep\n"; ++i) std::this_thread::sleep_for(10ms);
    struct stat control_st{};
    REQUIRE(::stat((control_proc + "/mem").c_str(), &control_st) == 0);  // after the exec of sleep: dumpable again
    CHECK(control_st.st_uid == user);
    stop();
}
