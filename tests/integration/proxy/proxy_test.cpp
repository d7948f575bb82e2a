// `ccai-cli proxy` end to end: the real proxy in front of a real ccai-mock, with curl, Python (urllib) and
// ccai-cli as its clients, sharing one account budget with ccai-cli calls made directly.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/cli_support.hpp"

using namespace ccai::test;
using ccai::mock::testing::MockProcess;

namespace {

int count_status(const std::vector<nlohmann::json>& log, int status) {
    int n = 0;
    for (const auto& l : log) n += l.value("status", 0) == status ? 1 : 0;
    return n;
}

// The environment of the proxy and of the direct ccai-cli calls: one account, one file pacer (the same
// state directory), the mock's limit, retries allowed.
std::map<std::string, std::string> shared_env(const MockProcess& mock, const std::string& home, const std::string& rate) {
    auto env = cli_env(mock, home);
    env["CCAI_PACER"] = "file";
    env["CCAI_RATE_LIMIT"] = rate;
    env["CCAI_MAX_ATTEMPTS"] = "6";
    env["CCAI_PROXY_TOKEN"] = "";
    return env;
}

// A running `ccai-cli proxy --listen 127.0.0.1:0 ARGS`, its stderr in a file.
class Proxy {
public:
    Proxy(const std::map<std::string, std::string>& env, std::vector<std::string> args = {}) : err_(temp_dir() + "/proxy.err") {
        std::vector<std::string> argv{"bash", "-c", "exec \"$@\" 2>>" + err_, "proxy", cli_path(), "proxy", "--listen", "127.0.0.1:0"};
        argv.insert(argv.end(), args.begin(), args.end());
        proc_ = std::make_unique<Background>(argv, env);
        const auto& line = proc_->first_line();
        for (const std::string prefix : {"listening on http://127.0.0.1:", "listening on https://127.0.0.1:"})
            if (line.starts_with(prefix)) port_ = std::stoi(line.substr(prefix.size()));
        if (port_ == 0) throw std::runtime_error("the proxy did not start: '" + line + "': " + err());
    }
    int port() const { return port_; }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    Background& process() { return *proc_; }
    std::string err() const {
        std::ifstream in(err_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    std::string err_;
    std::unique_ptr<Background> proc_;
    int port_ = 0;
};

const std::string kSkillGroups = "/agentassist/api/v1/public/{botId}/skill-groups";

RunResult sh(const std::string& script, const std::map<std::string, std::string>& env = {}) {
    return run_for(std::chrono::seconds(120), {"bash", "-c", script}, env);
}

int exit_status(pid_t pid) {
    int status = 0;
    for (int i = 0; i < 500; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

}  // namespace

TEST_CASE("proxy: curl loops through the proxy and ccai-cli loops direct share one budget, 0 rejections") {
    MockProcess mock({"--rate-limit", "20/2s", "--count-rejected"});
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "20/2s");
    Proxy proxy(env);
    const auto url = proxy.base() + kSkillGroups;
    const auto script =
        "for i in 1 2 3; do (for j in 1 2 3 4 5; do curl -sS -g -o /dev/null -w '%{http_code}\\n' '" + url + "'; done) & done; "
        "(for j in 1 2 3 4 5; do '" + std::string(cli_path()) + "' skill-groups list >/dev/null || echo cli-failed; done) & wait";
    const auto r = sh(script, env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    std::string all_ok;
    for (int i = 0; i < 15; ++i) all_ok += "200\n";
    CHECK(r.out == all_ok);
    const auto log = mock.log();
    CHECK(count_status(log, 429) == 0);
    CHECK(count_status(log, 200) == 20);
}

TEST_CASE("proxy: a ccai-cli pointed at the proxy is paced once, by itself") {
    MockProcess mock({"--rate-limit", "none"});
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "20/60s");
    Proxy proxy(env);
    auto via = env;
    via["CCAI_HOST"] = proxy.base();
    for (int i = 0; i < 3; ++i) {
        const auto r = cli({"skill-groups", "list"}, via);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    const auto status = cli({"-o", "json", "pacer", "status"}, env);
    REQUIRE_MESSAGE(status.exit_code == 0, status.err);
    CHECK(nlohmann::json::parse(status.out)["limits"][0]["grants_in_window"] == 3);
    CHECK(count_status(mock.log(), 200) == 3);
    const auto grants = [&] {
        const auto st = cli({"-o", "json", "pacer", "status"}, env);
        return nlohmann::json::parse(st.out)["limits"][0]["grants_in_window"].get<int>();
    };
    // A guessed claim (the old backend|dir|scope form) proves nothing: the proxy paces that call.
    const auto forged = sh("curl -sS -g -o /dev/null -w '%{http_code}' -H 'x-ccai-paced: file||account|acc-mock' '" +
                           proxy.base() + kSkillGroups + "'");
    CHECK(forged.out == "200");
    CHECK(grants() == 4);
    // Nor is a client whose pacer is not the proxy's: memory sends no claim, another state directory has no
    // claim file. Each such call is paced by the proxy too.
    via["CCAI_PACER"] = "memory";
    REQUIRE(cli({"skill-groups", "list"}, via).exit_code == 0);
    CHECK(grants() == 5);
    via["CCAI_PACER"] = "file";
    via["XDG_STATE_HOME"] = temp_dir();
    REQUIRE(cli({"skill-groups", "list"}, via).exit_code == 0);
    CHECK(grants() == 6);
}

TEST_CASE("proxy: a Python script (urllib, standard library only) calls through the proxy") {
    if (run({"bash", "-c", "command -v python3"}).exit_code != 0) {
        MESSAGE("python3 is not installed: the urllib client is not tested");
        return;
    }
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    Proxy proxy(env);
    const std::string script = R"PY(
import json, sys, urllib.request, urllib.error
base = sys.argv[1]
with urllib.request.urlopen(base + "/agentassist/api/v1/public/%7BbotId%7D/skill-groups") as r:
    body = json.load(r)
    print(r.status, type(body).__name__)
req = urllib.request.Request(base + "/agentassist/api/v1/public/%7BbotId%7D/skill-groups",
                             headers={"accountid": "someone-else"})
try:
    urllib.request.urlopen(req)
except urllib.error.HTTPError as e:
    print(e.code, json.load(e)["errors"][0]["msg"])
)PY";
    const auto r = run_for(std::chrono::seconds(60), {"python3", "-c", script, proxy.base()}, env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "200 dict\n400 proxy: the accountid header names another account than the proxy's profile\n");
    const auto log = mock.log();
    REQUIRE(log.size() == 1);
    CHECK(log[0]["status"] == 200);
    CHECK(log[0]["account"] == ccai::mock::testing::kAccount);
}

TEST_CASE("proxy: an upload larger than the proxy buffers streams through whole") {
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    Proxy proxy(env, {"-v"});
    const auto csv = temp_dir() + "/big.csv";
    {
        std::ofstream out(csv);
        out << "firstName,lastName,pad\nAnn,Lee," << std::string(9u << 20, 'x') << "\nBob,Ray,y\n";
    }
    const auto r = sh("curl -sS -g -F 'file=@" + csv + ";type=text/csv' '" + proxy.base() +
                      "/agentassist/api/v1/public/{botId}/contacts/import-contacts'");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto answer = nlohmann::json::parse(r.out);
    REQUIRE(answer.is_array());
    REQUIRE(answer.size() == 2);  // the row after the 9 MiB one arrived too
    CHECK(answer[1]["firstName"] == "Bob");
    CHECK(proxy.err().find("-> 200") != std::string::npos);
    CHECK(proxy.err().find("streamed") != std::string::npos);
}

TEST_CASE("proxy: beyond loopback it needs --allow-remote, TLS and a token") {
    const auto home = temp_dir();
    auto env = cli_env("http://127.0.0.1:1", home);
    const auto no_flags = cli_for(std::chrono::seconds(20), {"proxy", "--listen", "0.0.0.0:0"}, env);
    CHECK(no_flags.exit_code == 2);
    CHECK(error_of(no_flags)["message"] ==
          "proxy: listening on 0.0.0.0 lets other hosts spend the account's budget with its credentials: it needs "
          "--allow-remote, --tls-cert and --tls-key, --token-file or CCAI_PROXY_TOKEN");
    env["CCAI_PROXY_TOKEN"] = "0123456789abcdef0123";
    const auto no_tls = cli_for(std::chrono::seconds(20), {"proxy", "--listen", "0.0.0.0:0", "--allow-remote"}, env);
    CHECK(no_tls.exit_code == 2);
    CHECK(error_of(no_tls)["message"] ==
          "proxy: listening on 0.0.0.0 lets other hosts spend the account's budget with its credentials: it needs "
          "--tls-cert and --tls-key");
    env["CCAI_PROXY_TOKEN"] = "abc123xyz";
    const auto weak = cli_for(std::chrono::seconds(20), {"proxy"}, env);
    CHECK(weak.exit_code == 3);
    CHECK(error_of(weak)["message"] == "the proxy token (CCAI_PROXY_TOKEN) is shorter than 16 characters: make a longer "
                                       "one, e.g. openssl rand -hex 32");
    CHECK(weak.err.find("abc123xyz") == std::string::npos);  // never echoed
}

TEST_CASE("proxy: with a token, a client without it gets 401 and nothing is forwarded") {
    MockProcess mock({"--rate-limit", "20/2s"});
    auto env = shared_env(mock, temp_dir(), "20/2s");
    const std::string token = "0123456789abcdef0123456789abcdef";
    const auto file = temp_dir() + "/token";
    std::ofstream(file) << token << "\n";
    ::chmod(file.c_str(), 0600);
    Proxy proxy(env, {"--token-file", file, "-v"});
    const auto url = proxy.base() + kSkillGroups;
    const auto r = sh("curl -sS -g -o /dev/null -w '%{http_code} ' '" + url + "'; "
                      "curl -sS -g -o /dev/null -w '%{http_code} ' -H 'Authorization: Bearer wrong-token-0123456789' '" + url + "'; "
                      "curl -sS -g -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer " + token + "' '" + url + "'");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "401 401 200");
    CHECK(mock.log().size() == 1);
    CHECK(proxy.err().find(token) == std::string::npos);
}

TEST_CASE("proxy: SIGTERM answers waiting requests 503, lets the one upstream finish, and leaves the pacer consistent") {
    // 2 per 4 s with a burst of 1: the first request goes out at once (it takes 1.5 s at the mock), the
    // other three wait for the pacer (one interval is 2 s) when the proxy is told to stop.
    MockProcess mock({"--rate-limit", "none", "--latency", "1500"});
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "2/4s");
    Proxy proxy(env);
    const auto url = proxy.base() + kSkillGroups;
    std::string codes;
    std::thread clients([&] {
        codes = sh("for i in 1 2 3 4; do curl -sS -g -o /dev/null -w '%{http_code}\\n' '" + url +
                   "' & sleep 0.1; done; wait").out;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    ::kill(proxy.process().pid(), SIGTERM);
    CHECK(exit_status(proxy.process().pid()) == 0);
    clients.join();
    std::vector<std::string> lines;
    std::istringstream in(codes);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    CHECK(lines == std::vector<std::string>{"200", "503", "503", "503"});  // every client got an answer
    const auto status = cli({"-o", "json", "pacer", "status"}, env);
    REQUIRE_MESSAGE(status.exit_code == 0, status.err);
    const auto s = nlohmann::json::parse(status.out);
    CHECK(s["waiting"]["interactive"]["count"] == 0);
    CHECK(s["limits"][0]["grants_in_window"] == 1);  // the request sent; the waiting ones gave theirs back
    CHECK(count_status(mock.log(), 200) == 1);
}

TEST_CASE("proxy: killed mid-request (SIGKILL), it leaves the pacer usable") {
    MockProcess mock({"--rate-limit", "none", "--latency", "1000"});
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "20/2s");
    auto proxy = std::make_unique<Proxy>(env);
    const auto url = proxy->base() + kSkillGroups;
    std::thread client([&] { sh("curl -sS -g -o /dev/null '" + url + "' & curl -sS -g -o /dev/null '" + url + "' & wait"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    proxy->process().kill(SIGKILL);
    client.join();
    const auto status = cli({"-o", "json", "pacer", "status"}, env);
    REQUIRE_MESSAGE(status.exit_code == 0, status.err);
    CHECK(nlohmann::json::parse(status.out)["waiting"]["interactive"]["count"] == 0);
    const auto after = cli_for(std::chrono::seconds(30), {"skill-groups", "list"}, env);
    CHECK_MESSAGE(after.exit_code == 0, after.err);
}

TEST_CASE("proxy: serves HTTPS with --tls-cert and --tls-key") {
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    const auto dir = temp_dir();
    const auto made = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                           "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    Proxy proxy(env, {"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
    const auto r = sh("curl -sS -g --cacert '" + dir + "/cert.pem' -o /dev/null -w '%{http_code}' 'https://127.0.0.1:" +
                      std::to_string(proxy.port()) + kSkillGroups + "'");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "200");
    const auto bad = cli_for(std::chrono::seconds(20), {"proxy", "--listen", "127.0.0.1:0", "--tls-cert", dir + "/cert.pem",
                                                        "--tls-key", dir + "/cert.pem"}, env);
    CHECK(bad.exit_code == 3);
    CHECK(error_of(bad)["message"].get<std::string>().find("cannot be loaded") != std::string::npos);
}

TEST_CASE("proxy: a wait longer than --max-wait gets 429 with Retry-After in the service's shape") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = shared_env(mock, temp_dir(), "2/4s");  // a burst of 1, then one call per 2 s
    Proxy proxy(env, {"--max-wait", "1"});
    const auto url = proxy.base() + kSkillGroups;
    const auto r = sh("curl -sS -g -o /dev/null '" + url + "' && curl -sS -g -D - '" + url + "'");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.starts_with("HTTP/1.1 429"));
    // The next slot is one interval (2.01 s) after the first call's: rounded up to whole seconds.
    CHECK((r.out.find("Retry-After: 2\r\n") != std::string::npos || r.out.find("Retry-After: 3\r\n") != std::string::npos));
    const auto body = nlohmann::json::parse(r.out.substr(r.out.find("\r\n\r\n") + 4));
    CHECK(body["errors"][0]["code"] == 429);
    CHECK(body["errors"][0]["msg"].get<std::string>().find("max_wait") != std::string::npos);
    CHECK(mock.log().size() == 1);
}

TEST_CASE("proxy: past --max-pending, a request gets 503 with Retry-After at once") {
    MockProcess mock({"--rate-limit", "none", "--latency", "1500"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    Proxy proxy(env, {"--max-pending", "1"});
    const auto url = proxy.base() + kSkillGroups;
    const auto r = sh("curl -sS -g -o /dev/null -w '%{http_code}\\n' '" + url + "' & sleep 0.5; "
                      "curl -sS -g -D - -o /dev/null -w '%{http_code} %{time_total}\\n' '" + url + "'; wait");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("HTTP/1.1 503") != std::string::npos);
    CHECK(r.out.find("Retry-After: 1\r\n") != std::string::npos);
    CHECK(r.out.ends_with("200\n"));  // the first, once the mock answers
    CHECK(mock.log().size() == 1);
}

TEST_CASE("proxy: a POST whose outcome is unknown is not sent again") {
    MockProcess mock({"--rate-limit", "none", "--drop-after-rate", "1"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    Proxy proxy(env);
    const auto r = sh("curl -sS -g -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "
                      "--data '{\"name\":\"sg\",\"description\":\"d\"}' '" + proxy.base() +
                      "/agentassist/api/v1/public/{botId}/skill-groups'");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "502");
    CHECK(mock.log().size() == 1);  // six attempts were allowed (CCAI_MAX_ATTEMPTS); one was made
}

TEST_CASE("proxy: a POST whose client hung up while it waited for the pacer is not sent") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = shared_env(mock, temp_dir(), "1/3s");
    Proxy proxy(env);
    REQUIRE(cli({"skill-groups", "list"}, env).exit_code == 0);  // the window's only slot is taken
    // curl gives up after 0.5 s; the slot frees about 3 s after the first call.
    const auto r = sh("curl -sS -g -m 0.5 -o /dev/null -H 'Content-Type: application/json' --data '{\"name\":\"sg\","
                      "\"description\":\"d\"}' '" + proxy.base() + "/agentassist/api/v1/public/{botId}/skill-groups'; "
                      "echo curl=$?; sleep 4");
    CHECK(r.out == "curl=28\n");
    const auto log = mock.log();
    CHECK(log.size() == 1);
    CHECK(std::none_of(log.begin(), log.end(), [](const auto& l) { return l.value("method", "") == "POST"; }));
}

TEST_CASE("proxy: with --cache, two identical GETs make one upstream request and the second carries Age") {
    MockProcess mock;
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "100/1m");
    Proxy proxy(env, {"--cache", "30s"});
    httplib::Client client("127.0.0.1", proxy.port());
    const std::string path = "/agentassist/api/v1/public/%7BbotId%7D/skill-groups";
    const auto first = client.Get(path);
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK_FALSE(first->has_header("Age"));
    const auto second = client.Get(path);
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK(second->get_header_value("Age") == "0");
    CHECK(second->body == first->body);
    CHECK(mock.log().size() == 1);
    const auto scrape = client.Get("/metrics");
    REQUIRE(scrape);
    CHECK(scrape->body.find("ccai_proxy_cache_hits_total 1\n") != std::string::npos);
    CHECK(scrape->body.find("ccai_proxy_cache_misses_total 1\n") != std::string::npos);
    // A write through the proxy drops the family: the next GET goes upstream.
    const auto created = client.Post(path, R"({"name":"Languages"})", "application/json");
    REQUIRE(created);
    CHECK(created->status == 200);
    const auto third = client.Get(path);
    REQUIRE(third);
    CHECK_FALSE(third->has_header("Age"));
    CHECK(mock.log().size() == 3);
}

TEST_CASE("proxy: GET /metrics counts requests by operation and status, a rejection and its retry; pacer status shows them") {
    // The mock allows 3 calls per 2 s and says when to come back; the proxy's pacer thinks 20 are fine, so
    // the fourth call is rejected once and sent again after the pause.
    MockProcess mock({"--rate-limit", "3/2s", "--retry-after"});
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "20/2s");
    Proxy proxy(env);
    const auto url = proxy.base() + kSkillGroups;
    const auto r = sh("for i in 1 2 3 4; do curl -sS -g -o /dev/null -w '%{http_code} ' '" + url + "'; done; "
                      "curl -sS -g -o /dev/null -w '%{http_code} ' '" + proxy.base() + "/not/the/api'; "
                      "curl -sS -g -o /dev/null -w '%{http_code}' -X POST '" + proxy.base() + "/metrics'");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "200 200 200 200 404 405");
    CHECK(count_status(mock.log(), 429) == 1);
    CHECK(count_status(mock.log(), 200) == 4);

