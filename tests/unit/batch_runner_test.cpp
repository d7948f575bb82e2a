// Batch runner: results exactly once, invalid lines, journal replay and in-doubt handling (fakes, no sleeps).
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "ccai/batch.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using nlohmann::json;

namespace {

// The pipeline over a fake transport; the tests' records land in `dir`.
struct Fixture : test::FakeClient {
    std::string dir = test::temp_dir();
    Fixture()
        : FakeClient({{"host", "https://ccai.test"}, {"bot_id", "st-bot"}, {"account_id", "acc-1"}, {"client_id", "cs-id"},
                      {"client_secret", "TOPSECRET-value"}},
                     RetryOptions{2, std::chrono::seconds(10), std::chrono::milliseconds(1), std::chrono::milliseconds(1), 1}) {
        transport->answer_all(200);  // every line succeeds unless a test queues another answer
    }
    std::string results() const { return dir + "/results.jsonl"; }
};

batch::Input input_of(const std::string& text) {
    std::istringstream in(text);
    auto input = batch::read_jsonl(in);
    REQUIRE(input);
    return std::move(*input);
}

std::string creates(int n) {
    std::string text;
    for (int i = 1; i <= n; ++i)
        text += json{{"op", "skill-groups.create"}, {"body", {{"name", "g" + std::to_string(i)}}}, {"id", "k" + std::to_string(i)}}.dump() + "\n";
    return text;
}

std::vector<json> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<json> out;
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
}

// Results are in the order lines finish; tests look them up by line (and each line must appear once).
std::map<long long, json> by_line(const std::vector<json>& rows) {
    std::map<long long, json> out;
    for (const auto& r : rows) CHECK(out.emplace(r["line"].get<long long>(), r).second);
    return out;
}

void append(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

}  // namespace

TEST_CASE("batch runner: one record per line with outcome, status, attempts") {
    Fixture f;
    f.transport->push(201, R"({"id":"sg-1"})");
    f.transport->push(400, R"({"errors":[{"msg":"name taken","code":"dup"}]})");
    f.transport->push(429, "You've exceeded the per-minute rate limit. Please wait for sometime before retrying.");
    f.transport->push(200, R"({"id":"sg-3"})");
    auto input = input_of(creates(3));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    o.concurrency = 1;
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(summary->counts.ok == 2);
    CHECK(summary->counts.failed == 1);
    CHECK(summary->counts.retries == 1);
    CHECK_FALSE(summary->all_ok());
    const auto rows = read_lines(f.results());
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["outcome"] == "ok");
    CHECK(rows[0]["status"] == 201);
    CHECK(rows[0]["response"]["id"] == "sg-1");
    CHECK(rows[0]["id"] == "k1");
    CHECK(rows[1]["outcome"] == "failed");
    CHECK(rows[1]["status"] == 400);
    CHECK(rows[1]["error"]["code"] == "dup");
    CHECK(rows[2]["attempts"] == 2);
    CHECK(rows[2]["outcome"] == "ok");
}

TEST_CASE("batch runner: invalid lines stop the run before anything is sent, unless skipped") {
    Fixture f;
    auto input = input_of(creates(2) + "{\"op\":\"skill-groups.create\",\"body\":{}}\n");
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    CHECK_FALSE(batch::Runner(*f.client, o).run(input));
    CHECK(f.transport->requests.empty());
    o.skip_invalid = true;
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(f.transport->requests.size() == 2);
    CHECK(summary->counts.invalid == 1);
    auto rows = by_line(read_lines(f.results()));
    REQUIRE(rows.size() == 3);
    CHECK(rows[3]["outcome"] == "invalid");
    CHECK(rows[3]["error"]["kind"] == "invalid_input");
}

