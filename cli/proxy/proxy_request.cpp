// A client's request turned into the one the proxy forwards, and the pipeline's outcome into the answer.
#include "proxy/proxy_request.hpp"
#include "proxy/proxy_token.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "ccai/redact.hpp"
#include "commands/raw_path.hpp"

namespace ccai::cli::proxy {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Headers the client may not choose: the proxy's own (auth, account, bot, its token, pacing hints), those
// that frame the message (libcurl writes them), the encoding libcurl negotiates and undoes itself, and the
// peer's address that httplib records as headers.
bool dropped_request_header(const std::string& name) {
    static const std::set<std::string, std::less<>> kDropped{
        "auth", "authorization", "accountid", "iid", "x-ccai-priority", std::string(kPacedHeader), "accept-encoding",
        "expect", "cookie", "remote_addr", "remote_port", "local_addr", "local_port",
        // Headers some servers and gateways take as a different method, path or client address.
        "x-http-method-override", "x-http-method", "x-method-override", "x-original-url", "x-rewrite-url",
        "forwarded", "x-real-ip", "x-client-ip"};
    return kDropped.contains(name) || is_reserved_header(name) || name.starts_with("proxy-") ||
           name.starts_with("x-forwarded-");
}

// Response headers that describe the hop or the encoding: the body goes back decoded, framed by the proxy.
bool dropped_response_header(const std::string& name) {
    static const std::set<std::string, std::less<>> kDropped{
        "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "upgrade", "te",
        "trailer", "proxy-authenticate", "set-cookie", "content-type"};
    return kDropped.contains(name);
}

// curl sends {botId} as is; other clients percent-encode the braces.
std::string unescape_placeholders(std::string path) {
    for (const auto* name : {"botId", "accountId", "orgId"}) {
        const std::string encoded = lower(fmt::format("%7B{}%7D", name));
        for (auto pos = lower(path).find(encoded); pos != std::string::npos; pos = lower(path).find(encoded))
            path.replace(pos, encoded.size(), fmt::format("{{{}}}", name));
    }
    return path;
}

bool under_prefix(std::string_view path, const std::vector<std::string>& prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
        return path.starts_with(p) && (path.size() == p.size() || path[p.size()] == '/');
    });
}

long long whole_seconds_up(std::chrono::milliseconds d) {
    return std::max<long long>(1, static_cast<long long>(std::ceil(static_cast<double>(d.count()) / 1000.0)));
}

}  // namespace

std::vector<std::string> api_prefixes() {
    std::set<std::string> out;
    for (const auto& spec : endpoints()) {
        std::string prefix;
        const std::string_view path = spec.path();
        int depth = 0;
        for (size_t start = 1; start < path.size() && depth < 3; ++depth) {
            const auto end = std::min(path.find('/', start), path.size());
            const auto segment = path.substr(start, end - start);
            if (segment.find('{') != std::string_view::npos) break;
            prefix += '/';
            prefix += segment;
            start = end + 1;
        }
        if (!prefix.empty()) out.insert(prefix);
    }
    return {out.begin(), out.end()};
}

