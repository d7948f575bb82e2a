#include "cache/cache_key.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ccai/route.hpp"
#include "secrets/sha256.hpp"

namespace ccai::detail {

namespace {
// The headers that change the answer. Only these: a client of the proxy sends headers that differ on every
// request (Postman-Token, tracestate, baggage, x-b3-*, x-amzn-trace-id), which would make every key new,
// and credentials must not be part of a key (a new JWT must still hit).
constexpr std::string_view kKeyed[] = {"accept", "content-type", "accountid", "iid"};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_version(std::string_view segment) {
    if (segment.size() < 2 || (segment[0] != 'v' && segment[0] != 'V')) return false;
    return segment.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

// The families a write drops: its own resource's, and those of every read of its catalog group(s), since
// some of a resource's reads live at other paths (storeSmartAssistFunctionalities is read back through
// retrieveSmartAssistFunctionalities).
std::vector<std::string> write_drops(const std::vector<const EndpointSpec*>& specs) {
    std::set<std::string> out;
    for (const auto* s : specs) {
        out.insert(resource_family(s->path()));
        for (const auto& other : endpoints())
            if (other.group() == s->group()) out.insert(resource_family(other.path()));
    }
    return {out.begin(), out.end()};
}
}  // namespace

std::string resource_family(std::string_view path) {
    // The first segment after the first {placeholder} (the bot, account or organization the resource
    // belongs to), versions skipped: /{botId}/campaign/{id}/status and /{botId}/v2/recordings name
    // "campaign" and "recordings", whatever catalog group the operation is filed under.
    bool after_owner = false;
    std::string_view last;
    for (std::string_view rest = path; !rest.empty();) {
        const auto slash = std::min(rest.find('/'), rest.size());
        const auto segment = rest.substr(0, slash);
        rest.remove_prefix(std::min(slash + 1, rest.size()));
        if (segment.empty()) continue;
        if (segment.front() == '{') {
            if (after_owner) break;
            after_owner = true;
            continue;
        }
        if (after_owner && !is_version(segment)) return lower(segment);
        last = segment;
    }
    return lower(last);  // no placeholder: the path's last literal segment
}

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
    // Every operation that fits has the same path pattern, so the same resource.
    c.family = resource_family(match.specs.front()->path());
    if (read_only && !streamed) c.kind = CacheClass::read;
    else if (changes || streamed) c.kind = CacheClass::write;
    if (c.kind == CacheClass::write) c.drops = write_drops(match.specs);
    for (const auto* s : match.specs)
        for (const auto& h : s->headers()) c.headers.push_back(lower(h.name()));
    return c;
}

std::string cache_key(const HttpRequest& r, std::string_view scope, const std::vector<std::string>& catalog_headers) {
    const auto keyed = [&](const std::string& n) {
        const auto in = [&](const auto& list) {
            return std::any_of(std::begin(list), std::end(list), [&](const auto& k) { return lower(k) == n; });
        };
        return in(kKeyed) || in(catalog_headers) || in(r.key_headers);
    };
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : r.headers)
        // Cache-Control says how to use the cache, not which answer: a no-cache fetch refreshes the entry.
        if (auto n = lower(name); n != "cache-control" && keyed(n)) headers.emplace_back(std::move(n), value);
    std::sort(headers.begin(), headers.end());
    // Each part with its length in front: no two different requests give the same text.
    std::string text = fmt::format("ccai-cache-key 2\n{}:{}{}:{}{}:{}", scope.size(), scope, r.method.size(), r.method,
                                   r.url.size(), r.url);
    for (const auto& [n, v] : headers) text += fmt::format("h{}:{}{}:{}", n.size(), n, v.size(), v);
    text += fmt::format("b{}:{}", r.body.size(), r.body);
    const auto digest = sha256(text);
    std::string hex;
    for (unsigned char b : digest) hex += fmt::format("{:02x}", b);
    return hex;
}

}  // namespace ccai::detail
