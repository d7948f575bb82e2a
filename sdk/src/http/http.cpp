#include "ccai/http.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

namespace ccai {

namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// A bad name may hold the very line break it is refused for: show control bytes as \xNN, and only the start.
std::string printable(std::string_view text) {
    std::string out;
    for (const char ch : text.substr(0, 64)) {
        const auto c = static_cast<unsigned char>(ch);
        out += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, ch);
    }
    return text.size() > 64 ? out + "..." : out;
}
}  // namespace

bool is_header_name(std::string_view name) {
    constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || kTokenPunctuation.find(c) != std::string_view::npos;
    });
}

std::string header_value_problem(std::string_view value) {
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\r' || c == '\n') return "holds a line break (CR or LF), which would start another header";
        if (c == 0) return "holds a NUL byte";
        if ((c < 0x20 && c != '\t') || c == 0x7f) return "holds a control character";
    }
    return "";
}

bool is_reserved_header(std::string_view name) {
    for (const std::string_view reserved : {"host", "content-length", "transfer-encoding", "connection", "keep-alive",
                                            "proxy-connection", "te", "trailer", "upgrade"})
        if (iequals(name, reserved)) return true;
    return false;
}

Result<Unit> check_headers(const Headers& headers) {
    for (const auto& [name, value] : headers) {
        if (!is_header_name(name))
            return invalid_input(fmt::format("header name '{}' is not valid: use letters, digits and !#$%&'*+-.^_`|~",
                                             printable(name)));
        if (is_reserved_header(name))
            return invalid_input(fmt::format(
                "header {} cannot be set: the HTTP library writes it from the URL, the body and the connection", name));
        if (const auto why = header_value_problem(value); !why.empty())
            return invalid_input(fmt::format("header {}: the value {}", name, why));
    }
    return Unit{};
}

std::string HttpRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return "";
}

bool idempotent_method(std::string_view method) { return method == "GET" || method == "PUT" || method == "DELETE"; }

bool HttpRequest::idempotent() const { return read_only || idempotent_method(method); }

std::string HttpResponse::header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
}

}  // namespace ccai
