#include "ccai/route.hpp"

#include <algorithm>
#include <set>

namespace ccai {

namespace {

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i <= path.size()) {
        const auto j = std::min(path.find('/', i), path.size());
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

struct Pattern {
    const EndpointSpec* spec;
    std::vector<std::string_view> segments;
    int literals = 0;
};

const std::vector<Pattern>& patterns() {
    static const std::vector<Pattern> all = [] {
        std::vector<Pattern> v;
        for (const auto& e : endpoints()) {
            Pattern p{&e, split(e.path())};
            for (auto s : p.segments) p.literals += s.front() != '{';
            v.push_back(std::move(p));
        }
        return v;
    }();
    return all;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One segment's value: %XX decoded ('+' is a plus in a path), a malformed escape kept as it is.
std::string decode_segment(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// `segs` are raw (still percent-encoded): literals compare as sent, and a parameter's value is decoded only
// after the split, so an id holding %2F stays one segment.
bool match(const Pattern& p, const std::vector<std::string_view>& segs,
           std::map<std::string, std::string, std::less<>>& params) {
    if (segs.size() != p.segments.size()) return false;
    for (size_t i = 0; i < segs.size(); ++i) {
        const auto s = p.segments[i];
        if (s.front() == '{') {
            params[std::string(s.substr(1, s.size() - 2))] = decode_segment(segs[i]);
        } else if (s != segs[i]) {
            return false;
        }
    }
    return true;
}

// -1: a const value is missing or different; else how many const values the request carries.
int const_score(const EndpointSpec& e, const QueryParams& query) {
    int n = 0;
    for (const auto& c : e.const_query()) {
        const auto it = query.find(std::string(c.name()));
        if (it == query.end() || it->second != c.value()) return -1;
        ++n;
    }
    return n;
}

}  // namespace

RouteMatch match_route(std::string_view method, std::string_view path, const QueryParams& query) {
    RouteMatch r;
    const auto segs = split(path);
    struct Hit {
        const Pattern* p;
        std::map<std::string, std::string, std::less<>> params;
    };
    std::vector<Hit> hits;
    std::set<std::string_view> methods;
    for (const auto& p : patterns()) {
        std::map<std::string, std::string, std::less<>> params;
        if (!match(p, segs, params)) continue;
        methods.insert(p.spec->method());
        if (p.spec->method() == method) hits.push_back({&p, std::move(params)});
    }
    if (methods.empty()) {
        r.status = 404;
        r.error = "Cannot " + std::string(method) + " " + std::string(path) + ": no such resource";
        return r;
    }
    if (hits.empty()) {
        r.status = 405;
        for (auto m : methods) r.allow += (r.allow.empty() ? "" : ", ") + std::string(m);
        r.error = "Method " + std::string(method) + " is not allowed on " + std::string(path) + " (allowed: " + r.allow + ")";
        return r;
    }
    // The most literal pattern wins (".../queues/agents" over ".../queues/{queueId}").
    const int best = std::max_element(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
                         return a.p->literals < b.p->literals;
                     })->p->literals;
    std::erase_if(hits, [&](const Hit& h) { return h.p->literals != best; });
    // Then the const query values: every one the operation fixes must be present and equal.
    std::vector<std::pair<int, const Hit*>> fitting;
    for (const auto& h : hits)
        if (const int s = const_score(*h.p->spec, query); s >= 0) fitting.emplace_back(s, &h);
    if (fitting.empty()) {
        r.status = 400;
        std::string wanted;
        for (const auto& h : hits)
            for (const auto& c : h.p->spec->const_query()) {
                const auto kv = std::string(c.name()) + "=" + std::string(c.value());
                if (wanted.find(kv) == std::string::npos) wanted += (wanted.empty() ? "" : " or ") + kv;
            }
        r.error = "Invalid or missing query parameter: expected " + wanted;
        return r;
    }
    std::stable_sort(fitting.begin(), fitting.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const int top = fitting.front().first;
    for (const auto& [score, h] : fitting)
        if (score == top) r.specs.push_back(h->p->spec);
    r.path_params = fitting.front().second->params;
    return r;
}

}  // namespace ccai