    const auto scrape = sh("curl -sS -g -D - '" + proxy.base() + "/metrics'");
    REQUIRE_MESSAGE(scrape.exit_code == 0, scrape.err);
    CHECK(scrape.out.starts_with("HTTP/1.1 200"));
    CHECK(scrape.out.find("Content-Type: text/plain; version=0.0.4\r\n") != std::string::npos);
    const auto text = scrape.out.substr(scrape.out.find("\r\n\r\n") + 4);
    CHECK(text.starts_with("# HELP ccai_proxy_requests_total "));
    for (const std::string line : {"ccai_proxy_requests_total{operation=\"other\",status=\"404\"} 1\n",
                                   "ccai_proxy_requests_total{operation=\"skill-groups.list\",status=\"200\"} 4\n",
                                   "ccai_proxy_pacer_wait_seconds_bucket{le=\"+Inf\"} 4\n",
                                   "ccai_proxy_pacer_wait_seconds_count 4\n",
                                   "ccai_proxy_rejections_total 1\n",
                                   "ccai_proxy_retries_total 1\n",
                                   "ccai_proxy_cache_hits_total 0\n",
                                   "ccai_proxy_cache_misses_total 0\n"}) {
        CAPTURE(line);
        CHECK(text.find(line) != std::string::npos);
    }
    // Scrapes and refusals of /metrics are not requests of the API: none counted, none forwarded.
    CHECK(text.find("status=\"405\"") == std::string::npos);
    CHECK(mock.log().size() == 5);

