#include "secrets/secret_search.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace ccai::detail {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int hex_value(std::string_view s, std::size_t at, std::size_t digits) {
    if (at + digits > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        const int d = hex_digit(s[at + i]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

void append_utf8(std::string& out, int cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// How a layer is decoded: as JSON string content, as percent-encoding, or both at once (a text where some
// characters were escaped one way and others the other way).
enum class Kind { json, percent, both };
constexpr Kind kKinds[] = {Kind::json, Kind::percent, Kind::both};

bool applies(std::string_view s, Kind k) {
    const bool backslash = s.find('\\') != std::string_view::npos, percent = s.find('%') != std::string_view::npos;
    switch (k) {
        case Kind::json: return backslash;
        case Kind::percent: return percent;
        case Kind::both: return backslash && percent;  // with only one of them it is one of the others
    }
    return false;
}

std::size_t decode_json_escape(std::string_view s, std::size_t i, std::string& out) {
    if (s[i] != '\\' || i + 1 >= s.size()) return 0;
    switch (s[i + 1]) {
        case '"': out += '"'; return 2;
        case '\\': out += '\\'; return 2;
        case '/': out += '/'; return 2;
        case 'b': out += '\b'; return 2;
        case 'f': out += '\f'; return 2;
        case 'n': out += '\n'; return 2;
        case 'r': out += '\r'; return 2;
        case 't': out += '\t'; return 2;
        case 'u': {
            const int cp = hex_value(s, i + 2, 4);
            if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;  // surrogates: left as they are
            append_utf8(out, cp);
            return 6;
        }
        default: return 0;
    }
}

// One escape at s[i]: appends the bytes it stands for and returns its length, or 0 when there is none.
std::size_t decode_one(std::string_view s, std::size_t i, Kind k, std::string& out) {
    if (k != Kind::percent && s[i] == '\\') return decode_json_escape(s, i, out);
    if (k != Kind::json && s[i] == '%') {
        const int v = hex_value(s, i + 1, 2);
        if (v < 0) return 0;
        out += static_cast<char>(v);
        return 3;
    }
    return 0;
}

// `s` decoded once; `from`, when given, gets each output byte's offset in the window (through `in_from`).
// False when nothing in `s` was an escape.
bool decode(std::string_view s, Kind k, std::string& out, const std::vector<std::uint32_t>* in_from = nullptr,
            std::vector<std::uint32_t>* from = nullptr) {
    out.clear();
    if (from) from->clear();
    bool changed = false;
    for (std::size_t i = 0; i < s.size();) {
        const auto before = out.size();
        std::size_t used = decode_one(s, i, k, out);
        if (used == 0) {
            out += s[i];
            used = 1;
        } else {
            changed = true;
        }
        if (from) from->insert(from->end(), out.size() - before, (*in_from)[i]);
        i += used;
    }
    if (from) from->push_back(in_from->back());
    return changed;
}

bool same_byte(char text, char secret) { return text == secret || (text == '+' && secret == ' '); }

// Where `secret` is in `bytes` at or after `from` (a '+' standing for a space), or npos.
std::size_t find_spelled(std::string_view bytes, std::string_view secret, std::size_t from) {
    if (secret.find(' ') == std::string_view::npos) return bytes.find(secret, from);
    for (std::size_t i = from; i + secret.size() <= bytes.size(); ++i)
        if (std::equal(secret.begin(), secret.end(), bytes.begin() + static_cast<std::ptrdiff_t>(i),
                       [](char s, char t) { return same_byte(t, s); }))
            return i;
    return std::string_view::npos;
}

// Spans of `bytes` that are `secret`, mapped to the window through `from` (identity when null), shifted by `base`.
void find_in(std::string_view bytes, const std::vector<std::uint32_t>* from, std::size_t base, std::string_view secret,
             std::vector<Span>& out) {
    for (auto i = find_spelled(bytes, secret, 0); i != std::string_view::npos; i = find_spelled(bytes, secret, i)) {
        const std::size_t end = i + secret.size();
        out.emplace_back(base + (from ? (*from)[i] : i), base + (from ? (*from)[end] : end));
        i = end;
    }
}

using Path = std::vector<Kind>;

// The decodings (sequences of kinds, up to kEscapeLayers) of `view` in which `secret` appears. Bytes only:
// positions are worked out afterwards, for these paths alone, since almost no text holds a secret.
void probe(std::string_view view, std::string_view secret, Path& path, std::vector<Path>& hits) {
    thread_local std::string decoded[kEscapeLayers];
    const auto depth = path.size();
    if (depth == static_cast<std::size_t>(kEscapeLayers)) return;
    for (const Kind k : kKinds) {
        if (!applies(view, k)) continue;
        auto& next = decoded[depth];
        if (!decode(view, k, next)) continue;
        path.push_back(k);
        if (find_spelled(next, secret, 0) != std::string_view::npos) hits.push_back(path);
        probe(next, secret, path, hits);
        path.pop_back();
    }
}

// The spans of `window` that spell `secret` through the decodings of `path`.
void map_path(std::string_view window, const Path& path, std::size_t base, std::string_view secret, std::vector<Span>& out) {
    std::string bytes(window), next;
    std::vector<std::uint32_t> from(window.size() + 1), next_from;
    for (std::uint32_t i = 0; i <= window.size(); ++i) from[i] = i;
    for (const Kind k : path) {
        decode(bytes, k, next, &from, &next_from);
        bytes.swap(next);
        from.swap(next_from);
    }
    find_in(bytes, &from, base, secret, out);
}

}  // namespace

void find_secret(std::string_view text, std::string_view secret, std::vector<Span>& out) {
    if (secret.empty()) return;
    // Windows with an overlap longer than any spelling of a secret: a long text costs a window's memory.
    constexpr std::size_t kWindow = 1u << 20, kOverlap = 64u << 10;
    for (std::size_t start = 0;; start += kWindow) {
        const std::size_t end = std::min(text.size(), start + kWindow + kOverlap);
        const auto window = text.substr(start, end - start);
        const auto first = out.size();
        find_in(window, nullptr, start, secret, out);
        Path path;
        std::vector<Path> hits;
        probe(window, secret, path, hits);
        for (const auto& hit : hits) map_path(window, hit, start, secret, out);
        // A match that starts in the overlap is the next window's.
        if (end < text.size())
            out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                                     [&](const Span& s) { return s.first >= start + kWindow; }),
                      out.end());
        if (end == text.size()) return;
    }
}

}  // namespace ccai::detail
