// Pagination: one cursor per family style, end detection, and the repeated-page guard.
#include "ccai/pagination.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>

#include <fmt/format.h>

namespace ccai {

const nlohmann::json* json_at_path(const nlohmann::json& v, std::string_view path) {
    if (!v.is_object()) return nullptr;
    if (auto it = v.find(std::string(path)); it != v.end()) return &*it;  // keys may contain dots
    const auto dot = path.find('.');
    if (dot == std::string_view::npos) return nullptr;
    auto it = v.find(std::string(path.substr(0, dot)));
    return it == v.end() ? nullptr : json_at_path(*it, path.substr(dot + 1));
}

namespace {

// What advances: a record count (skip, offset) or a page number (page, offset counted in pages).
enum class Unit_ { records, pages };
enum class Place { query, body, url };  // url: not in the catalog, appended to the query string

struct Cursor {
    std::string name;  // "skip", "page", "offset"
    Unit_ unit = Unit_::records;
    Place place = Place::query;
    long long value = 0;
    std::optional<long long> limit;  // the page size we asked for, when the user set one
};

Place place_of(const EndpointSpec& spec, std::string_view name) {
    const auto named = [&](const auto& xs) { return std::any_of(xs.begin(), xs.end(), [&](const auto& x) { return x.name() == name; }); };
    if (named(spec.query_params())) return Place::query;
    if (named(spec.body()) || (spec.takes_body() && spec.pagination()->style().find("body") != std::string_view::npos)) return Place::body;
    return Place::url;
}

std::optional<long long> given(const EndpointSpec& spec, const CallArgs& args, const std::string& name) {
    if (place_of(spec, name) == Place::body) {
        if (args.body && args.body->is_object() && args.body->contains(name) && (*args.body)[name].is_number_integer())
            return (*args.body)[name].get<long long>();
        return std::nullopt;
    }
    const auto it = args.params.find(name);
    if (it == args.params.end()) return std::nullopt;
    try {
        return std::stoll(it->second);
    } catch (...) {
        return std::nullopt;
    }
}

Cursor cursor_for(const EndpointSpec& spec, const CallArgs& args) {
    const auto style = spec.pagination()->style();
    Cursor c;
    // campaigns.list takes page or skip in its body; skip is unambiguous (the mock and docs let it win).
    if (style.find("skip") != std::string_view::npos) c.name = "skip";
    else if (style.find("offset") != std::string_view::npos) c.name = "offset";
    else c.name = "page";
    // The catalog says what the cursor counts (the generator checks it agrees with the cursor's name).
    c.unit = spec.pagination()->counts_pages() ? Unit_::pages : Unit_::records;
    c.place = place_of(spec, c.name);
    c.value = given(spec, args, c.name).value_or(c.name == "page" ? 1 : 0);
    c.limit = given(spec, args, "limit");
    return c;
}

Result<HttpRequest> page_request(const Client& client, const EndpointSpec& spec, CallArgs args, const Cursor& c) {
    const auto value = std::to_string(c.value);
    if (c.place == Place::query) args.params[c.name] = value;
    if (c.place == Place::body) {
        if (!args.body || args.body->is_null()) args.body = nlohmann::json::object();
        (*args.body)[c.name] = c.value;
    }
    auto req = client.prepare(spec, args);
    if (req && c.place == Place::url) req->url += fmt::format("{}{}={}", req->url.find('?') == std::string::npos ? '?' : '&', c.name, value);
    return req;
}

// The object that holds the list (its hasMore, limit, totalPages), or nullptr for a bare array.
const nlohmann::json* container(const EndpointSpec& spec, const nlohmann::json& response) {
    const auto key = spec.response_list_key();
    const auto dot = key.rfind('.');
    if (!response.is_object()) return nullptr;
    return dot == std::string_view::npos ? &response : json_at_path(response, key.substr(0, dot));
}

long long number_in(const nlohmann::json* box, const char* name, long long fallback) {
    if (!box || !box->is_object()) return fallback;
    const auto it = box->find(name);
    return it != box->end() && it->is_number_integer() ? it->get<long long>() : fallback;
}

bool last_page(const EndpointSpec& spec, const nlohmann::json& response, const nlohmann::json& items, const Cursor& c, long long fetched) {
    if (items.empty()) return true;
    const auto* box = container(spec, response);
    if (box && box->is_object())
        if (auto it = box->find("hasMore"); it != box->end() && it->is_boolean()) return !it->get<bool>();
    const long long total_pages = number_in(box, "totalPages", 0);
    if (total_pages > 0 && number_in(box, "page", c.unit == Unit_::pages ? c.value : fetched) >= total_pages) return true;
    const long long size = c.limit.value_or(number_in(box, "limit", 0));
    return size > 0 && static_cast<long long>(items.size()) < size;
}

}  // namespace

const nlohmann::json* list_items(const EndpointSpec* spec, const nlohmann::json& response) {
    if (response.is_array()) return &response;
    if (spec && !spec->response_list_key().empty()) {
        const auto* items = json_at_path(response, spec->response_list_key());
        if (items && items->is_array()) return items;
    }
    return nullptr;
}

Result<PagingStats> for_each_page(Client& client, const EndpointSpec& spec, CallArgs args, const PageVisitor& visit) {
    if (!spec.pagination()) return invalid_input(fmt::format("{}: this operation does not page", spec.id()));
    auto c = cursor_for(spec, args);
    PagingStats stats;
    // Hashes of the recent pages' items: a server that ignores paging repeats one page, or cycles through a
    // few (A, B, A, B). Bounded, so memory stays one page however many pages there are.
    constexpr std::size_t kRecentPages = 64;
    std::deque<size_t> recent;
    while (true) {
        auto req = page_request(client, spec, args, c);
        if (!req) return req.error();
        CallStats call;
        call.priority = Priority::bulk;  // following every page is bulk work: a person's single call goes first
        auto response = to_result(client.send(std::move(*req), &call));
        if (!response) return response.error();
        const auto* items = list_items(&spec, *response);
        if (!items) {
            ApiError e;  // ErrorKind::other: the server's answer is at fault, not the command line
            e.message = fmt::format("{}: the response holds no list ('{}')", spec.id(), spec.response_list_key());
            return e;
        }
        const auto hash = std::hash<std::string>{}(items->dump());
        if (!items->empty() && std::find(recent.begin(), recent.end(), hash) != recent.end()) {
            ApiError e;
            e.message = fmt::format("{}: the server returned the same page twice ({}={}); it seems to ignore paging, "
                                    "stopping after {} items", spec.id(), c.name, c.value, stats.items);
            return e;
        }
        if (!items->empty()) recent.push_back(hash);
        if (recent.size() > kRecentPages) recent.pop_front();
        ++stats.pages;
        stats.items += static_cast<long long>(items->size());
        if (!visit(*response, *items) || last_page(spec, *response, *items, c, stats.pages)) return stats;
        const long long step = c.unit == Unit_::pages ? 1 : static_cast<long long>(items->size());
        // A cursor started near the top (--page 9223372036854775807): the next one cannot be asked for.
        if (c.value > std::numeric_limits<long long>::max() - step) {
            ApiError e;
            e.message = fmt::format("{}: the next page's {} would be past {}, the largest ccai-cli sends; stopping after "
                                    "{} items", spec.id(), c.name, std::numeric_limits<long long>::max(), stats.items);
            return e;
        }
        c.value += step;
    }
}

Result<PagingStats> for_each_item(Client& client, const EndpointSpec& spec, CallArgs args, const ItemVisitor& visit,
                                  long long max_items) {
    long long seen = 0;
    auto stats = for_each_page(client, spec, std::move(args), [&](const nlohmann::json&, const nlohmann::json& items) {
        for (const auto& item : items) {
            if (max_items > 0 && seen >= max_items) return false;
            ++seen;
            if (!visit(item)) return false;
        }
        return max_items <= 0 || seen < max_items;
    });
    if (!stats) return stats.error();
    stats->items = seen;
    return stats;
}

}  // namespace ccai
