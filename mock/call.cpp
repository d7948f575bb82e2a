#include "call.hpp"

#include <cctype>
#include <cstdlib>

namespace ccai::mock {

std::string Call::param(std::string_view name, std::string fallback) const {
    if (const auto it = path.find(name); it != path.end()) return it->second;
    if (const auto it = query.find(std::string(name)); it != query.end()) return it->second;
    return fallback;
}

long long Call::number(std::string_view name, long long fallback, bool from_body) const {
    if (from_body) {
        if (!body.is_object()) return fallback;
        const auto it = body.find(std::string(name));
        if (it == body.end()) return fallback;
        if (it->is_number_integer()) return it->get<long long>();
        if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
        return fallback;
    }
    const auto v = param(name);
    if (v.empty()) return fallback;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    return *end == '\0' ? n : fallback;
}

std::string Call::coll(std::string_view kind, std::string_view extra) const {
    std::string out(kind);
    out += "/" + param("botId");
    if (!extra.empty()) out += "/" + std::string(extra);
    return out;
}

Reply error_reply(int status, const std::string& msg) {
    Reply r;
    r.status = status;
    r.body = {{"errors", json::array({{{"msg", msg}, {"code", status}}})}};
    return r;
}

Reply not_found(std::string_view what, std::string_view id) {
    return error_reply(404, std::string(what) + " not found: " + std::string(id));
}

Reply ok(json body) {
    Reply r;
    r.body = std::move(body);
    return r;
}

json numbered_page(const Call& c, const std::vector<json>& all, const std::function<json(const json&)>& view) {
    const long long limit = c.number("limit", 10), page = std::max(1LL, c.number("page", 1));
    std::vector<json> items;
    items.reserve(all.size());
    for (const auto& item : all) items.push_back(view(item));
    auto body = page_of(items, (page - 1) * limit, limit);
    body.erase("skip");
    return body;
}

json page_of(const std::vector<json>& all, long long skip, long long limit) {
    if (skip < 0) skip = 0;
    if (limit <= 0) limit = 10;
    const long long total = static_cast<long long>(all.size());
    json results = json::array();
    for (long long i = skip; i < total && i < skip + limit; ++i) results.push_back(all[static_cast<size_t>(i)]);
    return {{"results", std::move(results)},
            {"skip", skip},
            {"limit", limit},
            {"page", skip / limit + 1},
            {"hasMore", skip + limit < total},
            {"totalPages", (total + limit - 1) / limit},
            {"totalResults", total}};
}

std::string text_of(const json& j, const char* key) {
    if (!j.is_object()) return "";
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace ccai::mock