Answer error_answer(int status, std::string_view message) {
    Answer a;
    a.status = status;
    // The message may quote the client's path, which need not be UTF-8: such bytes are written as U+FFFD.
    a.body = nlohmann::json{{"errors", nlohmann::json::array({{{"msg", message}, {"code", status}}})}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    return a;
}

std::variant<Forward, Answer> to_forward(const Incoming& in, const Upstream& up) {
    static const std::set<std::string, std::less<>> kMethods{"GET", "POST", "PUT", "DELETE", "PATCH"};
    if (!kMethods.contains(in.method)) {
        auto a = error_answer(405, fmt::format("proxy: method {} is not forwarded", in.method));
        a.headers.emplace_back("Allow", "GET, POST, PUT, DELETE, PATCH");
        return a;
    }
    std::size_t header_bytes = 0;
    for (const auto& [name, value] : in.headers) header_bytes += name.size() + value.size();
    if (in.headers.size() > kMaxHeaderCount || header_bytes > kMaxHeaderBytes)
        return error_answer(431, fmt::format("proxy: the request's headers pass the limit ({} headers, {} KiB)",
                                             kMaxHeaderCount, kMaxHeaderBytes / 1024));

    // Both framings at once is how requests are smuggled past a front end that reads the other one.
    bool has_length = false, has_chunked = false;
    for (const auto& [name, value] : in.headers) {
        has_length |= lower(name) == "content-length";
        has_chunked |= lower(name) == "transfer-encoding";
    }
    if (has_length && has_chunked)
        return error_answer(400, "proxy: a request with both Content-Length and Transfer-Encoding is refused");

    auto checked = check_raw_path(unescape_placeholders(in.target), "proxy");
    if (!checked) return error_answer(400, checked.error().message);
    const std::string_view path = std::string_view(*checked).substr(0, checked->find('?'));
    if (!under_prefix(path, up.prefixes))
        return error_answer(404, "proxy: not a path of the API; only the API's paths are forwarded");
    auto filled = fill_placeholders(*checked, up.config, "proxy");
    if (!filled) return error_answer(400, filled.error().message);

    // Headers the Connection header names are hop-by-hop too (RFC 9110 7.6.1).
    std::set<std::string, std::less<>> nominated;
    for (const auto& [raw_name, value] : in.headers)
        if (lower(raw_name) == "connection")
            for (std::size_t at = 0; at <= value.size();) {
                auto end = value.find(',', at);
                if (end == std::string::npos) end = value.size();
                auto token = lower(value.substr(at, end - at));
                token.erase(0, token.find_first_not_of(" \t"));
                token.erase(token.find_last_not_of(" \t") + 1);
                if (!token.empty()) nominated.insert(token);
                at = end + 1;
            }

    Forward f;
    for (const auto& [raw_name, value] : in.headers) {
        const auto name = lower(raw_name);
        if (!is_header_name(name)) return error_answer(400, "proxy: a header name is not a valid token");
        // The message names the header, never its value: it may be a secret.
        if (const auto why = header_value_problem(value); !why.empty())
            return error_answer(400, fmt::format("proxy: header {} {}", name, why));
        if (name == "accountid" && value != up.config.get("account_id"))
            return error_answer(400, up.config.has("account_id")
                                         ? "proxy: the accountid header names another account than the proxy's profile"
                                         : "proxy: the proxy's profile has no account_id; send no accountid header");
        if (name == "x-ccai-priority") {
            if (value == "bulk") f.priority = Priority::bulk;
            else if (value != "interactive")
                return error_answer(400, "proxy: X-CCAI-Priority must be interactive or bulk");
        }
        // The secret compared in constant time, like the bearer token: timing must not reveal it byte by byte.
        if (name == kPacedHeader && in.from_loopback && !up.claim.empty() &&
            bearer_matches("Bearer " + std::string(value), up.claim))
            f.paced = true;
    }

    auto started = start_request(in.method, *filled, up.config);
    if (!started) return error_answer(500, "proxy: " + started.error().message);
    f.request = std::move(*started);
    if (up.config.has("bot_id")) f.request.headers.emplace_back("iid", up.config.get("bot_id"));
    for (const auto& [raw_name, value] : in.headers) {
        auto name = lower(raw_name);
        if (!dropped_request_header(name) && !nominated.contains(name)) f.request.headers.emplace_back(std::move(name), value);
    }
    return f;
}

Answer busy_answer(std::string_view message, Duration expected_wait) {
    auto a = error_answer(503, message);
    a.headers.emplace_back("Retry-After", std::to_string(whole_seconds_up(
                                              std::chrono::ceil<std::chrono::milliseconds>(expected_wait))));
    return a;
}

Answer to_answer(const Result<HttpResponse>& outcome) {
    if (outcome) {
        Answer a;
        a.status = outcome->status;
        a.body = outcome->body;
        a.content_type = outcome->header("content-type");
        for (const auto& [name, value] : outcome->headers)
            if (!dropped_response_header(name)) a.headers.emplace_back(name, value);
        return a;
    }
    // The pipeline's text may quote what the service echoed of the request: a JWT, a secret.
    ApiError e = outcome.error();
    e.message = redact(e.message);
    switch (e.kind) {
        case ErrorKind::rate_limited: {
            auto a = error_answer(429, e.message);
            a.headers.emplace_back("Retry-After", std::to_string(whole_seconds_up(
                                                      e.retry_after.value_or(std::chrono::milliseconds(1000)))));
            return a;
        }
        case ErrorKind::interrupted: {
            auto a = error_answer(503, "proxy: stopping; the request was not sent");
            a.headers.emplace_back("Retry-After", "1");
            return a;
        }
        case ErrorKind::network:
            return error_answer(e.message.find("timed out") != std::string::npos ? 504 : 502,
                                "proxy: the service could not be reached: " + e.message);
        default:
            return error_answer(500, "proxy: " + e.message);
    }
}

}  // namespace ccai::cli::proxy