    // pacer status on the same scope shows the proxy's totals (written once a second while it runs).
    auto proxy_section = nlohmann::json::object();
    for (int i = 0; i < 50 && proxy_section.value("totals", nlohmann::json::object()).value("requests", 0) != 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto st = cli({"-o", "json", "pacer", "status"}, env);
        REQUIRE_MESSAGE(st.exit_code == 0, st.err);
        CHECK(st.err == "");
        proxy_section = nlohmann::json::parse(st.out).value("proxy", nlohmann::json::object());
    }
    CHECK(proxy_section["pid"] == proxy.process().pid());
    CHECK(proxy_section["listen"] == proxy.base());
    CHECK(proxy_section["stale"] == false);
    CHECK(proxy_section["totals"]["requests"] == 5);
    CHECK(proxy_section["totals"]["paced"] == 4);
    CHECK(proxy_section["totals"]["rejections"] == 1);
    CHECK(proxy_section["totals"]["retries"] == 1);
    const auto table = cli({"-o", "text", "--headers", "pacer", "status"}, env);
    REQUIRE_MESSAGE(table.exit_code == 0, table.err);
    // After the status and the waiting calls, a line for the proxy (columns in name order).
    CHECK(table.out.find("\ncache_hits\tcache_misses\tlisten\tpaced\tpacer_wait_seconds\tproxy_pid\trejections\trequests\t"
                         "retries\tstale\tstarted_at\tupdated_at\n0\t0\t" + proxy.base() + "\t4\t") != std::string::npos);
    CHECK(table.out.find("\t" + std::to_string(proxy.process().pid()) + "\t1\t5\t1\tfalse\t") != std::string::npos);