TEST_CASE("batch runner: an interrupted run resumes; every line is sent exactly once") {
    Fixture f;
    auto input = input_of(creates(10));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    o.concurrency = 3;
    std::atomic<int> records{0};
    o.on_record = [&](const batch::Record&) { ++records; };
    o.stop = [&] { return records >= 4; };
    auto first = batch::Runner(*f.client, o).run(input);
    REQUIRE(first);
    CHECK(first->interrupted);
    CHECK(first->not_started > 0);
    CHECK_FALSE(batch::Runner(*f.client, o).run(input));  // the journal exists: --resume or nothing
    o.stop = nullptr;
    o.resume = true;
    auto second = batch::Runner(*f.client, o).run(input);
    REQUIRE(second);
    CHECK(second->all_ok());
    CHECK(f.transport->requests.size() == 10);
    std::multiset<std::string> bodies;
    for (const auto& r : f.transport->requests) bodies.insert(r.body);
    CHECK(std::set<std::string>(bodies.begin(), bodies.end()).size() == 10);
    auto rows = by_line(read_lines(f.results()));
    REQUIRE(rows.size() == 10);
    for (int i = 1; i <= 10; ++i) CHECK(rows[i]["outcome"] == "ok");
}

TEST_CASE("batch runner: a line started without an outcome is in doubt, not re-sent (unless idempotent or asked)") {
    Fixture f;
    auto input = input_of(creates(2) + R"({"op":"skill-groups.get","params":{"skillGroupId":"sg-1"}})" "\n" + creates(1));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    o.stop = [] { return true; };
    REQUIRE(batch::Runner(*f.client, o).run(input));  // journal with its header only
    // As if killed: line 1 sent without outcome, line 3 (GET) too, line 4's start torn mid-write.
    append(f.results() + ".journal", "{\"start\":1}\n{\"start\":3}\n{\"sta");
    o.stop = nullptr;
    o.resume = true;
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(summary->counts.in_doubt == 1);
    CHECK(f.transport->requests.size() == 3);  // lines 2, 3 (GET is safe to repeat) and 4
    auto rows = by_line(read_lines(f.results()));
    REQUIRE(rows.size() == 4);
    CHECK(rows[1]["outcome"] == "in-doubt");
    CHECK(rows[1]["error"]["kind"] == "in_doubt");
    // A later resume keeps it in doubt; --retry-in-doubt sends it.
    REQUIRE(batch::Runner(*f.client, o).run(input));
    CHECK(f.transport->requests.size() == 3);
    o.retry_in_doubt = true;
    auto retried = batch::Runner(*f.client, o).run(input);
    REQUIRE(retried);
    CHECK(f.transport->requests.size() == 4);
    CHECK(retried->all_ok());
    rows = by_line(read_lines(f.results()));
    REQUIRE(rows.size() == 4);
    CHECK(rows[1]["outcome"] == "ok");  // the journal's later record for line 1 replaced the in-doubt one
}

TEST_CASE("batch runner: a network failure on a create is in doubt; the journal holds no secrets") {
    Fixture f;
    ApiError timeout;
    timeout.kind = ErrorKind::network;
    timeout.message = "timed out";
    f.transport->push_error(timeout);
    auto input = input_of(creates(2));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    o.concurrency = 1;
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(summary->counts.in_doubt == 1);
    CHECK(summary->counts.ok == 1);
    for (const auto& path : {f.results(), f.results() + ".journal"}) {
        const auto text = slurp(path);
        CHECK(text.find("TOPSECRET") == std::string::npos);
        CHECK(text.find("eyJ") == std::string::npos);
        CHECK(text.find("auth") == std::string::npos);
    }
}

