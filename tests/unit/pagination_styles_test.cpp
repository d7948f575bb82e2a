// Pagination: each family's style, end detection, and the repeated-page guard (fake transport, no sleeps).
#include <doctest/doctest.h>

#include "ccai/pagination.hpp"
#include "support/fakes.hpp"

using namespace ccai;
using nlohmann::json;

namespace {

struct Fixture : test::FakeClient {
    Fixture()
        : FakeClient({{"host", "https://h"}, {"bot_id", "b"}, {"account_id", "a"}, {"org_id", "o"}, {"client_id", "cs"},
                      {"client_secret", "s"}},
                     RetryOptions{1, std::chrono::seconds(1), std::chrono::milliseconds(1), std::chrono::milliseconds(1), 1}) {}
    // Walks `op`, returning the items' "n" values.
    std::vector<int> walk(const char* op, CallArgs args = {}, long long max_items = 0) {
        std::vector<int> seen;
        auto stats = for_each_item(*client, *find_endpoint(op), std::move(args), [&](const json& it) {
            seen.push_back(it.value("n", -1));
            return true;
        }, max_items);
        REQUIRE(stats);
        return seen;
    }
    std::string url(size_t i) const { return transport->requests.at(i).url; }
    json body(size_t i) const { return json::parse(transport->requests.at(i).body); }
};

json items(int from, int count) {
    json a = json::array();
    for (int i = 0; i < count; ++i) a.push_back({{"n", from + i}});
    return a;
}

std::string page(const char* key, int from, int count, json extra = json::object()) {
    extra[key] = items(from, count);
    return extra.dump();
}

CallArgs body_args(json body) {
    CallArgs a;
    a.body = std::move(body);
    return a;
}

}  // namespace

TEST_CASE("pagination skip/limit in the query (conversations.list) ends on hasMore false") {
    Fixture f;
    f.transport->push(200, page("results", 0, 2, {{"hasMore", true}}));
    f.transport->push(200, page("results", 2, 2, {{"hasMore", true}}));
    f.transport->push(200, page("results", 4, 1, {{"hasMore", false}}));
    CallArgs a;
    a.params["limit"] = "2";
    CHECK(f.walk("conversations.list", a) == std::vector<int>{0, 1, 2, 3, 4});
    REQUIRE(f.transport->requests.size() == 3);
    CHECK(f.url(0).find("skip=0") != std::string::npos);
    CHECK(f.url(1).find("skip=2") != std::string::npos);
    CHECK(f.url(2).find("skip=4") != std::string::npos);
    CHECK(f.url(2).find("limit=2") != std::string::npos);
}

TEST_CASE("pagination page in the query (agents.list) ends at totalPages") {
    Fixture f;
    f.transport->push(200, page("results", 0, 3, {{"totalPages", 2}, {"page", 1}}));
    f.transport->push(200, page("results", 3, 3, {{"totalPages", 2}, {"page", 2}}));
    CHECK(f.walk("agents.list").size() == 6);
    REQUIRE(f.transport->requests.size() == 2);
    CHECK(f.url(1).find("page=2") != std::string::npos);
}

TEST_CASE("pagination with undocumented paging params adds them to the URL (skill-groups.list, agent-groups.list)") {
    Fixture f;
    f.transport->push(200, page("results", 0, 10, {{"limit", 10}}));
    f.transport->push(200, page("results", 10, 4, {{"limit", 10}}));  // fewer than the page size: the end
    CHECK(f.walk("skill-groups.list").size() == 14);
    CHECK(f.url(0).ends_with("/skill-groups?page=1"));
    CHECK(f.url(1).ends_with("/skill-groups?page=2"));
    Fixture g;
    g.transport->push(200, page("results", 0, 10, {{"limit", 10}}));
    g.transport->push(200, page("results", 10, 0, {{"limit", 10}}));  // an empty page: the end
    CHECK(g.walk("agent-groups.list").size() == 10);
    CHECK(g.url(1).ends_with("/agent-groups?skip=10"));
}

TEST_CASE("pagination offset counts records (agent-status-summary) or pages (call-details)") {
    const json summary_body = {{"filter", {{"dateFilter", {{"startDate", "2024-01-01"}, {"endDate", "2024-01-02"}}}}}, {"granularity", "daily"}};
    Fixture f;
    f.transport->push(200, page("data", 0, 5, {{"hasMore", true}}));
    f.transport->push(200, page("data", 5, 2, {{"hasMore", false}}));
    CHECK(f.walk("analytics.agent-status-summary", body_args(summary_body)).size() == 7);
    CHECK(f.url(1).find("offset=5") != std::string::npos);
    Fixture g;
    g.transport->push(200, page("data", 0, 3, {{"numResults", 3}}));
    g.transport->push(200, page("data", 3, 3, {{"numResults", 3}}));
    g.transport->push(200, page("data", 6, 0, {{"numResults", 0}}));
    auto args = body_args({{"startDate", "a"}, {"endDate", "b"}, {"timeZoneOffset", 0}});
    args.params["limit"] = "3";
    CHECK(g.walk("analytics.call-details", args).size() == 6);
    CHECK(g.url(1).find("offset=1") != std::string::npos);
    CHECK(g.url(2).find("offset=2") != std::string::npos);
}

