// `ccai-cli proxy`: what it forwards and refuses, the answers it gives, its listen address, token and
// upload pipe, and the SDK's side of it (the paced claim, a streamed body sent once).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ccai/proxy_claim.hpp"
#include "proxy/body_pipe.hpp"
#include "proxy/listen_address.hpp"
#include "proxy/proxy_request.hpp"
#include "proxy/proxy_token.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::cli::proxy;

namespace {

Upstream upstream() {
    Upstream up;
    for (const auto& [k, v] : std::initializer_list<std::pair<const char*, const char*>>{
             {"host", "https://api.example.com"}, {"account_id", "acc-1"}, {"bot_id", "st-1"}})
        up.config.set(k, v, "test");
    up.prefixes = api_prefixes();
    up.claim = std::string(64, 'a');
    return up;
}

std::variant<Forward, Answer> forward(std::string method, std::string target, Headers headers = {}, bool loopback = true) {
    return to_forward(Incoming{std::move(method), std::move(target), std::move(headers), loopback}, upstream());
}

int refused_with(const std::variant<Forward, Answer>& v) {
    const auto* a = std::get_if<Answer>(&v);
    return a ? a->status : 0;
}

std::string message_of(const Answer& a) { return nlohmann::json::parse(a.body)["errors"][0]["msg"].get<std::string>(); }

}  // namespace

TEST_CASE("proxy: the API's path roots come from the catalog") {
    const auto p = api_prefixes();
    CHECK(std::find(p.begin(), p.end(), "/agentassist/api/v1") != p.end());
    CHECK(std::find(p.begin(), p.end(), "/campaign/api/v2") != p.end());
    for (const auto& prefix : p) CHECK(prefix.find('{') == std::string::npos);
}

TEST_CASE("proxy: a request is forwarded to the profile's host with the proxy's account and bot headers") {
    auto v = forward("GET", "/agentassist/api/v1/public/{botId}/queues?limit=5",
                     {{"auth", "client-jwt"}, {"Authorization", "Bearer t"}, {"accountid", "acc-1"}, {"X-Trace", "7"},
                      {"Host", "evil.example"}, {"REMOTE_ADDR", "127.0.0.1"}, {"Accept-Encoding", "br"}});
    REQUIRE(std::holds_alternative<Forward>(v));
    const auto& f = std::get<Forward>(v);
    CHECK(f.request.url == "https://api.example.com/agentassist/api/v1/public/st-1/queues?limit=5");
    const Headers expected{{"accountid", "acc-1"}, {"iid", "st-1"}, {"x-trace", "7"}};
    CHECK(f.request.headers == expected);
    CHECK(f.priority == Priority::interactive);
    CHECK_FALSE(f.paced);
}

TEST_CASE("proxy: percent-encoded placeholders are filled too") {
    auto v = forward("GET", "/agentassist/api/v1/public/%7bbotId%7D/queues");
    REQUIRE(std::holds_alternative<Forward>(v));
    CHECK(std::get<Forward>(v).request.url == "https://api.example.com/agentassist/api/v1/public/st-1/queues");
}

TEST_CASE("proxy: dot segments, encoded or not, and paths outside the API are refused") {
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/../../admin")) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/%2e%2e/x")) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/%252E%252E/x")) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/a//b")) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1x/queues")) == 404);
    CHECK(refused_with(forward("GET", "/metrics")) == 404);
    CHECK(refused_with(forward("GET", "http://evil.example/agentassist/api/v1/q")) == 400);
    const auto a = std::get<Answer>(forward("GET", "/admin"));
    CHECK(message_of(a) == "proxy: not a path of the API; only the API's paths are forwarded");
}

TEST_CASE("proxy: a path that is not UTF-8 is refused with a readable answer, not a fault") {
    const auto v = forward("GET", "/agentassist/api/v1/public/\xff%00");
    REQUIRE(refused_with(v) == 400);
    const auto msg = message_of(std::get<Answer>(v));  // parses: the answer is valid JSON
    CHECK(msg.find("\xEF\xBF\xBD") != std::string::npos);  // the stray byte, as U+FFFD
}