    // Stopped, it leaves its last totals, marked stale.
    ::kill(proxy.process().pid(), SIGTERM);
    CHECK(exit_status(proxy.process().pid()) == 0);
    const auto after = cli({"-o", "json", "pacer", "status"}, env);
    REQUIRE_MESSAGE(after.exit_code == 0, after.err);
    const auto gone = nlohmann::json::parse(after.out)["proxy"];
    CHECK(gone["stale"] == true);
    CHECK(gone["totals"]["requests"] == 5);
}

TEST_CASE("proxy: with a token, /metrics needs it too") {
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto env = shared_env(mock, temp_dir(), "20/2s");
    const std::string token = "0123456789abcdef0123456789abcdef";
    const auto file = temp_dir() + "/token";
    std::ofstream(file) << token << "\n";
    ::chmod(file.c_str(), 0600);
    Proxy proxy(env, {"--token-file", file});
    const auto url = proxy.base() + "/metrics";
    const auto r = sh("curl -sS -o /dev/null -w '%{http_code} ' '" + url + "'; "
                      "curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer " + token + "' '" + url + "'");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "401 200");
    CHECK(mock.log().empty());
}

TEST_CASE("proxy: with --cache, a client's per-request headers still hit; Cache-Control no-cache goes upstream") {
    MockProcess mock;
    const auto home = temp_dir();
    const auto env = shared_env(mock, home, "100/1m");
    Proxy proxy(env, {"--cache", "30s"});
    httplib::Client client("127.0.0.1", proxy.port());
    const std::string path = "/agentassist/api/v1/public/%7BbotId%7D/skill-groups";
    REQUIRE(client.Get(path, {{"Postman-Token", "a1"}, {"tracestate", "x=1"}, {"X-Amzn-Trace-Id", "Root=1"}}));
    const auto again = client.Get(path, {{"Postman-Token", "b2"}, {"tracestate", "x=2"}, {"X-Amzn-Trace-Id", "Root=2"},
                                         {"baggage", "k=v"}, {"X-B3-TraceId", "abc"}});
    REQUIRE(again);
    CHECK(again->get_header_value("Age") == "0");
    CHECK(mock.log().size() == 1);
    const auto fresh = client.Get(path, {{"Cache-Control", "no-cache"}});
    REQUIRE(fresh);
    CHECK(fresh->status == 200);
    CHECK_FALSE(fresh->has_header("Age"));
    CHECK(mock.log().size() == 2);
}