TEST_CASE("batch runner: a journal from another input is refused") {
    Fixture f;
    auto a = input_of(creates(2));
    auto b = input_of(creates(3));
    batch::validate(a, f.client->config());
    batch::validate(b, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    REQUIRE(batch::Runner(*f.client, o).run(a));
    o.resume = true;
    auto other = batch::Runner(*f.client, o).run(b);
    REQUIRE_FALSE(other);
    CHECK(other.error().message.find("different input") != std::string::npos);
}

TEST_CASE("batch runner: a journal whose header holds other types is refused, not a crash") {
    for (const std::string header : {R"({"journal":"1"})", R"({"journal":1,"fingerprint":7,"lines":"x"})", "[1]", "null"}) {
        CAPTURE(header);
        Fixture f;
        auto input = input_of(creates(2));
        batch::validate(input, f.client->config());
        batch::Options o;
        o.results_path = f.results();
        REQUIRE(batch::Runner(*f.client, o).run(input));
        std::ofstream(f.results() + ".journal", std::ios::trunc) << header << "\n";
        o.resume = true;
        auto resumed = batch::Runner(*f.client, o).run(input);
        REQUIRE_FALSE(resumed);
        CHECK(resumed.error().kind == ErrorKind::invalid_input);
    }
}

TEST_CASE("batch runner: a journal entry of another shape or with fields of other types is refused, not a crash") {
    // Resumes creates(2) from a journal holding line 1's start, then `entry`.
    const auto resume_with = [](Fixture& f, const std::string& entry) {
        auto input = input_of(creates(2));
        batch::validate(input, f.client->config());
        batch::Options o;
        o.results_path = f.results();
        o.stop = [] { return true; };
        REQUIRE(batch::Runner(*f.client, o).run(input));  // journal with its header only
        append(f.results() + ".journal", "{\"start\":1}\n" + entry + "\n");
        o.stop = nullptr;
        o.resume = true;
        return batch::Runner(*f.client, o).run(input);
    };
    const std::string good = R"({"line":1,"id":"k1","op":"skill-groups.create","outcome":"ok","status":200,"response":{},"attempts":1,"pacer_wait_ms":0})";
    const auto with = [&](const std::string& key, const std::string& value) {
        auto r = json::parse(good);
        r[key] = json::parse(value);
        return json{{"done", 1}, {"record", r}}.dump();
    };
    for (const std::string entry : {with("status", R"("x")"), with("op", "5"), with("pacer_wait_ms", R"("y")"),
                                    with("attempts", "[1]"), with("outcome", "5"), with("line", R"("1")"),
                                    with("attempts", "4294967296"), with("status", "18446744073709551615"),
                                    with("pacer_wait_ms", "18446744073709551615"),
                                    std::string(R"({"done":1,"record":7})"), std::string(R"({"start":"1"})"),
                                    std::string(R"({"done":1})"), std::string("not json"), std::string("[]")}) {
        CAPTURE(entry);
        Fixture f;
        auto resumed = resume_with(f, entry);
        REQUIRE_FALSE(resumed);
        CHECK(resumed.error().kind == ErrorKind::invalid_input);
        CHECK(resumed.error().message ==
              "journal " + f.results() + ".journal is damaged (line 3 is not a journal entry): fix or remove that line, "
              "or remove the journal to start over (lines it marks as sent would be sent again)");
        CHECK(f.transport->requests.empty());
    }
    // The same entry with fields of the right types is read back.
    Fixture f;
    REQUIRE(resume_with(f, json{{"done", 1}, {"record", json::parse(good)}}.dump()));
    CHECK(f.transport->requests.size() == 1);  // line 2 only
}

TEST_CASE("batch runner: concurrency and stdout mode give each line exactly one record") {
    Fixture f;
    auto input = input_of(creates(50));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.concurrency = 8;
    std::mutex mu;
    std::multiset<long long> lines;
    o.on_record = [&](const batch::Record& r) {
        std::lock_guard l(mu);
        lines.insert(r.line);
    };
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(summary->all_ok());
    CHECK(f.transport->requests.size() == 50);
    CHECK(lines.size() == 50);
    CHECK(std::set<long long>(lines.begin(), lines.end()).size() == 50);
}

namespace {

batch::Source source_of(std::shared_ptr<std::string> text) {
    return batch::Source::jsonl([text]() -> Result<std::unique_ptr<std::istream>> {
        return std::unique_ptr<std::istream>(std::make_unique<std::istringstream>(*text));
    });
}

}  // namespace

TEST_CASE("batch runner over a Source: every line validated before the first send; records written as they finish") {
    Fixture f;
    auto text = std::make_shared<std::string>(creates(5) + "{\"op\":\"skill-groups.create\",\"body\":{}}\n");
    batch::Options o;
    o.results_path = f.results();
    o.concurrency = 2;
    auto refused = batch::Runner(*f.client, o).run(source_of(text));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("first at line 6") != std::string::npos);
    CHECK(f.transport->requests.empty());  // the bad last line stopped everything

    *text = creates(30);
    std::mutex mu;
    long long seen = 0;
    o.on_record = [&](const batch::Record&) {  // called after the record is appended to the results file
        std::lock_guard l(mu);
        ++seen;
        CHECK(static_cast<long long>(read_lines(f.results()).size()) == seen);
    };
    std::filesystem::remove(f.results() + ".journal");
    auto summary = batch::Runner(*f.client, o).run(source_of(text));
    REQUIRE(summary);
    CHECK(summary->all_ok());
    CHECK(seen == 30);
    CHECK(by_line(read_lines(f.results())).size() == 30);
}