TEST_CASE("proxy: another account, a bad header or too many headers are refused") {
    const auto other = std::get<Answer>(forward("GET", "/agentassist/api/v1/q", {{"AccountId", "acc-2"}}));
    CHECK(other.status == 400);
    CHECK(message_of(other) == "proxy: the accountid header names another account than the proxy's profile");
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", {{"x-a", "a\r\nb"}})) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", {{"x-a", std::string("a\0b", 3)}})) == 400);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", {{"bad name", "v"}})) == 400);
    Headers many;
    for (int i = 0; i < 101; ++i) many.emplace_back("x-" + std::to_string(i), "v");
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", many)) == 431);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", {{"x-big", std::string(40000, 'a')}})) == 431);
    CHECK(refused_with(forward("TRACE", "/agentassist/api/v1/q")) == 405);
    CHECK(refused_with(forward("PATCH", "/agentassist/api/v1/q")) == 0);
}

TEST_CASE("proxy: X-CCAI-Priority picks the class") {
    CHECK(std::get<Forward>(forward("GET", "/agentassist/api/v1/q", {{"X-CCAI-Priority", "bulk"}})).priority == Priority::bulk);
    CHECK(std::get<Forward>(forward("GET", "/agentassist/api/v1/q", {{"x-ccai-priority", "interactive"}})).priority ==
          Priority::interactive);
    CHECK(refused_with(forward("GET", "/agentassist/api/v1/q", {{"X-CCAI-Priority", "urgent"}})) == 400);
}

TEST_CASE("proxy: the paced claim is trusted only from loopback and only when it is the proxy's secret") {
    const Headers claim{{"X-CCAI-Paced", std::string(64, 'a')}};
    const auto trusted = std::get<Forward>(forward("GET", "/agentassist/api/v1/q", claim, true));
    CHECK(trusted.paced);
    CHECK(trusted.request.header("x-ccai-paced").empty());  // never forwarded
    CHECK_FALSE(std::get<Forward>(forward("GET", "/agentassist/api/v1/q", claim, false)).paced);
    // Guessable values prove nothing: the old backend|dir|scope form, a near miss, a prefix, nothing.
    for (const std::string& guess : std::vector<std::string>{"file||account|acc-1", "memory||account|acc-1", std::string(63, 'a') + "b",
                                    std::string(63, 'a'), std::string(65, 'a'), std::string()})
        CHECK_FALSE(std::get<Forward>(forward("GET", "/agentassist/api/v1/q", {{"x-ccai-paced", guess}})).paced);
    // A proxy without a secret (memory or redis pacer) trusts no claim, not even an empty one.
    Upstream none = upstream();
    none.claim.clear();
    const auto v = to_forward(Incoming{"GET", "/agentassist/api/v1/q", {{"x-ccai-paced", ""}}, true}, none);
    CHECK_FALSE(std::get<Forward>(v).paced);
}

TEST_CASE("proxy: answers: the service's response, 429 with Retry-After, 503 when stopping, 502 when unreachable") {
    HttpResponse r{201, {{"content-type", "application/json"}, {"content-encoding", "gzip"}, {"x-request-id", "r1"},
                         {"transfer-encoding", "chunked"}}, R"({"id":1})"};
    const auto ok = to_answer(r);
    CHECK(ok.status == 201);
    CHECK(ok.body == R"({"id":1})");
    CHECK(ok.content_type == "application/json");
    CHECK(ok.headers == Headers{{"x-request-id", "r1"}});

    ApiError limited;
    limited.kind = ErrorKind::rate_limited;
    limited.message = "rate limit still exceeded";
    limited.retry_after = std::chrono::milliseconds(1500);
    const auto a = to_answer(limited);
    CHECK(a.status == 429);
    CHECK(a.headers == Headers{{"Retry-After", "2"}});
    CHECK(nlohmann::json::parse(a.body) == nlohmann::json::parse(R"({"errors":[{"msg":"rate limit still exceeded","code":429}]})"));

    ApiError stopped;
    stopped.kind = ErrorKind::interrupted;
    CHECK(to_answer(stopped).status == 503);
    ApiError down;
    down.kind = ErrorKind::network;
    down.message = "Couldn't connect to server";
    CHECK(to_answer(down).status == 502);
}

