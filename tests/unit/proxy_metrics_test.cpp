// The proxy's metrics: the Prometheus exposition text, bounded labels, the wait histogram, and the stats
// file `pacer status` reads (written whole; hostile files ignored with a warning).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ccai/proxy_stats.hpp"
#include "proxy/proxy_metrics.hpp"
#include "proxy/stats_writer.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::cli::proxy;
using namespace std::chrono_literals;

TEST_CASE("proxy metrics: the exposition text, exactly") {
    ProxyMetrics m;
    m.count_request("skill-groups.list", 200);
    m.count_request("skill-groups.list", 200);
    m.count_request("other", 404);
    m.count_request("skill-groups.create", 429);
    m.observe_pacer_wait(0us);
    m.observe_pacer_wait(1500ms);
    m.observe_pacer_wait(2500ms);  // on a bucket's bound: counted in it
    m.count_attempts(3, 2);
    m.count_attempts(1, 0);
    m.count_cache(true);
    m.count_cache(false);
    m.count_cache(false);
    CHECK(m.exposition() ==
          "# HELP ccai_proxy_requests_total Requests the proxy answered, by catalog operation (or other) and status code (or class).\n"
          "# TYPE ccai_proxy_requests_total counter\n"
          "ccai_proxy_requests_total{operation=\"other\",status=\"404\"} 1\n"
          "ccai_proxy_requests_total{operation=\"skill-groups.create\",status=\"429\"} 1\n"
          "ccai_proxy_requests_total{operation=\"skill-groups.list\",status=\"200\"} 2\n"
          "# HELP ccai_proxy_pacer_wait_seconds Time each request the proxy paced waited for the pacer, over all its attempts.\n"
          "# TYPE ccai_proxy_pacer_wait_seconds histogram\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.001\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.01\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.05\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.1\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.25\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"0.5\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"1\"} 1\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"2.5\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"5\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"10\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"30\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"60\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"120\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"300\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_bucket{le=\"+Inf\"} 3\n"
          "ccai_proxy_pacer_wait_seconds_sum 4\n"
          "ccai_proxy_pacer_wait_seconds_count 3\n"
          "# HELP ccai_proxy_rejections_total Rate-limit rejections (429) the service answered to forwarded requests.\n"
          "# TYPE ccai_proxy_rejections_total counter\n"
          "ccai_proxy_rejections_total 2\n"
          "# HELP ccai_proxy_retries_total Forwarded requests sent again after a rejection or a transient failure.\n"
          "# TYPE ccai_proxy_retries_total counter\n"
          "ccai_proxy_retries_total 2\n"
          "# HELP ccai_proxy_cache_hits_total Requests answered from the response cache.\n"
          "# TYPE ccai_proxy_cache_hits_total counter\n"
          "ccai_proxy_cache_hits_total 1\n"
          "# HELP ccai_proxy_cache_misses_total Cacheable requests the response cache could not answer.\n"
          "# TYPE ccai_proxy_cache_misses_total counter\n"
          "ccai_proxy_cache_misses_total 2\n");
    const auto t = m.totals();
    CHECK(t.requests == 4);
    CHECK(t.paced == 3);
    CHECK(t.pacer_wait == 4s);
    CHECK(t.cache_hits == 1);
    CHECK(t.cache_misses == 2);
}

TEST_CASE("proxy metrics: a wait past the last bucket, and a fractional sum") {
    ProxyMetrics m;
    m.observe_pacer_wait(1h);
    m.observe_pacer_wait(1500us);
    m.observe_pacer_wait(-5s);  // never below 0
    const auto text = m.exposition();
    CHECK(text.find("ccai_proxy_pacer_wait_seconds_bucket{le=\"0.001\"} 1\n") != std::string::npos);
    CHECK(text.find("ccai_proxy_pacer_wait_seconds_bucket{le=\"0.01\"} 2\n") != std::string::npos);
    CHECK(text.find("ccai_proxy_pacer_wait_seconds_bucket{le=\"300\"} 2\n") != std::string::npos);
    CHECK(text.find("ccai_proxy_pacer_wait_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
    CHECK(text.find("ccai_proxy_pacer_wait_seconds_sum 3600.0015\n") != std::string::npos);
}

TEST_CASE("proxy metrics: labels come from bounded sets") {
    CHECK(status_label(200) == "200");
    CHECK(status_label(429) == "429");
    CHECK(status_label(503) == "503");
    CHECK(status_label(299) == "2xx");
    CHECK(status_label(418) == "4xx");
    CHECK(status_label(599) == "5xx");
    CHECK(status_label(600) == "other");
    CHECK(status_label(0) == "other");
    CHECK(status_label(-1) == "other");
    CHECK(operation_of("GET", "/agentassist/api/v1/public/{botId}/skill-groups") == "skill-groups.list");
    CHECK(operation_of("GET", "/agentassist/api/v1/public/%7BbotId%7D/skill-groups?limit=5") == "skill-groups.list");
    CHECK(operation_of("POST", "/agentassist/api/v1/public/st-1/skill-groups") == "skill-groups.create");
    CHECK(operation_of("GET", "/agentassist/api/v1/public/st-1/skill-groups/sg-9") == "skill-groups.get");
    CHECK(operation_of("PATCH", "/agentassist/api/v1/public/st-1/skill-groups/sg-9") == "other");
    CHECK(operation_of("GET", "/agentassist/api/v1/public/st-1/no-such-thing") == "other");
    CHECK(operation_of("GET", "/../../etc/passwd") == "other");
    CHECK(operation_of("GET", "") == "other");
    // Operations on one path told apart by the query values they fix.
    CHECK(operation_of("POST", "/campaign/api/v2/public/st-1/campaign/c-1/status?view=contacts") == "campaigns-v2.contacts");
    CHECK(operation_of("POST", "/campaign/api/v2/public/st-1/campaign/c-1/status?view=status") == "campaigns-v2.status");
    // A hostile client sends many distinct paths and codes: the label set does not grow past the catalog.
    ProxyMetrics m;
    for (int i = 0; i < 2000; ++i)
        m.count_request(operation_of("GET", "/agentassist/api/v1/public/st-1/x" + std::to_string(i)), 600 + i);
    const auto text = m.exposition();
    CHECK(text.find("ccai_proxy_requests_total{operation=\"other\",status=\"other\"} 2000\n") != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 34);  // one requests line only
}

TEST_CASE("proxy metrics: label values are escaped") {
    CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(escape_label_value("skill-groups.list") == "skill-groups.list");
    ProxyMetrics m;
    m.count_request("x\"y", 200);
    CHECK(m.exposition().find("ccai_proxy_requests_total{operation=\"x\\\"y\",status=\"200\"} 1\n") != std::string::npos);
}

namespace {
PacerOptions stats_place(const std::string& dir) {
    PacerOptions o;
    o.dir = dir;
    o.scope = "https://test.invalid|acct-stats";
    return o;
}
std::string stats_path(const std::string& dir) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().string().ends_with(".proxy-stats")) return e.path().string();
    return "";
}
}  // namespace

TEST_CASE("proxy stats file: written private and whole, read back, stale once its writer is gone") {
    const auto dir = test::temp_dir() + "/pacer";
    const auto o = stats_place(dir);
    ProxyMetrics m;
    m.count_request("skill-groups.list", 200);
    {
        StatsWriter w(o, m, stderr);
        w.start("http://127.0.0.1:8787", std::chrono::hours(1));
        const auto read = read_proxy_stats(o);
        CHECK(read.warning == "");
        REQUIRE(read.stats);
        CHECK((*read.stats)["pid"] == ::getpid());
        CHECK((*read.stats)["listen"] == "http://127.0.0.1:8787");
        CHECK((*read.stats)["stale"] == false);
        CHECK((*read.stats)["totals"]["requests"] == 1);
        CHECK_FALSE(read.stats->contains("process_start"));
        m.count_request("skill-groups.list", 200);
    }  // the final write has the last totals
    const auto path = stats_path(dir);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto read = read_proxy_stats(o);
    REQUIRE(read.stats);
    CHECK((*read.stats)["totals"]["requests"] == 2);
    // Another process's stats whose process is gone (a pid of no process): stale.
    auto j = nlohmann::json::parse(std::ifstream(path));
    j["pid"] = 0x3fffffff;
    std::ofstream(path) << j.dump();
    read = read_proxy_stats(o);
    REQUIRE(read.stats);
    CHECK((*read.stats)["stale"] == true);
    // Nothing beside the file is left behind (the temporary one was renamed).
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("proxy stats file: a hostile or broken file is ignored with a warning, never followed or waited on") {
    const auto dir = test::temp_dir() + "/pacer";
    const auto o = stats_place(dir);
    ProxyMetrics m;
    {
        StatsWriter w(o, m, stderr);
        w.start("http://127.0.0.1:1", std::chrono::hours(1));
    }
    const auto path = stats_path(dir);
    REQUIRE(!path.empty());
    const auto expect_ignored = [&](const std::string& why) {
        const auto read = read_proxy_stats(o);
        CHECK_FALSE(read.stats);
        CHECK(read.warning == "proxy stats file " + path + " ignored: " + why);
    };
    std::filesystem::remove(path);
    CHECK(read_proxy_stats(o).warning == "");  // none: nothing to say
    std::filesystem::create_symlink("/etc/passwd", path);
    expect_ignored("it is a symbolic link");
    std::filesystem::remove(path);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);  // no writer: a blocking open would hang
    expect_ignored("not a regular file");
    std::filesystem::remove(path);
    std::ofstream(path) << std::string(kMaxProxyStatsBytes + 1, ' ');
    expect_ignored("larger than a proxy writes");
    std::ofstream(path) << "{\"pid\": \"1\", \"totals\": {}}";
    expect_ignored("not a proxy's stats");
    std::ofstream(path) << "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[";
    expect_ignored("not a proxy's stats");
    std::ofstream(path) << std::string(1000, '[');
    expect_ignored("not a proxy's stats");
    std::filesystem::remove(path);
    std::filesystem::create_directory(path);
    expect_ignored("not a regular file");
    std::filesystem::remove(path);
    if (::geteuid() == 0) {
        std::ofstream(path) << "{\"pid\":1,\"process_start\":1,\"totals\":{}}";
        REQUIRE(::chown(path.c_str(), 4321, 4321) == 0);
        expect_ignored("it belongs to uid 4321, not to you");
    }
}

TEST_CASE("proxy stats file: a writer that cannot write says so once and goes on") {
    const auto dir = test::temp_dir() + "/pacer";
    std::filesystem::create_directories(dir);
    const auto o = stats_place(dir);
    ProxyMetrics m;
    // A directory where the file goes: the rename fails.
    {
        StatsWriter probe(o, m, stderr);
        probe.start("http://127.0.0.1:1", std::chrono::hours(1));
    }
    const auto path = stats_path(dir);
    std::filesystem::remove(path);
    std::filesystem::create_directories(path + "/x");
    const auto err_path = test::temp_dir() + "/err";
    std::FILE* err = std::fopen(err_path.c_str(), "w");
    {
        StatsWriter w(o, m, err);
        w.start("http://127.0.0.1:1", std::chrono::hours(1));
    }  // two writes: at start and at the end
    std::fclose(err);
    std::ifstream in(err_path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.starts_with("warning: proxy: the stats for `ccai-cli pacer status` cannot be written: pacer: cannot rename "));
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);
}
