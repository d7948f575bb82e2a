// --watch: the interval's parsing and floor, the loop over a fake clock and a fake call (a line per change,
// or per poll with --every; failures; Ctrl-C), and the command in-process over a FakeTransport.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <sstream>
#include <string>
#include <vector>

#include "commands/watch.hpp"
#include "duration_text.hpp"
#include "exit_codes.hpp"
#include "support/fakes.hpp"
#include "support/in_process_cli.hpp"

using namespace std::chrono_literals;
using ccai::Duration;
using ccai::cli::duration_text;
using ccai::cli::parse_watch_interval;
using ccai::cli::watch_floor;

TEST_CASE("watch: intervals are seconds or a number with ms, s, m or h, above 0 and at most a day") {
    CHECK(*parse_watch_interval("30") == 30s);
    CHECK(*parse_watch_interval("1.5") == 1500ms);
    CHECK(*parse_watch_interval("30s") == 30s);
    CHECK(*parse_watch_interval("500ms") == 500ms);
    CHECK(*parse_watch_interval("2m") == 2min);
    CHECK(*parse_watch_interval("24h") == 24h);
    for (const char* bad : {"", "0", "0s", "-1", "+5", "1x", "s", "1e3", "nan", "inf", "25h", "0.5ms", "1 s", "1.2.3",
                            "99999999999999999999999h", "10\n"}) {
        CAPTURE(bad);
        const auto r = parse_watch_interval(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ccai::ErrorKind::invalid_input);
        CHECK(r.error().message.find("is not an interval") != std::string::npos);
    }
}

TEST_CASE("watch: intervals also join units from the largest down, as duration_text prints them") {
    CHECK(*parse_watch_interval("1m30s") == 90s);
    CHECK(*parse_watch_interval("1h30m") == 90min);
    CHECK(*parse_watch_interval("2h03m") == 123min);
    CHECK(*parse_watch_interval("1s500ms") == 1500ms);
    CHECK(*parse_watch_interval("1.429s") == 1429ms);
    for (const char* bad : {"30s1m", "1s1s", "1m30", "30 1s", "1hm", "23h61m30s5", "24h1s"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_watch_interval(bad));
    }
}

TEST_CASE("watch: the floor is ten pacer intervals of the account's tightest window, margin included") {
    using ccai::RateWindow;
    CHECK(watch_floor({RateWindow{60, 1min}}, 0) == 10s);
    CHECK(watch_floor({RateWindow{60, 1min}, RateWindow{1800, 1h}}, 0) == 20s);  // 1h / 1800 = 2 s
    CHECK(watch_floor({RateWindow{20, 2s}}, 0) == 1s);
    CHECK(watch_floor({}, 0.005) == Duration(0));
    // The pacer's own interval: its windows are `margin` longer (0.5% by default).
    const auto with_margin = watch_floor({RateWindow{60, 1min}}, 0.005);
    CHECK(with_margin > 10049ms);
    CHECK(with_margin <= 10050ms);
    CHECK(duration_text(with_margin) == "10.05s");
    CHECK(watch_floor({RateWindow{60, 1min}}, 0.005) == ccai::pacer_interval({RateWindow{60, 1min}}, 0.005) * 10);
}

TEST_CASE("duration_text: rounded up, and read back by --watch as at least the duration") {
    CHECK(duration_text(10s) == "10s");
    CHECK(duration_text(1500ms) == "1.5s");
    CHECK(duration_text(10050ms) == "10.05s");
    CHECK(duration_text(500ms) == "500ms");
    CHECK(duration_text(Duration(1)) == "1ms");
    CHECK(duration_text(2min) == "2m00s");
    CHECK(duration_text(90s) == "1m30s");
    CHECK(duration_text(65s) == "1m05s");
    CHECK(duration_text(5400s) == "1h30m");
    CHECK(duration_text(5400s + Duration(1)) == "1h31m");
    // 10 x 1 s / 7: 1.428571 s must not print as 1.428s, below the floor.
    const auto floor = watch_floor({ccai::RateWindow{7, 1s}}, 0);
    CHECK(duration_text(floor) == "1.429s");
    for (const Duration d : std::vector<Duration>{floor, Duration(1), 10050ms, 90s + Duration(1), 5400s + Duration(1), 23h + 59min + 1s}) {
        const auto back = parse_watch_interval(duration_text(d));
        REQUIRE(back);
        CHECK(*back >= d);
        CHECK(*back - d < 1min);
    }
}

namespace {

// The loop over a FakeClock: `answers` in turn; once they run out, Ctrl-C. Each poll's start time is kept.
struct LoopRun {
    ccai::test::FakeClock clock;
    ccai::Interruption interruption;
    ccai::test::Capture out, err;
    std::vector<ccai::TimePoint> polled;
    int stamps = 0;
    int failed_with = 0;

