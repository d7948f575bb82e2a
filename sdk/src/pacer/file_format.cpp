// Encoding and validating the file backend's state (see file_format.hpp).
#include "pacer/file_format.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace ccai::detail {
namespace {

constexpr std::string_view kMagic = "ccai-pacer ";
// 3: the bulk grants and the line of waiting calls. 2: tat and sent. 1: the grants and the penalty.
constexpr int kFormat = 3;

long long to_us(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint from_us(long long us) { return TimePoint(Duration(us)); }

bool parse_ll(std::string_view s, long long& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

bool is_ticket_id(std::string_view id) {
    return !id.empty() && id.size() <= 16 &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "ticket ID CLASS ARRIVED EXPIRES PID STARTED": one waiting call.
std::string parse_ticket(const std::string& rest, DecodedState& d) {
    if (d.state.tickets.size() >= kMaxTickets) return "too many waiting calls";
    std::istringstream f(rest);
    std::string id, cls, arrived, expires, pid, started, extra;
    if (!(f >> id >> cls >> arrived >> expires >> pid >> started) || (f >> extra)) return "bad ticket";
    Ticket t;
    long long a = 0, e = 0, p = 0, st = 0;
    if (!is_ticket_id(id) || (cls != "interactive" && cls != "bulk") || !parse_ll(arrived, a) || !parse_ll(expires, e) ||
        !parse_ll(pid, p) || !parse_ll(started, st) || p <= 0 || st < 0 || e < a)
        return "bad ticket";
    t.id = id;
    t.priority = cls == "bulk" ? Priority::bulk : Priority::interactive;
    t.arrived = from_us(a);
    t.expires = from_us(e);
    t.pid = static_cast<long>(p);
    t.started = static_cast<unsigned long long>(st);
    for (const auto& other : d.state.tickets)
        if (other.id == t.id) return "a ticket twice";
    // Stored in line order, which the reader keeps: no need to sort what a working pacer wrote sorted.
    if (!d.state.tickets.empty()) {
        const auto& last = d.state.tickets.back();
        if (last.arrived > t.arrived || (last.arrived == t.arrived && last.id >= t.id)) return "tickets out of order";
    }
    d.state.tickets.push_back(std::move(t));
    return "";
}

// The payload is line-oriented "key value..." text: easy to read when debugging a stuck pacer.
std::variant<DecodedState, std::string> parse_payload(const std::string& payload, int format) {
    DecodedState d;
    d.has_tat = format >= 2;
    std::istringstream in(payload);
    std::string key;
    bool saw_boot = false;
    while (in >> key) {
        std::string rest;
        std::getline(in, rest);
        if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
        if (key == "boot") { d.boot_id = rest; saw_boot = true; continue; }
        if (key == "scope") continue;
        if (key == "ticket" && format >= 3) {
            if (auto why = parse_ticket(rest, d); !why.empty()) return why;
            continue;
        }
        std::istringstream nums(rest);
        std::string tok;
        long long v = 0;
        while (nums >> tok) {
            if (!parse_ll(tok, v)) return fmt::format("bad number '{}'", tok);
            if (key == "penalty") d.state.penalty_until = from_us(v);
            else if (key == "last" && format == 1) d.legacy_last = from_us(v);
            else if (key == "tat" && format >= 2) d.state.tat = from_us(v);
            else if (key == "sent" && format >= 2) d.state.sent = from_us(v);
            else if (key == "grants") d.state.grants.push_back(from_us(v));
            else if (key == "bulk" && format >= 3) d.state.bulk.push_back(from_us(v));
            else return fmt::format("unknown key '{}'", key);
        }
    }
    if (!saw_boot) return std::string("no boot id");
    if (!std::is_sorted(d.state.grants.begin(), d.state.grants.end())) return std::string("grants out of order");
    if (!std::is_sorted(d.state.bulk.begin(), d.state.bulk.end())) return std::string("bulk grants out of order");
    // Each bulk grant is one of the grants: more of them cannot come from a working pacer.
    if (d.state.bulk.size() > d.state.grants.size()) return std::string("more bulk grants than grants");
    return d;
}

}  // namespace

// State files have always been summed from this basis, a digit short of FNV's own; changing it would make
// every existing file fail its check.
std::uint64_t state_checksum(std::string_view payload) { return fnv1a64(payload, 1469598103934665603ULL); }

std::string encode_state(const PacerState& s, const std::string& boot_id, const std::string& scope) {
    std::string payload = fmt::format("boot {}\nscope {}\npenalty {}\ntat {}\nsent {}\ngrants", boot_id, scope,
                                      to_us(s.penalty_until), to_us(s.tat), to_us(s.sent));
    for (const auto g : s.grants) payload += fmt::format(" {}", to_us(g));
    payload += "\nbulk";
    for (const auto g : s.bulk) payload += fmt::format(" {}", to_us(g));
    payload += '\n';
    for (const auto& t : s.tickets)
        payload += fmt::format("ticket {} {} {} {} {} {}\n", t.id, to_string(t.priority), to_us(t.arrived), to_us(t.expires),
                               t.pid, t.started);
    return fmt::format("{}{} {} {:016x}\n{}", kMagic, kFormat, payload.size(), state_checksum(payload), payload);
}

std::variant<DecodedState, std::string> decode_state(std::string_view bytes) {
    if (bytes.empty()) return DecodedState{};
    if (bytes.substr(0, kMagic.size()) != kMagic) return std::string("not a pacer state file");
    bytes.remove_prefix(kMagic.size());
    // The format version: 1 (before tat), 2 (before the line) or 3. A newer one is unknown history, like a corrupt file.
    const auto version_end = bytes.find(' ');
    long long format = 0;
    if (version_end == std::string_view::npos || !parse_ll(bytes.substr(0, version_end), format))
        return std::string("truncated header");
    if (format < 1 || format > kFormat) return fmt::format("unknown format {}", format);
    bytes.remove_prefix(version_end + 1);
    const auto nl = bytes.find('\n');
    const auto sp = bytes.find(' ');
    if (nl == std::string_view::npos || sp == std::string_view::npos || sp > nl) return std::string("truncated header");
    long long len = 0;
    if (!parse_ll(bytes.substr(0, sp), len) || len < 0) return std::string("bad length");
    const auto sum = bytes.substr(sp + 1, nl - sp - 1);
    bytes.remove_prefix(nl + 1);
    // Bytes past the length are left over from a longer earlier state (we do not truncate first).
    if (bytes.size() < static_cast<size_t>(len)) return std::string("truncated");
    const auto payload = bytes.substr(0, static_cast<size_t>(len));
    if (sum != fmt::format("{:016x}", state_checksum(payload))) return std::string("checksum mismatch");
    return parse_payload(std::string(payload), static_cast<int>(format));
}

PacerState with_missing_tat(DecodedState d, Duration interval, int burst, TimePoint now) {
    auto& s = d.state;
    auto latest = d.legacy_last;
    if (!s.grants.empty()) latest = std::max(latest, s.grants.back());
    s.tat = std::max(now, latest) + burst * interval;
    s.sent = std::min(latest, now);
    return std::move(s);
}

const std::string& current_boot_id() {
    static const std::string id = [] {
        std::ifstream f("/proc/sys/kernel/random/boot_id");
        std::string s;
        std::getline(f, s);
        return s;
    }();
    return id;
}

}  // namespace ccai::detail
