// The batch progress line: the recent rate over a sliding window (no start-up spike), the ETA, and what it says
// while the pacer holds calls back. The clock is injected: no sleep.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "batch/batch_progress.hpp"

using namespace ccai;
using cli::BatchProgress;
using namespace std::chrono_literals;

namespace {

struct Screen {
    char* data = nullptr;
    size_t size = 0;
    std::FILE* file = ::open_memstream(&data, &size);
    ~Screen() {
        std::fclose(file);
        std::free(data);
    }
    // The line as drawn last (after the last "\r\x1b[K").
    std::string last() {
        std::fflush(file);
        const std::string all(data, size);
        const auto at = all.rfind("\r\x1b[K");
        return at == std::string::npos ? all : all.substr(at + 4);
    }
};

struct TestClock {
    BatchProgress::Clock::time_point t{std::chrono::hours(1)};
    BatchProgress::Now now() {
        return [this] { return t; };
    }
};

batch::Progress sent(long long n, long long total) {
    batch::Progress p;
    p.total = total;
    p.done = p.ok = p.sent_this_run = n;
    return p;
}

}  // namespace

TEST_CASE("batch progress: a burst at the start does not show as the rate") {
    Screen screen;
    TestClock clock;
    BatchProgress progress(true, "60/1m", screen.file, clock.now());
    // The pacer's burst allowance lets 9 lines go in the first 90 ms (redrawn at most every 200 ms), the
    // tenth a second later.
    for (int i = 1; i <= 9; ++i) {
        clock.t += 10ms;
        progress.update(sent(i, 1000));
    }
    clock.t += 1s;
    progress.update(sent(10, 1000));
    // Over at least 10 s, not over 1.09 s (550/min).
    CHECK(progress.recent_per_minute() == doctest::Approx(60.0));
    CHECK(screen.last() == "batch: 10/1000 done (0 failed, 0 in doubt, 0 invalid)  60.0/min  ETA 16m30s");
}

TEST_CASE("batch progress: the rate is the last minute's, not the average since the start") {
    Screen screen;
    TestClock clock;
    BatchProgress progress(true, "600/1m", screen.file, clock.now());
    long long n = 0;
    for (int i = 0; i < 120; ++i) {  // two minutes at 2 lines a second
        clock.t += 500ms;
        progress.update(sent(++n, 10000));
    }
    CHECK(progress.recent_per_minute() == doctest::Approx(120.0));
    for (int i = 0; i < 60; ++i) {  // then a minute at 1 line a second
        clock.t += 1s;
        progress.update(sent(++n, 10000));
    }
    CHECK(progress.recent_per_minute() == doctest::Approx(60.0));
    // Too few lines finished lately: no rate rather than a made-up one.
    clock.t += 2min;
    CHECK(progress.recent_per_minute() < 0);
}

TEST_CASE("batch progress: during a long pacer wait the line says it is waiting, and the timer redraws it") {
    Screen screen;
    TestClock clock;
    BatchProgress progress(true, "60/1m", screen.file, clock.now());
    clock.t += 1s;
    progress.update(sent(1, 5));
    clock.t += 1s;
    progress.update(sent(2, 5));
    progress.waiting(42s);
    CHECK(screen.last() == "batch: 2/5 done (0 failed, 0 in doubt, 0 invalid)  12.0/min  waiting for the pacer: next call in 42s");
    clock.t += 30s;
    progress.tick();
    CHECK(screen.last() == "batch: 2/5 done (0 failed, 0 in doubt, 0 invalid)  3.8/min  waiting for the pacer: next call in 12s");
    // A line that finishes ends the wait; the ETA is back.
    clock.t += 12s;
    progress.update(sent(3, 5));
    CHECK(screen.last() == "batch: 3/5 done (0 failed, 0 in doubt, 0 invalid)  4.1/min  ETA 29s");
    // tick() draws nothing when nobody waits.
    const auto before = screen.last();
    clock.t += 1s;
    progress.tick();
    CHECK(screen.last() == before);
}

TEST_CASE("batch progress: disabled (stderr not a terminal) it draws nothing") {
    Screen screen;
    TestClock clock;
    BatchProgress progress(false, "60/1m", screen.file, clock.now());
    progress.update(sent(1, 2));
    progress.waiting(10s);
    progress.tick();
    progress.clear();
    CHECK(screen.last().empty());
}

TEST_CASE("batch summary: skipped lines are counted") {
    batch::Summary s;
    s.counts = sent(3, 5);
    s.counts.skipped = 2;
    CHECK(BatchProgress::summary_text(s, 65) == "batch: 3/5 ok, 0 failed, 0 in doubt, 0 invalid, 2 skipped; 3 sent in 1m05s");
}