    int run(std::deque<ccai::Result<std::string>> answers, Duration interval, bool every, Duration call_takes = Duration(0)) {
        ccai::cli::WatchLoop loop{clock, [this] { return "T" + std::to_string(++stamps); }, &interruption, out.file(),
                                  err.file(), interval, every, {}, {}};
        loop.poll = [&, this]() -> ccai::Result<std::string> {
            polled.push_back(clock.now());
            clock.advance(call_takes);
            if (answers.empty()) {
                interruption.requested = true;  // as the SIGINT handler does
                return std::string("unseen");
            }
            auto a = answers.front();
            answers.pop_front();
            return a;
        };
        loop.fail = [this](const ccai::ApiError& e) { return failed_with = ccai::cli::report_error(err.file(), e); };
        return ccai::cli::run_watch_loop(loop);
    }
};

ccai::ApiError error_of(ccai::ErrorKind kind, const std::string& message) {
    ccai::ApiError e;
    e.kind = kind;
    e.message = message;
    return e;
}

}  // namespace

TEST_CASE("watch loop: a timestamped line when the answer changes, every interval, until Ctrl-C (exit 0)") {
    LoopRun w;
    CHECK(w.run({std::string("a"), std::string("a"), std::string("b"), std::string("b"), std::string("a")}, 10s, false) == 0);
    CHECK(w.out.text() == "T1 a\nT2 b\nT3 a\n");
    CHECK(w.err.text().empty());
    REQUIRE(w.polled.size() == 6);  // the sixth saw Ctrl-C: its answer is not printed
    for (size_t i = 1; i < w.polled.size(); ++i) CHECK(w.polled[i] - w.polled[i - 1] == 10s);
    CHECK(w.interruption.waiting == 0);
}

TEST_CASE("watch loop: --every prints each poll; a slow call is followed at once, never caught up") {
    LoopRun w;
    CHECK(w.run({std::string("a"), std::string("a"), std::string("a")}, 10s, true, 25s) == 0);
    CHECK(w.out.text() == "T1 a\nT2 a\nT3 a\n");
    REQUIRE(w.polled.size() == 4);
    for (size_t i = 1; i < w.polled.size(); ++i) CHECK(w.polled[i] - w.polled[i - 1] == 25s);
}

TEST_CASE("watch loop: the first poll's failure ends it with its code; later ones are printed and it goes on") {
    SUBCASE("first") {
        LoopRun w;
        CHECK(w.run({error_of(ccai::ErrorKind::auth, "bad credentials")}, 10s, false) == 4);
        CHECK(w.failed_with == 4);
        CHECK(w.out.text().empty());
        CHECK(w.polled.size() == 1);
    }
    SUBCASE("later") {
        LoopRun w;
        CHECK(w.run({std::string("a"), error_of(ccai::ErrorKind::network, "reset\nby peer"), std::string("a")}, 10s, false) == 0);
        CHECK(w.out.text() == "T1 a\n");  // the same answer after the failure is no change
        const auto err = w.err.text();
        CHECK(err.starts_with("T2 {\"error\":{"));
        CHECK(err.find("reset\\nby peer") != std::string::npos);  // one line: JSON-escaped
        CHECK(std::count(err.begin(), err.end(), '\n') == 1);
        CHECK(w.failed_with == 0);
    }
    SUBCASE("Ctrl-C during the pacer's wait ends it cleanly") {
        LoopRun w;
        CHECK(w.run({std::string("a"), error_of(ccai::ErrorKind::interrupted, "interrupted")}, 10s, false) == 0);
        CHECK(w.out.text() == "T1 a\n");
        CHECK(w.err.text().empty());
        CHECK(w.polled.size() == 2);
    }
}

TEST_CASE("watch loop: an output that cannot be written ends it with exit 1 instead of polling for nobody") {
    ccai::test::FakeClock clock;
    ccai::Interruption interruption;
    ccai::test::Capture err;
    std::FILE* closed = std::fopen("/dev/null", "r");  // every write fails, as on a closed pipe
    REQUIRE(closed);
    int polls = 0;
    std::string reported;
    ccai::cli::WatchLoop loop{clock, [] { return std::string("T"); }, &interruption, closed, err.file(), 10s, true, {}, {}};
    loop.poll = [&]() -> ccai::Result<std::string> {
        if (++polls > 3) interruption.requested = true;  // the test's own stop, should the loop go on
        return std::string("a");
    };
    loop.fail = [&](const ccai::ApiError& e) {
        reported = e.message;
        return ccai::cli::exit_code_for(e.kind);
    };
    CHECK(ccai::cli::run_watch_loop(loop) == 1);
    CHECK(polls == 1);
    CHECK(reported.starts_with("--watch: the output could not be written ("));
    std::fclose(closed);
}

TEST_CASE("watch loop: a reader that left ends it before the next poll (exit 1, quietly), though nothing changed") {
    ccai::test::FakeClock clock;
    ccai::Interruption interruption;
    ccai::test::Capture err;
    int p[2];
    REQUIRE(::pipe(p) == 0);
    std::FILE* out = ::fdopen(p[1], "w");
    REQUIRE(out);
    int polls = 0;
    ccai::cli::WatchLoop loop{clock, [] { return std::string("T"); }, &interruption, out, err.file(), 10s, false, {}, {}};
    loop.poll = [&]() -> ccai::Result<std::string> {
        if (++polls == 2) ::close(p[0]);  // `head -1` has its line and exits
        if (polls > 5) interruption.requested = true;  // the test's own stop, should the loop go on
        return std::string("a");  // the same answer: nothing more is written
    };
    loop.fail = [&](const ccai::ApiError& e) { return ccai::cli::exit_code_for(e.kind); };
    CHECK(ccai::cli::run_watch_loop(loop) == 1);
    CHECK(polls == 2);
    CHECK(err.text().empty());
    std::fclose(out);
}