TEST_CASE("pagination in the request body: skip (campaigns.list, wfm.get-contact-volume) and page (list-contacts)") {
    Fixture f;
    f.transport->push(200, json{{"data", json::parse(page("results", 0, 2, {{"hasMore", true}}))}}.dump());
    f.transport->push(200, json{{"data", json::parse(page("results", 2, 1, {{"hasMore", false}}))}}.dump());
    CHECK(f.walk("campaigns.list", body_args({{"type", "voice"}, {"limit", 2}})).size() == 3);
    CHECK(f.body(0)["skip"] == 0);
    CHECK(f.body(1)["skip"] == 2);
    CHECK(f.body(1)["type"] == "voice");
    Fixture g;
    g.transport->push(200, page("CallVolumeUpdate", 0, 4, {{"hasMore", true}}));
    g.transport->push(200, page("CallVolumeUpdate", 4, 4, {{"hasMore", false}}));
    CHECK(g.walk("wfm.get-contact-volume", body_args({{"orgId", "o"}, {"toTimeStamp", "2024-01-02T00:00:00Z"}})).size() == 8);
    CHECK(g.body(1)["skip"] == 4);
    Fixture h;
    h.transport->push(200, json{{"data", json::parse(page("results", 0, 2, {{"page", 1}, {"totalPages", 2}}))}}.dump());
    h.transport->push(200, json{{"data", json::parse(page("results", 2, 2, {{"page", 2}, {"totalPages", 2}}))}}.dump());
    CallArgs a;
    a.params["campaignId"] = "c1";
    CHECK(h.walk("voice-campaigns.list-contacts", a).size() == 4);
    CHECK(h.body(0)["page"] == 1);
    CHECK(h.body(1)["page"] == 2);
}

TEST_CASE("pagination of a bare array (wfm.list-agents) ends on an empty page") {
    Fixture f;
    f.transport->push(200, items(0, 3).dump());
    f.transport->push(200, "[]");
    CHECK(f.walk("wfm.list-agents").size() == 3);
    CHECK(f.url(1).find("offset=3") != std::string::npos);
}

TEST_CASE("pagination stops with an error when the server repeats a page, and honours max items") {
    Fixture f;
    f.transport->fallback = HttpResponse{200, {}, page("results", 0, 5, {{"hasMore", true}})};
    std::vector<int> seen;
    auto stats = for_each_item(*f.client, *find_endpoint("conversations.list"), {}, [&](const json& it) {
        seen.push_back(it["n"]);
        return true;
    });
    REQUIRE_FALSE(stats);
    CHECK(stats.error().message.find("same page twice") != std::string::npos);
    CHECK(f.transport->requests.size() == 2);
    CHECK(seen.size() == 5);
    Fixture g;
    g.transport->push(200, page("results", 0, 5, {{"hasMore", true}}));
    g.transport->push(200, page("results", 5, 5, {{"hasMore", true}}));
    CHECK(g.walk("conversations.list", {}, 7) == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
    CHECK(g.transport->requests.size() == 2);
    CHECK_FALSE(for_each_page(*g.client, *find_endpoint("agents.get"), {}, [](const json&, const json&) { return true; }));
}

TEST_CASE("pagination stops when the server cycles through pages (A, B, A), not only when it repeats one") {
    Fixture f;
    f.transport->push(200, page("results", 0, 2, {{"hasMore", true}}));
    f.transport->push(200, page("results", 2, 2, {{"hasMore", true}}));
    f.transport->push(200, page("results", 0, 2, {{"hasMore", true}}));
    f.transport->fallback = HttpResponse{200, {}, page("results", 2, 2, {{"hasMore", true}})};
    long long pages = 0;
    auto stats = for_each_page(*f.client, *find_endpoint("conversations.list"), {}, [&](const json&, const json&) {
        return ++pages < 100;  // the test's own stop, should the walk go on
    });
    REQUIRE_FALSE(stats);
    CHECK(stats.error().message.find("same page twice") != std::string::npos);
    CHECK(pages == 2);
    CHECK(f.transport->requests.size() == 3);
}

TEST_CASE("pagination: a list field that is not an array is the server's fault (exit 1), not a usage error") {
    Fixture f;
    f.transport->push(200, R"({"results":{"id":"a"},"hasMore":false})");
    auto stats = for_each_page(*f.client, *find_endpoint("conversations.list"), {}, [](const json&, const json&) { return true; });
    REQUIRE_FALSE(stats);
    CHECK(stats.error().kind == ErrorKind::other);
    CHECK(stats.error().message == "conversations.list: the response holds no list ('results')");
}

TEST_CASE("pagination: an error page fails the walk after the earlier items were visited") {
    Fixture f;
    f.transport->push(200, page("results", 0, 2, {{"hasMore", true}}));
    f.transport->push(500, "{}");
    int n = 0;
    auto stats = for_each_item(*f.client, *find_endpoint("conversations.list"), {}, [&](const json&) { return ++n, true; });
    REQUIRE_FALSE(stats);
    CHECK(stats.error().kind == ErrorKind::server);
    CHECK(n == 2);
}

TEST_CASE("pagination: a cursor given at the largest number stops with an error instead of wrapping around") {
    const auto walk = [](const char* op, const char* name, const std::string& start) {
        Fixture f;
        f.transport->fallback = HttpResponse{200, {}, page("results", 0, 2, {{"hasMore", true}})};
        CallArgs a;
        a.params[name] = start;
        auto stats = for_each_page(*f.client, *find_endpoint(op), a, [](const json&, const json&) { return true; });
        REQUIRE_FALSE(stats);
        CHECK(stats.error().kind == ErrorKind::other);
        REQUIRE(f.transport->requests.size() == 1);
        CHECK(f.url(0).find(std::string(name) + "=" + start) != std::string::npos);
        return stats.error().message;
    };
    CHECK(walk("agents.list", "page", "9223372036854775807") ==
          "agents.list: the next page's page would be past 9223372036854775807, the largest ccai-cli sends; stopping "
          "after 2 items");
    // Records: the next skip is one page of items further.
    CHECK(walk("conversations.list", "skip", "9223372036854775806") ==
          "conversations.list: the next page's skip would be past 9223372036854775807, the largest ccai-cli sends; "
          "stopping after 2 items");
}
