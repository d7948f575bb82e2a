// The typed SDK reaches the new families the catalog generates for them: v2 campaigns (accountId in the
// query, from the profile), case management, the contact updates and deletions, the v2 dial-out and the
// queue priorities, with their checks before sending.
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

TEST_CASE("typed contact updates and the v2 dial-out: PUT by id, arrays checked per item, the table's path") {
    auto h = client();
    h.transport->push(200, R"({"id":"c-1","firstName":"Ada"})");
    REQUIRE(h.client->contacts().update({.contact_id = "c-1", .body = json{{"firstName", "Ada"}}}).ok());
    const auto& one = h.transport->requests.at(0);
    CHECK(one.method == "PUT");
    CHECK(one.url == "http://127.0.0.1:1/agentassist/api/v1/public/st-1/contacts/c-1");
    CHECK(one.header("accountid") == "acc-7");

    // An item without its id is refused before anything is sent.
    const json item = {{"firstName", "A"}, {"lastName", "L"}, {"salutation", "ms"},
                       {"cellPhone", {{"phoneNumber", "5550100"}, {"countryCode", "+1"}, {"extension", "+"}}}};
    auto bad = h.client->contacts().bulk_update({.body = json::array({item})});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::invalid_input);
    CHECK(h.transport->requests.size() == 1);
    auto with_id = item;
    with_id["id"] = "c-1";
    h.transport->push(200, R"({"totalRequested":1,"successful":1,"failed":0,"successfulRecords":[],"failedRecords":[]})");
    REQUIRE(h.client->contacts().bulk_update({.body = json::array({with_id})}).ok());
    CHECK(h.transport->requests.at(1).url == "http://127.0.0.1:1/agentassist/api/v1/public/st-1/contacts/bulk-update");
    CHECK(json::parse(h.transport->requests.at(1).body) == json::array({with_id}));

    h.transport->push(200, R"({"sid":"s-1","callId":"k-1"})");
    REQUIRE(h.client->dialout().call_v2({.body = json{{"bot", "st-1"}, {"target", "tel:1"}, {"caller", "+1"}}}).ok());
    CHECK(h.transport->requests.at(2).url == "http://127.0.0.1:1/api/1.1/public/bot/st-1/V2/smartassist/dialout");
}

TEST_CASE("typed queue priorities: PUT with the bot id as iid, every item's queue id and priority checked") {
    auto h = client();
    // An item without its priority, or a priority that is not an integer: refused before anything is sent.
    for (const json& bad : {json{{"queuePriorityData", {{{"queueId", "qu-1"}}}}},
                            json{{"queuePriorityData", {{{"queueId", "qu-1"}, {"priority", "6"}}}}}, json::object()}) {
        auto r = h.client->queues().update_priority({.body = bad});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
    }
    CHECK(h.transport->requests.empty());

    const json body = {{"queuePriorityData", {{{"queueId", "qu-1"}, {"priority", 6}}, {{"queueId", "qu-2"}, {"priority", 3}}}}};
    h.transport->push(200, R"({"updatedCount":2,"updatedQueueIds":["qu-1","qu-2"]})");
    REQUIRE(h.client->queues().update_priority({.body = body}).ok());
    const auto& req = h.transport->requests.at(0);
    CHECK(req.method == "PUT");
    CHECK(req.url == "http://127.0.0.1:1/agentassist/api/v1/public/st-1/queues/dynamicqueues/priorities");
    CHECK(req.header("iid") == "st-1");
    CHECK(req.header("accountid") == "acc-7");
    CHECK(json::parse(req.body) == body);
}
