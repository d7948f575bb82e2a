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
constexpr int kFormat = 2;

long long to_us(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint from_us(long long us) { return TimePoint(Duration(us)); }

bool parse_ll(std::string_view s, long long& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
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
            else return fmt::format("unknown key '{}'", key);
        }
    }
    if (!saw_boot) return std::string("no boot id");
    if (!std::is_sorted(d.state.grants.begin(), d.state.grants.end())) return std::string("grants out of order");
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
    payload += '\n';
    return fmt::format("{}{} {} {:016x}\n{}", kMagic, kFormat, payload.size(), state_checksum(payload), payload);
}

std::variant<DecodedState, std::string> decode_state(std::string_view bytes) {
    if (bytes.empty()) return DecodedState{};
    if (bytes.substr(0, kMagic.size()) != kMagic) return std::string("not a pacer state file");
    bytes.remove_prefix(kMagic.size());
    // The format version: 1 (before tat) or 2. A newer one is unknown history, like a corrupt file.
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