TEST_CASE("batch runner over a Source: an input that changes between the passes is an error") {
    Fixture f;
    auto text = std::make_shared<std::string>(creates(3));
    int opens = 0;
    auto source = batch::Source::jsonl([&]() -> Result<std::unique_ptr<std::istream>> {
        // The second pass (sending) sees a different third line.
        const auto now = ++opens == 1 ? *text : creates(2) + R"({"op":"skill-groups.create","body":{"name":"other"}})" "\n";
        return std::unique_ptr<std::istream>(std::make_unique<std::istringstream>(now));
    });
    batch::Options o;
    o.results_path = f.results();
    auto r = batch::Runner(*f.client, o).run(source);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("changed") != std::string::npos);
}

TEST_CASE("batch runner: a resumed run rebuilds the results from the journal: the last record of each line") {
    Fixture f;
    auto input = input_of(creates(3));
    batch::Options o;
    o.results_path = f.results();
    o.stop = [] { return true; };
    REQUIRE(batch::Runner(*f.client, o).run(input));
    auto rec = [](int line, const char* outcome) {
        return json{{"done", line}, {"record", {{"line", line}, {"op", "skill-groups.create"}, {"outcome", outcome}, {"status", 0}}}}.dump() + "\n";
    };
    // Line 2: in doubt, then re-sent and ok (as --retry-in-doubt leaves it). Line 3: failed. A torn tail.
    append(f.results() + ".journal", "{\"start\":2}\n" + rec(2, "in-doubt") + "{\"start\":2}\n" + rec(2, "ok") +
                                         "{\"start\":3}\n" + rec(3, "failed") + "{\"done\":1,\"rec");
    std::ofstream(f.results()) << "garbage from a killed run\n";
    o.stop = nullptr;
    o.resume = true;
    auto summary = batch::Runner(*f.client, o).run(input);
    REQUIRE(summary);
    CHECK(f.transport->requests.size() == 1);  // only line 1
    CHECK(summary->counts.ok == 2);
    CHECK(summary->counts.failed == 1);
    CHECK(summary->counts.in_doubt == 0);
    auto rows = by_line(read_lines(f.results()));
    REQUIRE(rows.size() == 3);
    CHECK(rows[1]["outcome"] == "ok");
    CHECK(rows[2]["outcome"] == "ok");
    CHECK(rows[3]["outcome"] == "failed");
}

TEST_CASE("batch runner: the first authentication failure stops the run; the other lines wait for --resume") {
    Fixture f;
    f.transport->push(401, R"({"errors":[{"msg":"invalid token"}]})");
    auto input = input_of(creates(5));
    batch::validate(input, f.client->config());
    batch::Options o;
    o.results_path = f.results();
    o.concurrency = 1;
    auto run = batch::Runner(*f.client, o).run(input);
    REQUIRE_FALSE(run);
    CHECK(run.error().kind == ErrorKind::auth);
    CHECK(run.error().message.find("--resume") != std::string::npos);
    CHECK(f.transport->requests.size() == 1);
    auto rows = read_lines(f.results());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["outcome"] == "failed");
    // Credentials fixed: the resumed run sends the other four (the failed line is done: failed).
    o.resume = true;
    auto second = batch::Runner(*f.client, o).run(input);
    REQUIRE(second);
    CHECK(f.transport->requests.size() == 5);
}

