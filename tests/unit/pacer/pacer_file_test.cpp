// File backend specifics: modes, directory checks, corrupt state, the on-disk format.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "pacer/file_format.hpp"
#include "support/pacer_contract.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::test;
using namespace ccai::test::pacer_contract;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

std::string state_path(Pacer& p) { return (*p.status())["path"].get<std::string>(); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Puts `bytes` into the scope's state file, then checks the next acquire waits a full window and warns.
void check_conservative(const std::string& bytes, const std::string& why) {
    auto clock = std::make_shared<FakeClock>();
    std::vector<std::string> lines;
    PacerOptions hooks;
    hooks.log = [&](const std::string& l) { lines.push_back(l); };
    hooks.margin = 0.01;
    const Setup s{"file", temp_dir() + "/pacer"};
    const auto scope = unique_scope();
    auto p = make(s, "60/1m", scope, clock, &hooks);
    REQUIRE(p->acquire().ok());
    write_file(state_path(*p), bytes);
    auto w = p->acquire();
    REQUIRE(w.ok());
    CHECK(*w == 60600ms);  // 60 grants assumed at "now": wait until they leave the (margin-widened) window
    bool warned = false;
    for (const auto& l : lines) warned |= l.find("warning") != std::string::npos && l.find(why) != std::string::npos;
    CHECK_MESSAGE(warned, why);
}

}  // namespace

TEST_CASE("pacer file: state file 0600 in a 0700 directory, named by the scope's hash") {
    const auto base = temp_dir();
    const Setup s{"file", base + "/state/ccai/pacer"};
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "60/1m", "https://host|secret-account", clock);
    REQUIRE(p->acquire().ok());
    const auto path = state_path(*p);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(base + "/state/ccai/pacer") == 0700);
    CHECK(mode_of(base + "/state") == 0700);
    CHECK(path.find("secret-account") == std::string::npos);
    // The name must not change between versions (an upgrade would forget the account's recent grants):
    // the first 32 hex digits of SHA-256 of the scope, as Python's hashlib computes it.
    CHECK(path == base + "/state/ccai/pacer/32386b9e3d3eefd81eeff702687dae0d.state");
    auto other = make(s, "60/1m", "https://host|other", clock);
    CHECK(state_path(*other) != path);
}

TEST_CASE("pacer file: default directory follows XDG_STATE_HOME") {
    const auto base = temp_dir();
    const char* old = std::getenv("XDG_STATE_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_STATE_HOME", base.c_str(), 1);
    auto p = make(Setup{"file", ""}, "60/1m", unique_scope(), std::make_shared<FakeClock>());
    CHECK(state_path(*p).rfind(base + "/ccai/pacer/", 0) == 0);
    if (old) ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
    else ::unsetenv("XDG_STATE_HOME");
}

TEST_CASE("pacer file: an existing state file with loose modes is tightened") {
    const Setup s{"file", temp_dir()};
    auto p = make(s, "60/1m", unique_scope(), std::make_shared<FakeClock>());
    REQUIRE(p->acquire().ok());
    ::chmod(state_path(*p).c_str(), 0644);
    REQUIRE(p->acquire().ok());
    CHECK(mode_of(state_path(*p)) == 0600);
}

