#include "cache/cache_key.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ccai/route.hpp"
#include "secrets/sha256.hpp"

namespace ccai::detail {

namespace {
// Credentials (a new JWT must not miss, and a key must not be derived from a secret the file could be
// matched against) and what only shapes the transfer, not the answer.
constexpr std::string_view kIgnored[] = {"auth", "authorization", "cookie", "x-ccai-paced", "x-ccai-priority",
                                         "user-agent", "accept-encoding", "connection", "content-length", "host",
                                         "te", "x-request-id", "traceparent"};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}
}  // namespace

CacheClass classify_request(const HttpRequest& r, std::string_view base_url) {
    CacheClass c;
    std::string_view url = r.url;
    if (!url.starts_with(base_url)) return c;
    url.remove_prefix(base_url.size());
    const auto q = url.find('?');
    const auto path = url.substr(0, q);
    QueryParams query;
    if (q != std::string_view::npos) {
        for (std::string_view rest = url.substr(q + 1); !rest.empty();) {
            const auto amp = std::min(rest.find('&'), rest.size());
            const auto pair = rest.substr(0, amp);
            const auto eq = std::min(pair.find('='), pair.size());
            query.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(std::min(eq + 1, pair.size()))));
            rest.remove_prefix(std::min(amp + 1, rest.size()));
        }
    }
    const auto match = match_route(r.method, path, query);
    const bool streamed = r.upload_file.has_value() || static_cast<bool>(r.body_source);
    if (match.status != 200 || match.specs.empty()) {
        if (r.method != "GET") c.kind = CacheClass::write;  // unknown: drops every family when it succeeds
        return c;
    }
    const bool read_only = std::all_of(match.specs.begin(), match.specs.end(), [](const auto* s) { return s->read_only(); });
    const bool changes = std::any_of(match.specs.begin(), match.specs.end(), [](const auto* s) { return !s->read_only(); });
    c.family = std::string(match.specs.front()->group());
    if (read_only && !streamed) c.kind = CacheClass::read;
    else if (changes || streamed) c.kind = CacheClass::write;
    return c;
}

std::string cache_key(const HttpRequest& r, std::string_view scope) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : r.headers) {
        auto n = lower(name);
        if (std::find(std::begin(kIgnored), std::end(kIgnored), n) == std::end(kIgnored)) headers.emplace_back(std::move(n), value);
    }
    std::sort(headers.begin(), headers.end());
    // Each part with its length in front: no two different requests give the same text.
    std::string text = fmt::format("ccai-cache-key 1\n{}:{}{}:{}{}:{}", scope.size(), scope, r.method.size(), r.method,
                                   r.url.size(), r.url);
    for (const auto& [n, v] : headers) text += fmt::format("h{}:{}{}:{}", n.size(), n, v.size(), v);
    text += fmt::format("b{}:{}", r.body.size(), r.body);
    const auto digest = sha256(text);
    std::string hex;
    for (unsigned char b : digest) hex += fmt::format("{:02x}", b);
    return hex;
}

}  // namespace ccai::detail