TEST_CASE("batch runner: a line is journaled as started only once its pacer slot is granted") {
    // A stop asked for while every line waits for the pacer: nothing went out, so nothing is in doubt.
    test::FakeClient c({{"host", "https://ccai.test"}, {"bot_id", "st-bot"}, {"account_id", "acc-1"}, {"client_id", "cs-id"},
                        {"client_secret", "s"}, {"rate_limit", "2/1m"}, {"pacer", "memory"}},
                       RetryOptions{}, nullptr);
    c.transport->answer_all(200);
    const auto dir = test::temp_dir();
    auto input = input_of(creates(4));
    batch::validate(input, c.client->config());
    batch::Options o;
    o.results_path = dir + "/results.jsonl";
    o.concurrency = 1;
    // Lines 1 and 2 fit the 2/1m window; line 3 waits about a minute for it (the fake clock's), and the stop
    // comes during that wait.
    o.stop = [&] { return c.clock->slept() >= std::chrono::seconds(59); };
    auto first = batch::Runner(*c.client, o).run(input);
    REQUIRE(first);
    CHECK(first->interrupted);
    CHECK(first->counts.in_doubt == 0);
    CHECK(c.transport->requests.size() == 2);
    o.stop = nullptr;
    o.resume = true;
    auto second = batch::Runner(*c.client, o).run(input);
    REQUIRE(second);
    CHECK(second->all_ok());
    CHECK(c.transport->requests.size() == 4);
}

TEST_CASE("batch runner: Ctrl-C while a line waits to retry after attempts that did nothing leaves it for --resume") {
    // Refused with a 429 (the wait is the pacer's pause), or never delivered (the wait is the retry's
    // backoff): the line was journaled as started, yet nothing was done, so it is not in doubt.
    ApiError refused;
    refused.kind = ErrorKind::network;
    refused.message = "connection refused";
    refused.maybe_reached_server = false;
    for (const bool rate_limited : {true, false}) {
        CAPTURE(rate_limited);
        Interruption ctrl_c;
        // An account of its own each time: the in-memory pacer of one account is shared, pause included.
        test::FakeClient c({{"host", "https://ccai.test"}, {"bot_id", "st-bot"}, {"account_id", rate_limited ? "acc-429" : "acc-down"},
                            {"client_id", "cs-id"}, {"client_secret", "s"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}},
                           RetryOptions{}, nullptr, &ctrl_c);
        if (rate_limited) c.transport->push(429);
        else c.transport->push_error(refused);
        c.transport->answer_all(200);
        c.clock->ctrl_c_when_sleeping(&ctrl_c);
        const auto dir = test::temp_dir();
        auto input = input_of(creates(2));
        batch::validate(input, c.client->config());
        batch::Options o;
        o.results_path = dir + "/results.jsonl";
        o.concurrency = 1;
        o.stop = [&] { return ctrl_c.requested.load(); };
        auto first = batch::Runner(*c.client, o).run(input);
        REQUIRE(first);
        CHECK(first->interrupted);
        CHECK(first->counts.in_doubt == 0);
        CHECK(first->counts.failed == 0);
        CHECK(c.transport->requests.size() == 1);
        CHECK(slurp(o.results_path + ".journal").find("{\"start\":1}\n{\"unsent\":1}\n") != std::string::npos);
        ctrl_c.requested = false;
        c.clock->ctrl_c_when_sleeping(nullptr);
        o.stop = nullptr;
        o.resume = true;
        auto second = batch::Runner(*c.client, o).run(input);
        REQUIRE(second);
        CHECK(second->all_ok());
        CHECK(second->counts.in_doubt == 0);
        CHECK(c.transport->requests.size() == 3);  // line 1 again, and line 2
    }
}