TEST_CASE("pacer file: corrupt state is treated as a full window") {
    using namespace ccai::detail;
    PacerState empty;
    const auto valid_other_boot = encode_state(empty, "00000000-not-this-boot", "x");
    const auto valid = encode_state(empty, current_boot_id(), "x");
    SUBCASE("garbage") { check_conservative("\x01\x02garbage\xff", "not a pacer state file"); }
    SUBCASE("truncated") { check_conservative(valid.substr(0, valid.size() - 3), "truncated"); }
    SUBCASE("header only") { check_conservative(valid.substr(0, valid.find('\n') + 1), "truncated"); }
    SUBCASE("checksum mismatch") {
        auto bad = valid;
        bad[bad.size() - 2] = bad[bad.size() - 2] == '9' ? '8' : '9';
        check_conservative(bad, "checksum");
    }
    SUBCASE("wrong boot id") { check_conservative(valid_other_boot, "reboot"); }
    // The fake clock starts at 1000 h; the lead allowed is a window, a day and a burst of intervals.
    SUBCASE("a penalty two days ahead") {
        PacerState far;
        far.penalty_until = TimePoint(std::chrono::hours(1000 + 48));
        check_conservative(encode_state(far, current_boot_id(), "x"), "a penalty 172800.0s ahead");
    }
    SUBCASE("a grant or the spacing far ahead") {
        PacerState far;
        far.grants = {TimePoint(std::chrono::hours(1000 + 30))};
        check_conservative(encode_state(far, current_boot_id(), "x"), "a grant");
        far.grants.clear();
        far.tat = TimePoint(std::chrono::hours(1000 + 30));
        check_conservative(encode_state(far, current_boot_id(), "x"), "the spacing");
    }
}

TEST_CASE("pacer file: format round trip; leftover bytes past the length are ignored") {
    using namespace ccai::detail;
    PacerState s;
    s.grants = {TimePoint(5s), TimePoint(6s)};
    s.penalty_until = TimePoint(9s);
    s.tat = TimePoint(7s);
    s.sent = TimePoint(6s);
    const auto bytes = encode_state(s, current_boot_id(), "https://h|a b");
    CHECK(bytes.rfind("ccai-pacer 3 ", 0) == 0);
    auto d = decode_state(bytes + "stale tail from a longer state");
    REQUIRE(std::holds_alternative<DecodedState>(d));
    CHECK(std::get<DecodedState>(d).has_tat);
    CHECK(std::get<DecodedState>(d).state.grants == s.grants);
    CHECK(std::get<DecodedState>(d).state.penalty_until == s.penalty_until);
    CHECK(std::get<DecodedState>(d).state.tat == s.tat);
    CHECK(std::get<DecodedState>(d).state.sent == s.sent);
    CHECK(std::holds_alternative<DecodedState>(decode_state("")));  // a fresh, never-written scope
    auto future = bytes;
    future[11] = '9';  // a format this version does not know
    REQUIRE(std::holds_alternative<std::string>(decode_state(future)));
    CHECK(std::get<std::string>(decode_state(future)) == "unknown format 9");
}

namespace {
std::string format_n(int n, const std::string& payload) {
    return fmt::format("ccai-pacer {} {} {:016x}\n{}", n, payload.size(), ccai::detail::state_checksum(payload), payload);
}
std::string format_one(const std::string& payload) { return format_n(1, payload); }
std::string format_three(const std::string& lines) {
    return format_n(3, "boot " + ccai::detail::current_boot_id() + "\nscope x\npenalty 0\ntat 0\nsent 0\ngrants\nbulk\n" + lines);
}
}  // namespace

TEST_CASE("pacer file: format 3 keeps the bulk grants and the line of waiting calls") {
    using namespace ccai::detail;
    PacerState s;
    s.grants = {TimePoint(5s), TimePoint(6s)};
    s.bulk = {TimePoint(6s)};
    s.tickets = {Ticket{"00000000000000a1", Priority::bulk, TimePoint(4s), TimePoint(9s), 42, 777},
                 Ticket{"00000000000000b2", Priority::interactive, TimePoint(4500ms), TimePoint(8s), 43, 0}};
    const auto d = decode_state(encode_state(s, current_boot_id(), "x"));
    REQUIRE(std::holds_alternative<DecodedState>(d));
    const auto& back = std::get<DecodedState>(d).state;
    CHECK(back.grants == s.grants);
    CHECK(back.bulk == s.bulk);
    CHECK(back.tickets == s.tickets);
}