TEST_CASE("proxy: --listen HOST:PORT") {
    auto a = parse_listen_address("127.0.0.1:0");
    REQUIRE(a.ok());
    CHECK(a->port == 0);
    CHECK(a->loopback);
    auto v6 = parse_listen_address("[::1]:8787");
    REQUIRE(v6.ok());
    CHECK(v6->host == "::1");
    CHECK(v6->url_host() == "[::1]");
    CHECK(v6->loopback);
    auto any = parse_listen_address("0.0.0.0:9000");
    REQUIRE(any.ok());
    CHECK_FALSE(any->loopback);
    for (const char* bad : {"8787", ":8787", "h:", "h:65536", "h:-1", "h:1x", "::1:80", "h x:80", "[::1]80"})
        CHECK_MESSAGE(!parse_listen_address(bad).ok(), bad);
    CHECK(parse_listen_address("h:99999").error().message ==
          "--listen 'h:99999': the port must be 0-65535; expected HOST:PORT, e.g. 127.0.0.1:8787");
}

TEST_CASE("proxy: --listen is loopback only for loopback addresses, checked as bound") {
    for (const char* yes : {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"})
        CHECK_MESSAGE(is_loopback_address(yes), yes);
    for (const char* no : {"0.0.0.0", "::", "128.0.0.1", "10.127.0.1", "::ffff:10.0.0.1", "localhost",
                           "127.0.0.1.corp.example", "127.0.0.1x", ""})
        CHECK_MESSAGE(!is_loopback_address(no), no);
    // A name is resolved and bound by the address that was checked.
    auto local = parse_listen_address("localhost:0");
    REQUIRE(local.ok());
    CHECK(local->loopback);
    CHECK((local->host == "127.0.0.1" || local->host == "::1"));
    // A name that merely starts like a loopback address is no loopback: unresolvable here, it is refused;
    // resolved, it would be loopback only if every address were.
    auto tricky = parse_listen_address("127.0.0.1.corp.example:8787");
    CHECK((!tricky.ok() || !tricky->loopback));
    auto zero = parse_listen_address("0:8787");  // "0" is 0.0.0.0 in inet_aton's forms: every interface
    REQUIRE(zero.ok());
    CHECK(zero->host == "0.0.0.0");
    CHECK_FALSE(zero->loopback);
    auto short_form = parse_listen_address("127.1:0");
    REQUIRE(short_form.ok());
    CHECK(short_form->host == "127.0.0.1");
    CHECK(short_form->loopback);
}

TEST_CASE("proxy: the bearer token is compared whole") {
    const std::string token = "0123456789abcdef0123";
    CHECK(bearer_matches("Bearer 0123456789abcdef0123", token));
    CHECK(bearer_matches("bearer 0123456789abcdef0123", token));
    CHECK_FALSE(bearer_matches("Bearer 0123456789abcdef012", token));
    CHECK_FALSE(bearer_matches("Bearer 0123456789abcdef01234", token));
    CHECK_FALSE(bearer_matches("Basic 0123456789abcdef0123", token));
    CHECK_FALSE(bearer_matches("", token));
    CHECK_FALSE(bearer_matches("Bearer ", ""));
}

TEST_CASE("proxy: the token file is checked like a credentials file") {
    namespace fs = std::filesystem;
    const auto dir = test::temp_dir();
    const auto path = dir + "/token";
    std::ofstream(path) << "0123456789abcdef0123\n";
    ::chmod(path.c_str(), 0600);
    auto good = read_token_file(path);
    REQUIRE_MESSAGE(good.ok(), good.error().message);
    CHECK(*good == "0123456789abcdef0123");

    ::chmod(path.c_str(), 0640);
    auto open = read_token_file(path);
    REQUIRE_FALSE(open.ok());
    CHECK(open.error().message == "--token-file " + path + " is readable by group or others (mode 640); run: chmod 600 " + path);
    CHECK(open.error().kind == ErrorKind::config);
    ::chmod(path.c_str(), 0600);

    fs::create_symlink(path, dir + "/link");
    auto link = read_token_file(dir + "/link");
    REQUIRE_FALSE(link.ok());
    CHECK(link.error().message.find("it is a symlink") != std::string::npos);

    std::ofstream(dir + "/short") << "abc\n";
    ::chmod((dir + "/short").c_str(), 0600);
    auto short_token = read_token_file(dir + "/short");
    REQUIRE_FALSE(short_token.ok());
    CHECK(short_token.error().message.find("shorter than 16") != std::string::npos);
    CHECK(!read_token_file(dir).ok());                 // a directory
    CHECK(!read_token_file(dir + "/missing").ok());
    ::mkfifo((dir + "/fifo").c_str(), 0600);
    CHECK(!read_token_file(dir + "/fifo").ok());       // refused, not waited on
}

TEST_CASE("proxy: the upload pipe passes bytes in order and reports an abandoned body") {
    BodyPipe pipe(8);
    CHECK(pipe.push("hello ", 6));
    CHECK(pipe.push("world", 5));
    char buf[4];
    std::string got;
    for (int i = 0; i < 3; ++i) {
        const auto n = pipe.pull(buf, sizeof buf);
        got.append(buf, n);
    }
    CHECK(got == "hello worl");
    pipe.finish();
    CHECK(pipe.pull(buf, sizeof buf) == 1);
    CHECK(pipe.pull(buf, sizeof buf) == 0);

    BodyPipe cut(8);
    CHECK(cut.push("ab", 2));
    cut.abandon();
    CHECK(cut.pull(buf, sizeof buf) == kBodySourceAbort);
    cut.close_reader();
    CHECK_FALSE(cut.push("c", 1));
}

namespace {
struct RecordingPacer final : Pacer {
    int acquired = 0;
    std::vector<Duration> penalties;
    Result<Duration> acquire() override {
        ++acquired;
        return Duration(0);
    }
    void penalize(Duration d) override { penalties.push_back(d); }
    Duration time_until_free() override { return Duration(0); }
    Result<nlohmann::json> status() override { return nlohmann::json::object(); }
    Result<Unit> reset() override { return Unit{}; }
};

HttpRequest streamed(const std::string& url) {
    HttpRequest r;
    r.method = "PUT";  // idempotent: only the streamed body keeps it from being sent again
    r.url = url;
    r.body_source = [](char*, std::size_t) -> std::size_t { return 0; };
    return r;
}
}  // namespace

TEST_CASE("a streamed body is sent once: a 429 comes back as it came and pauses the account") {
    auto pacer = std::make_shared<RecordingPacer>();
    test::FakeClient c({{"host", "https://api.example.com"}, {"token", "t"}}, RetryOptions{}, pacer);
    c.transport->push(429, R"({"errors":[{"msg":"slow down","code":429}]})", {{"retry-after", "3"}});
    auto out = c.client->send(streamed("https://api.example.com/agentassist/api/v1/x"));
    REQUIRE(out.ok());
    CHECK(out->status == 429);
    CHECK(c.transport->requests.size() == 1);
    REQUIRE(pacer->penalties.size() == 1);
    CHECK(pacer->penalties[0] >= std::chrono::seconds(3));

    c.transport->push(503);
    auto failed = c.client->send(streamed("https://api.example.com/agentassist/api/v1/x"));
    REQUIRE(failed.ok());
    CHECK(failed->status == 503);
    CHECK(c.transport->requests.size() == 2);
}

TEST_CASE("the SDK sends no paced claim with a pacer it was given, even to a host on this machine") {
    auto pacer = std::make_shared<RecordingPacer>();
    test::FakeClient local({{"host", "http://127.0.0.1:8787"}, {"token", "t"}, {"account_id", "acc-1"}, {"pacer", "file"}},
                           RetryOptions{}, pacer);
    local.transport->push(200);
    REQUIRE(local.client->send(streamed("http://127.0.0.1:8787/agentassist/api/v1/x")).ok());
    CHECK(local.transport->requests[0].header("x-ccai-paced").empty());
}

TEST_CASE("the file pacer's proxy claim: a private random secret beside the state, read back from the same state only") {
    const auto dir = test::temp_dir();
    const auto make = [](const std::string& backend, const std::string& d, const std::string& scope) {
        PacerOptions o;
        o.backend = backend;
        o.dir = d;
        o.scope = scope;
        return o;
    };
    const auto proxy_side = make("file", dir, "account|acc-1");
    CHECK(proxy_claim(proxy_side, false).value() == "");  // none before a proxy made one
    const auto secret = proxy_claim(proxy_side, true).value();
    CHECK(secret.size() == 64);
    CHECK(secret.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(proxy_claim(proxy_side, true).value() != secret);  // a new one each start
    const auto current = proxy_claim(proxy_side, false).value();
    CHECK(current.size() == 64);
    CHECK(proxy_claim(make("", dir, "account|acc-1"), false).value() == current);  // "" is the file backend
    CHECK(proxy_claim(make("file", dir, "account|acc-2"), false).value() == "");             // another scope
    CHECK(proxy_claim(make("file", test::temp_dir(), "account|acc-1"), false).value() == "");  // another dir
    CHECK(proxy_claim(make("memory", dir, "account|acc-1"), true).value() == "");            // memory: never
    CHECK(proxy_claim(make("redis://127.0.0.1:6379", dir, "account|acc-1"), true).value() == "");  // redis: never
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".proxy-claim") {
            ++files;
            CHECK((std::filesystem::status(e.path()).permissions() & std::filesystem::perms::all) ==
                  (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
        }
    CHECK(files == 1);
    // A claim file that is a symbolic link (to a file holding the secret) is refused, as a state file is.
    std::filesystem::path claim_file;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".proxy-claim") claim_file = e.path();
    std::filesystem::rename(claim_file, dir + "/elsewhere");
    std::filesystem::create_symlink(dir + "/elsewhere", claim_file);
    CHECK_FALSE(proxy_claim(make("file", dir, "account|acc-1"), false).ok());
}

TEST_CASE("an answer that quotes the request's credentials reaches the caller with them masked") {
    const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm94eSJ9.c2lnbmF0dXJlLW9mLWEtand0";
    test::FakeClient c({{"host", "https://api.example.com"}, {"token", token.c_str()}}, RetryOptions{},
                       std::make_shared<RecordingPacer>());
    c.transport->push(400, R"({"errors":[{"msg":"bad auth header )" + token + " and again " + token + R"("}]})",
                      {{"x-echo", "auth=" + token}});
    auto out = c.client->send(streamed("https://api.example.com/agentassist/api/v1/x"));
    REQUIRE(out.ok());
    CHECK(out->body == R"({"errors":[{"msg":"bad auth header *** and again ***"}]})");
    CHECK(out->header("x-echo") == "auth=***");
    CHECK(c.transport->requests[0].header("auth") == token);  // sent as it is
}

TEST_CASE("proxy: headers that change the method, path or client address, and hop-by-hop ones, are dropped") {
    const auto v = forward("POST", "/agentassist/api/v1/q",
                           {{"X-HTTP-Method-Override", "DELETE"}, {"X-HTTP-Method", "DELETE"}, {"X-Method-Override", "PUT"},
                            {"X-Forwarded-For", "10.0.0.1"}, {"X-Forwarded-Host", "evil"}, {"Forwarded", "for=1.2.3.4"},
                            {"X-Original-URL", "/admin"}, {"X-Rewrite-URL", "/admin"}, {"Connection", "close, X-Hop"},
                            {"X-Hop", "1"}, {"Keep-Alive", "timeout=5"}, {"TE", "trailers"}, {"X-Kept", "yes"}});
    const auto& r = std::get<Forward>(v).request;
    for (const char* gone : {"x-http-method-override", "x-http-method", "x-method-override", "x-forwarded-for",
                             "x-forwarded-host", "forwarded", "x-original-url", "x-rewrite-url", "connection", "x-hop",
                             "keep-alive", "te"})
        CHECK_MESSAGE(r.header(gone).empty(), gone);
    CHECK(r.header("x-kept") == "yes");
    CHECK(r.method == "POST");
}

TEST_CASE("proxy: a request with both Content-Length and Transfer-Encoding is refused") {
    CHECK(refused_with(forward("POST", "/agentassist/api/v1/q", {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})) ==
          400);
    CHECK(refused_with(forward("POST", "/agentassist/api/v1/q", {{"content-length", "5"}})) == 0);
}

TEST_CASE("proxy: the 503 past --max-pending says when the pacer frees a slot") {
    const auto retry_after = [](Duration wait) {
        const auto a = busy_answer("busy", wait);
        CHECK(a.status == 503);
        for (const auto& [name, value] : a.headers)
            if (name == "Retry-After") return value;
        return std::string("none");
    };
    CHECK(retry_after(Duration(0)) == "1");
    CHECK(retry_after(std::chrono::milliseconds(200)) == "1");
    CHECK(retry_after(std::chrono::milliseconds(59200)) == "60");
    CHECK(retry_after(std::chrono::seconds(60)) == "60");
}