TEST_CASE("cli --watch: raised to the floor with a notice, a line per change, bulk calls, ends on an interrupted call") {
    ccai::test::Cli cli;
    cli.env["CCAI_RATE_LIMIT"] = "60/1m";
    cli.transport->push(200, R"({"size":1,"at":"t1"})");
    cli.transport->push(200, R"({"size":1,"at":"t2"})");
    cli.transport->push(200, R"({"size":2,"at":"t3"})");
    cli.transport->push_error(error_of(ccai::ErrorKind::interrupted, "interrupted"));
    const auto before = cli.clock->slept();
    const auto r = cli({"queues", "get", "--queue-id", "q-1", "--watch", "2s", "--fields", "size"});
    CHECK(r.code == 0);
    CHECK(r.err == "notice: --watch 2s is below this account's floor of 10.05s (one watch takes at most a tenth of the "
                   "rate limit): polling every 10.05s\n");
    // "2026-12-03T15:10:32Z {...}": the time in UTC, then the answer narrowed by --fields.
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    REQUIRE(lines.size() == 2);
    for (const auto& [line, shown] : {std::pair{lines[0], R"({"size":1})"}, std::pair{lines[1], R"({"size":2})"}}) {
        REQUIRE(line.size() == 21 + std::string(shown).size());
        CHECK(line[4] == '-');
        CHECK(line[10] == 'T');
        CHECK(line.substr(19, 2) == "Z ");
        CHECK(line.substr(21) == shown);
    }
    CHECK(cli.transport->requests.size() == 4);
    CHECK(cli.clock->slept() - before == 30150ms);  // three intervals of 10.05 s (with the pacer's margin), none of 2 s
}

TEST_CASE("cli --watch: refused before anything is sent where it cannot work (exit 2)") {
    ccai::test::Cli cli;
    for (const auto& words : std::vector<std::vector<std::string>>{
             {"queues", "list", "--watch", "10s", "--all"},
             {"queues", "list", "--every"},
             {"queues", "list", "--watch", "0"},
             {"queues", "list", "--watch", "soon"},
             {"queues", "list", "--watch="},
             {"queues", "list", "--watch", "10s", "-o", "csv"},
             {"queues", "list", "--watch", "10s", "--headers"},
             {"queues", "list", "--watch", "10s", "--no-headers"},
             {"queues", "list", "--watch", "10s", "--bom"},
             {"queues", "list", "--watch", "10s", "--wide"},
             {"agents", "create", "--watch", "10s", "--body", "{}"}}) {
        CAPTURE(words[2]);
        const auto r = cli(words);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
    }
    CHECK(cli.transport->requests.empty());
    CHECK(cli({"queues", "list", "--watch", "10s", "--all"}).error()["message"] ==
          "--watch repeats one call: it does not combine with --all");
    CHECK(cli({"queues", "list", "--watch", "10s", "--wide"}).error()["message"] ==
          "--watch prints one line per change: --wide belongs to the row formats (csv, text, table) and does not "
          "combine with it");
    // --dry-run shows the request each poll would send, once.
    const auto dry = cli({"queues", "list", "--watch", "10s", "--dry-run"});
    CHECK(dry.code == 0);
    CHECK(dry.out_json()["method"] == "GET");
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("watch loop: an answer is written whole, a NUL does not end the line") {
    LoopRun w;
    CHECK(w.run({std::string("a\0b", 3)}, 10s, false) == 0);
    CHECK(w.out.text() == std::string("T1 a\0b\n", 7));
}

TEST_CASE("cli --watch --jq: control bytes escaped as -o text escapes them, one line per poll") {
    ccai::test::Cli cli;
    cli.transport->push(200, R"({"name":"a\u0000b\u001b[31mred\r\nnext\\"})");
    cli.transport->push_error(error_of(ccai::ErrorKind::interrupted, "interrupted"));
    const auto r = cli({"queues", "get", "--queue-id", "q-1", "--watch", "20s", "--jq", ".name"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    REQUIRE(r.out.size() > 21);
    CHECK(r.out.substr(21) == "a\\0b\\x1b[31mred\\r\\nnext\\\\\n");
}

TEST_CASE("cli --watch --jq: a program whose outputs exceed 1 MiB on one line is stopped, not grown without bound") {
    ccai::test::Cli cli;
    cli.transport->push(200, R"({"size":1})");
    const auto r = cli({"queues", "get", "--queue-id", "q-1", "--watch", "20s", "--jq", "repeat(1)"});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.error()["message"] ==
          "--watch: the outputs of --jq for one answer exceed 1 MiB on one line; the program was stopped (does it end?)");
    CHECK(cli.transport->requests.size() == 1);
}