TEST_CASE("pacer file: format 2, written by the previous version, still reads: no bulk grants, nobody in line") {
    using namespace ccai::detail;
    const auto d = decode_state(format_n(2, "boot " + current_boot_id() +
                                               "\nscope x\npenalty 9000000\ntat 7000000\nsent 6000000\ngrants 5000000 6000000\n"));
    REQUIRE(std::holds_alternative<DecodedState>(d));
    const auto& decoded = std::get<DecodedState>(d);
    CHECK(decoded.has_tat);
    CHECK(decoded.state.grants == std::vector<TimePoint>{TimePoint(5s), TimePoint(6s)});
    CHECK(decoded.state.tat == TimePoint(7s));
    CHECK(decoded.state.bulk.empty());
    CHECK(decoded.state.tickets.empty());
    // Keys of format 3 in a format 2 file are not format 2.
    CHECK(std::holds_alternative<std::string>(decode_state(format_n(2, "boot " + current_boot_id() + "\nbulk 5\n"))));
    // A format 2 file in use: the next call reads it and writes format 3 back.
    auto clock = std::make_shared<FakeClock>();
    PacerOptions hooks;
    hooks.margin = 0.01;
    auto p = make(Setup{"file", temp_dir() + "/pacer"}, "20/2s", unique_scope(), clock, &hooks);
    REQUIRE(p->acquire().ok());
    const auto now_us = clock->now().time_since_epoch().count();
    write_file(state_path(*p), format_n(2, fmt::format("boot {}\nscope x\npenalty 0\ntat {}\nsent {}\ngrants {}\n",
                                                         current_boot_id(), now_us + 101000, now_us, now_us)));
    CHECK(*p->acquire() == 0ms);  // the burst's second call: the format 2 state was trusted
    CHECK(read_file(state_path(*p)).rfind("ccai-pacer 3 ", 0) == 0);
}

TEST_CASE("pacer file: a hostile line of waiting calls is a corrupt state, never obeyed") {
    using namespace ccai::detail;
    const std::string ok = "ticket 00000000000000a1 bulk 1 2 42 0\n";
    SUBCASE("garbage in a ticket") { check_conservative(format_three("ticket zz bulk 1 2 42 0\n"), "bad ticket"); }
    SUBCASE("a class that does not exist") { check_conservative(format_three("ticket 00000000000000a1 vip 1 2 42 0\n"), "bad ticket"); }
    SUBCASE("no owner") { check_conservative(format_three("ticket 00000000000000a1 bulk 1 2 0 0\n"), "bad ticket"); }
    SUBCASE("a negative pid") { check_conservative(format_three("ticket 00000000000000a1 bulk 1 2 -7 0\n"), "bad ticket"); }
    SUBCASE("expiring before it arrived") { check_conservative(format_three("ticket 00000000000000a1 bulk 5 2 42 0\n"), "bad ticket"); }
    SUBCASE("a field too many") { check_conservative(format_three("ticket 00000000000000a1 bulk 1 2 42 0 9\n"), "bad ticket"); }
    SUBCASE("twice the same") { check_conservative(format_three(ok + ok), "a ticket twice"); }
    SUBCASE("out of order") {
        check_conservative(format_three("ticket 00000000000000b1 bulk 9 10 42 0\n" + ok), "tickets out of order");
    }
    SUBCASE("more bulk grants than grants") {
        check_conservative(format_n(3, "boot " + current_boot_id() + "\nscope x\npenalty 0\ntat 0\nsent 0\ngrants\nbulk 5\n"),
                           "more bulk grants than grants");
    }
    SUBCASE("a line longer than any pacer keeps") {
        std::string lines;
        for (size_t i = 0; i <= kMaxTickets; ++i) lines += fmt::format("ticket {:016x} bulk 1 2 42 0\n", i);
        check_conservative(format_three(lines), "too many waiting calls");
    }
    SUBCASE("a ticket that expires two days ahead") {
        const auto far = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::hours(1000 + 48)).count();
        check_conservative(format_three(fmt::format("ticket 00000000000000a1 bulk 1 {} 42 0\n", far)), "a waiting call");
    }
    SUBCASE("negative times: a ticket long expired, dropped by the next call, which it does not block") {
        auto clock = std::make_shared<FakeClock>();
        auto o = with_share(0);
        auto p = make(Setup{"file", temp_dir() + "/pacer"}, "60/1m", unique_scope(), clock, &o);
        REQUIRE(p->acquire().ok());
        write_file(state_path(*p), format_three("ticket 00000000000000a1 bulk -9000000 -5000000 1 0\n"));
        CHECK(*p->acquire_within(Duration::max(), Priority::bulk) == 0ms);
        CHECK(read_file(state_path(*p)).find("ticket") == std::string::npos);
    }
    SUBCASE("a number past any clock") {
        check_conservative(format_three("ticket 00000000000000a1 bulk 1 99999999999999999999 42 0\n"), "bad ticket");
    }
}

