// The typed SDK reaches the new families the catalog generates for them: v2 campaigns (accountId in the
// query, from the profile), case management, and the contact deletions, with their checks before sending.
#include <doctest/doctest.h>

#include "ccai/client.hpp"
#include "support/fakes.hpp"

using namespace ccai;
using nlohmann::json;

namespace {
test::FakeClient client() {
    return test::FakeClient({{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc-7"}, {"client_id", "cs-1"},
                             {"client_secret", "sekrit"}},
                            RetryOptions{});
}
}  // namespace

TEST_CASE("typed v2 campaign calls put the account id in the query and the fixed values after it") {
    auto h = client();
    h.transport->push(200, R"({"status":"Active"})");
    auto r = h.client->campaigns_v2().start_voice({.campaign_id = "cd-1"});
    REQUIRE(r.ok());
    const auto& req = h.transport->requests.at(0);
    CHECK(req.method == "POST");
    CHECK(req.url ==
          "http://127.0.0.1:1/campaign/api/v2/public/st-1/campaign/trigger/cd-1?campaignType=voice&trigger=play&accountId=acc-7");
    CHECK(req.header("iid") == "st-1");
    CHECK(req.body == "{}");
}

TEST_CASE("typed case and contact calls: bodies checked before sending, reads marked read-only") {
    auto h = client();
    // A case for nobody: none of the user id, emailId and phoneNumber.
    auto none = h.client->cases().create({.body = json{{"caseTmp", "ctm-1"}, {"name", "n"}, {"desc", "d"},
                                                      {"userInfo", json::object()}, {"source", "rtm"}, {"dueDate", "x"}}});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().kind == ErrorKind::invalid_input);
    CHECK(h.transport->requests.empty());

    h.transport->push(200, R"({"results":[],"page":1})");
    REQUIRE(h.client->cases().list({.body = json{{"searchText", "router"}}}).ok());
    CHECK(h.transport->requests.at(0).url == "http://127.0.0.1:1/caseManagement/api/public/analytics/st-1/getCases");
    CHECK(h.transport->requests.at(0).idempotent());  // a POST that only reads

    h.transport->push(200, R"({"totalRequested":1})");
    REQUIRE(h.client->contacts().bulk_delete({.body = json{{"ids", {"c-1"}}}}).ok());
    CHECK(h.transport->requests.at(1).method == "DELETE");
    CHECK(json::parse(h.transport->requests.at(1).body) == json{{"ids", {"c-1"}}});
}
