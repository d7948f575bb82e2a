#include "secret_search.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace ccai::detail {

namespace {

// A decoded view of a window of the text: its bytes, and for each the offset in the window where its spelling
// begins. A spelling ends where the next begins (decoding consumes contiguous spans), so `from` has one more
// entry, the window's end.
struct View {
    std::string bytes;
    std::vector<std::uint32_t> from;
};

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

// One escape at in.bytes[i], as JSON string content or percent-encoding: appends the bytes it stands for
// and returns its length, or 0 when there is none.
std::size_t decode_one(std::string_view s, std::size_t i, bool json, std::string& out) {
    if (!json) {
        const int v = s[i] == '%' ? hex_value(s, i + 1, 2) : -1;
        if (v < 0) return 0;
        out += static_cast<char>(v);
        return 3;
    }
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

// `in` decoded once (JSON or percent); false when nothing in it was an escape.
bool decode(const View& in, bool json, View& out) {
    out.bytes.clear();
    out.from.clear();
    bool changed = false;
    const std::string_view s = in.bytes;
    for (std::size_t i = 0; i < s.size();) {
        const auto before = out.bytes.size();
        std::size_t used = decode_one(s, i, json, out.bytes);
        if (used == 0) {
            out.bytes += s[i];
            used = 1;
        } else {
            changed = true;
        }
        out.from.insert(out.from.end(), out.bytes.size() - before, in.from[i]);
        i += used;
    }
    out.from.push_back(in.from.back());
    return changed;
}

bool same_byte(char text, char secret) { return text == secret || (text == '+' && secret == ' '); }

// Spans of `bytes` equal to `secret` (a '+' standing for a space), mapped through `from`.
void find_in(std::string_view bytes, const std::vector<std::uint32_t>* from, std::size_t base, std::string_view secret,
             std::vector<Span>& out) {
    const bool plus = secret.find(' ') != std::string_view::npos;
    for (std::size_t i = 0; i + secret.size() <= bytes.size();) {
        bool match = false;
        if (!plus) {
            i = bytes.find(secret, i);
            if (i == std::string_view::npos) return;
            match = true;
        } else {
            match = std::equal(secret.begin(), secret.end(), bytes.begin() + static_cast<std::ptrdiff_t>(i),
                               [](char s, char t) { return same_byte(t, s); });
        }
        if (!match) {
            ++i;
            continue;
        }
        const std::size_t end = i + secret.size();
        out.emplace_back(base + (from ? (*from)[i] : i), base + (from ? (*from)[end] : end));
        i = end;
    }
}

// Every view of `view` decoded once more, `layers` deep: JSON, then percent, each only when it can change
// something. Only the current path of views is alive at a time.
void search_decoded(const View& view, std::size_t base, std::string_view secret, int layers, std::vector<Span>& out) {
    if (layers == 0) return;
    for (const bool json : {true, false}) {
        if (view.bytes.find(json ? '\\' : '%') == std::string::npos) continue;
        View next;
        if (!decode(view, json, next)) continue;
        find_in(next.bytes, &next.from, base, secret, out);
        search_decoded(next, base, secret, layers - 1, out);
    }
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
        if (window.find('\\') != std::string_view::npos || window.find('%') != std::string_view::npos) {
            View raw;
            raw.bytes.assign(window);
            raw.from.resize(window.size() + 1);
            for (std::uint32_t i = 0; i <= window.size(); ++i) raw.from[i] = i;
            search_decoded(raw, start, secret, kEscapeLayers, out);
        }
        // A match that starts in the overlap is the next window's.
        if (end < text.size())
            out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                                     [&](const Span& s) { return s.first >= start + kWindow; }),
                      out.end());
        if (end == text.size()) return;
    }
}

}  // namespace ccai::detail