TEST_CASE("pacer file: format 1 still reads, with no burst allowance left") {
    using namespace ccai::detail;
    SUBCASE("with last") {
        const auto d = decode_state(format_one("boot " + current_boot_id() +
                                               "\nscope x\npenalty 9000000\nlast 7000000\ngrants 5000000 6000000\n"));
        REQUIRE(std::holds_alternative<DecodedState>(d));
        const auto& decoded = std::get<DecodedState>(d);
        CHECK_FALSE(decoded.has_tat);
        CHECK(decoded.legacy_last == TimePoint(7s));
        CHECK(decoded.state.grants == std::vector<TimePoint>{TimePoint(5s), TimePoint(6s)});
        const auto s = with_missing_tat(decoded, 1s, 6, TimePoint(6500ms));
        CHECK(s.tat == TimePoint(13s));  // one burst past the latest slot or completion: the next grant at 8 s
        CHECK(s.sent == TimePoint(6500ms));
        CHECK(s.penalty_until == TimePoint(9s));
    }
    SUBCASE("written before `last` existed") {
        const auto d = decode_state(format_one("boot " + current_boot_id() + "\nscope x\npenalty 9000000\ngrants 5000000 6000000\n"));
        REQUIRE(std::holds_alternative<DecodedState>(d));
        CHECK(std::get<DecodedState>(d).legacy_last == TimePoint{});
        CHECK(with_missing_tat(std::get<DecodedState>(d), 1s, 6, TimePoint(20s)).tat == TimePoint(26s));
    }
    SUBCASE("a format 1 file shared with an older version: the next grants are spaced, never a burst") {
        auto clock = std::make_shared<FakeClock>();
        PacerOptions hooks;
        hooks.margin = 0.01;
        auto p = make(Setup{"file", temp_dir() + "/pacer"}, "20/2s", unique_scope(), clock, &hooks);
        REQUIRE(p->acquire().ok());
        const auto now_us = clock->now().time_since_epoch().count();
        write_file(state_path(*p), format_one(fmt::format("boot {}\nscope x\npenalty 0\nlast {}\ngrants {}\n",
                                                          current_boot_id(), now_us, now_us)));
        CHECK(*p->acquire() == 101ms);  // burst 2 would have granted it at once
        CHECK(*p->acquire() == 101ms);
        CHECK(std::get<DecodedState>(decode_state(read_file(state_path(*p)))).has_tat);  // rewritten as format 2
    }
}

TEST_CASE("pacer file: an unwritable directory is a config error naming it") {
    auto o = options(Setup{"file", "/proc/ccai-no-such-dir"}, "60/1m", unique_scope());
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::config);
    CHECK(p.error().message.find("/proc/ccai-no-such-dir") != std::string::npos);
}

TEST_CASE("pacer: unknown backend and unreachable redis") {
    auto o = options(Setup{"carrier-pigeon", ""}, "60/1m", unique_scope());
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::config);
    o.backend = "redis://127.0.0.1:" + std::to_string(free_port());
    p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::network);
    CHECK(p.error().message.find(o.backend) != std::string::npos);
    std::string warning;
    o.fallback = "file";
    o.dir = temp_dir();
    o.log = [&](const std::string& l) { warning += l; };
    p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE(p.ok());
    CHECK((*(*p)->status())["backend"] == "file");
    CHECK(warning.find("falling back") != std::string::npos);
    o.backend = "redis://:6379";
    CHECK(make_pacer(o, std::make_shared<FakeClock>()).error().message.find("bad redis URL") != std::string::npos);
}
