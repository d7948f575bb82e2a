// ccai-mock: state through the SDK: create / get / list / update / delete per family, campaign start/stop,
// and every pagination style reaching all items.
#include <doctest/doctest.h>

#include <set>

#include "support/mock_process.hpp"

using namespace ccai::mock::testing;

namespace {

json ok(ccai::Result<json> r) {
    if (!r) FAIL("call failed: ", r.error().message);
    return *r;
}

int status_of(const ccai::Result<json>& r) { return r ? 200 : r.error().http_status; }

}  // namespace

TEST_CASE("mock state: skill groups and their skills round-trip") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto g = ok(call(*sdk, "skill-groups.create", {}, json{{"name", "Billing"}, {"description", "d"}, {"color", "#0f0f0f"}}));
    const auto gid = g["id"].get<std::string>();
    CHECK(gid.size() == 24);
    CHECK(gid.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(ok(call(*sdk, "skill-groups.get", {{"skillGroupId", gid}}))["name"] == "Billing");
    auto upd = ok(call(*sdk, "skill-groups.update", {{"skillGroupId", gid}}, json{{"id", gid}, {"name", "Billing 2"}}));
    CHECK(upd["name"] == "Billing 2");
    CHECK(upd["color"] == "#0f0f0f");

    auto s = ok(call(*sdk, "skills.create", {{"skillGroupId", gid}}, json{{"name", "Refunds"}, {"skillGroupId", gid}}));
    const auto sid = s["id"].get<std::string>();
    CHECK(s["agents"] == 0);
    auto got = ok(call(*sdk, "skills.get", {{"skillGroupId", gid}, {"skillId", sid}}));
    CHECK(got["name"] == "Refunds");
    CHECK(got["status"] == "ACTIVE");
    CHECK(ok(call(*sdk, "skills.update", {{"skillGroupId", gid}, {"skillId", sid}},
                  json{{"name", "Refunds+"}, {"skillGroupId", gid}}))["name"] == "Refunds+");
    CHECK(ok(call(*sdk, "skills.list", {{"skillGroupId", gid}}))["totalResults"] == 1);
    ok(call(*sdk, "skills.delete", {{"skillGroupId", gid}, {"skillId", sid}}));
    CHECK(status_of(call(*sdk, "skills.get", {{"skillGroupId", gid}, {"skillId", sid}})) == 404);
    // A skill needs an existing group.
    CHECK(status_of(call(*sdk, "skills.create", {{"skillGroupId", "nope"}}, json{{"name", "x"}, {"skillGroupId", "nope"}})) == 404);

    CHECK(ok(call(*sdk, "skill-groups.list"))["totalResults"] == 1);
    ok(call(*sdk, "skill-groups.delete", {{"skillGroupId", gid}}));
    auto gone = call(*sdk, "skill-groups.get", {{"skillGroupId", gid}});
    CHECK(status_of(gone) == 404);
    CHECK(gone.error().kind == ccai::ErrorKind::not_found);
    CHECK(ok(call(*sdk, "skill-groups.list"))["totalResults"] == 0);
}

TEST_CASE("mock state: agent groups round-trip with ag- ids") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto g = ok(call(*sdk, "agent-groups.create", {}, json{{"name", "Tier 1"}, {"description", "first line"}}));
    const auto id = g["id"].get<std::string>();
    CHECK(id.rfind("ag-", 0) == 0);
    CHECK(ok(call(*sdk, "agent-groups.get", {{"agentGroupId", id}}))["managers"] == json::array());
    auto upd = ok(call(*sdk, "agent-groups.update", {{"agentGroupId", id}},
                       json{{"name", "Tier 1"}, {"description", "new"}, {"managers", {{{"userId", "u-1"}, {"accessLevel", "view"}}}}}));
    CHECK(upd["description"] == "new");
    CHECK(upd["managers"].size() == 1);
    auto del = ok(call(*sdk, "agent-groups.delete", {{"agentGroupId", id}}));
    CHECK(del["id"] == id);
    CHECK(status_of(call(*sdk, "agent-groups.get", {{"agentGroupId", id}})) == 404);
    CHECK(status_of(call(*sdk, "agent-groups.delete", {{"agentGroupId", id}})) == 404);
}

TEST_CASE("mock state: agents round-trip - update takes the full record back") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto a = ok(call(*sdk, "agents.create", {},
                     json{{"emailId", "ann@example.com"}, {"firstName", "Ann"}, {"lastName", "Lee"}, {"roleId", "r-1"},
                          {"customId", "emp-7"}}));
    const auto id = a["id"].get<std::string>();
    CHECK(id.rfind("a-", 0) == 0);
    CHECK(a["userId"].get<std::string>().rfind("u-", 0) == 0);
    auto rec = ok(call(*sdk, "agents.get", {{"agentId", id}}));
    CHECK(rec["fullName"] == "Ann Lee");
    rec["lastName"] = "Park";
    auto upd = ok(call(*sdk, "agents.update", {{"agentId", id}}, rec));
    CHECK(upd["lastName"] == "Park");
    CHECK(ok(call(*sdk, "agents.get-by-custom-id", {{"customId", "emp-7"}})).size() == 1);
    CHECK(ok(call(*sdk, "agents.get-by-custom-id", {{"customId", "emp-8"}})).empty());
    CHECK(ok(call(*sdk, "agents.availability", {}, json::object()))["OFFLINE"].size() == 1);
    ok(call(*sdk, "agents.delete", {{"agentId", id}}));
    CHECK(status_of(call(*sdk, "agents.get", {{"agentId", id}})) == 404);
    // An incomplete update body is refused.
    CHECK(status_of(call(*sdk, "agents.update", {{"agentId", id}}, json{{"firstName", "x"}})) != 200);
}

TEST_CASE("mock state: queues round-trip with qu- ids, and take priorities") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto q = ok(call(*sdk, "queues.create", {}, json{{"name", "Support"}, {"hoursOfOperation", {{"id", "h-1"}}}}));
    const auto id = q["id"].get<std::string>();
    CHECK(id.rfind("qu-", 0) == 0);
    CHECK(ok(call(*sdk, "queues.get", {{"queueId", id}}))["name"] == "Support");
    CHECK(ok(call(*sdk, "queues.update", {{"queueId", id}}, json{{"description", "d2"}}))["description"] == "d2");
    CHECK(ok(call(*sdk, "queues.size", {{"queueId", id}}))[0]["queueId"] == id);
    CHECK(ok(call(*sdk, "queues.list"))["totalResults"] == 1);
    // Priorities: the answer names the queues set; an unknown queue is left out, a priority outside 1..10 refused.
    const auto set = ok(call(*sdk, "queues.update-priority", {},
                             json{{"queuePriorityData", {{{"queueId", id}, {"priority", 6}}, {{"queueId", "qu-none"}, {"priority", 3}}}}}));
    CHECK(set["updatedCount"] == 1);
    CHECK(set["updatedQueueIds"] == json::array({id}));
    CHECK(status_of(call(*sdk, "queues.update-priority", {},
                         json{{"queuePriorityData", {{{"queueId", id}, {"priority", 11}}}}})) == 400);
    ok(call(*sdk, "queues.delete", {{"queueId", id}}));
    CHECK(status_of(call(*sdk, "queues.get", {{"queueId", id}})) == 404);
}

TEST_CASE("mock state: contact lists round-trip and take contacts by list name") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto c = ok(call(*sdk, "contact-lists.create", {},
                     json{{"name", "June"}, {"description", "d"}, {"source", "passiveApi"}, {"allowDuplicates", false}}));
    CHECK(c["status"] == "success");
    const auto id = c["data"]["_id"].get<std::string>();
    CHECK(id.rfind("cl-", 0) == 0);
    ok(call(*sdk, "contact-lists.add-contacts", {},
            json{{"contact_list_name", "June"}, {"data", {{{"phoneNumber", "+1555"}}, {{"phoneNumber", "+1556"}}}}}));
    CHECK(ok(call(*sdk, "contact-lists.get", {{"contactListId", id}}))["data"]["totalRecordCount"] == 2);
    CHECK(ok(call(*sdk, "contact-lists.update", {{"contactListId", id}}, json{{"name", "July"}}))["data"]["body"]["name"] == "July");
    CHECK(ok(call(*sdk, "contact-lists.list"))["data"].size() == 1);
    CHECK(status_of(call(*sdk, "contact-lists.add-contacts", {}, json{{"contact_list_name", "June"}, {"data", json::array()}})) == 404);
    ok(call(*sdk, "contact-lists.delete", {{"contactListId", id}}));
    CHECK(status_of(call(*sdk, "contact-lists.get", {{"contactListId", id}})) == 404);
}

TEST_CASE("mock state: contacts are created from a JSON array") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto out = ok(call(*sdk, "contacts.create", {},
                       json::array({{{"firstName", "A"}, {"lastName", "B"}, {"salutation", "Mr"},
                                     {"cellPhone", {{"phoneNumber", "5550100"}, {"countryCode", "+1"}, {"extension", ""}}}}})));
    REQUIRE(out.size() == 1);
    CHECK(out[0]["cellPhone"]["phoneNumber"] == "+15550100");
    // An item missing required fields: refused by the SDK before sending, and by the mock when sent anyway.
    const auto refused = call(*sdk, "contacts.create", {}, json::array({{{"firstName", "A"}}}));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ccai::ErrorKind::invalid_input);
    CHECK(refused.error().message.find("item 1") != std::string::npos);
    auto raw = mock.http()->Post("/agentassist/api/v1/public/" + std::string(kBot) + "/contacts", MockProcess::auth(),
                                 R"([{"firstName":"A"}])", "application/json");
    REQUIRE(raw);
    CHECK(raw->status == 400);
}

TEST_CASE("mock state: sms campaigns: create get update start stop status delete") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto c = ok(call(*sdk, "sms-campaigns.create-simple", {}, sms_campaign("Reminder")));
    const auto id = c["data"]["_id"].get<std::string>();
    CHECK(id.rfind("cd-", 0) == 0);
    CHECK(c["data"]["status"] == "Ready");
    CHECK(ok(call(*sdk, "sms-campaigns.get", {{"campaignId", id}}))["data"]["name"] == "Reminder");
    auto body = sms_campaign("Reminder 2");
    body["experienceFlowName"] = "flow";
    CHECK(ok(call(*sdk, "sms-campaigns.update", {{"campaignId", id}}, body))["data"]["name"] == "Reminder 2");
    CHECK(ok(call(*sdk, "sms-campaigns.start", {{"campaignId", id}}, json::object()))["status"] == "Active");
    CHECK(ok(call(*sdk, "campaigns.status", {{"campaignId", id}}))["data"]["status"] == "Active");
    auto stop = ok(call(*sdk, "sms-campaigns.stop", {{"campaignId", id}}, json::object()));
    CHECK(stop["status"] == "Stopped");
    CHECK(stop["campaignExecutionType"] == "NORMAL");
    CHECK(ok(call(*sdk, "campaigns.status", {{"campaignId", id}}))["data"]["status"] == "Stopped");
    // The voice operations do not see an sms campaign.
    CHECK(status_of(call(*sdk, "voice-campaigns.start", {{"campaignId", id}}, json::object())) == 404);
    ok(call(*sdk, "sms-campaigns.delete", {{"campaignId", id}}));
    CHECK(status_of(call(*sdk, "sms-campaigns.get", {{"campaignId", id}})) == 404);
    CHECK(status_of(call(*sdk, "sms-campaigns.start", {{"campaignId", id}}, json::object())) == 404);
}

TEST_CASE("mock state: sms create variants are chosen by body") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto t = sms_campaign("T");
    t["format"] = "template";
    t["message"]["template_name"] = "welcome";
    auto made = ok(call(*sdk, "sms-campaigns.create-template", {}, t));
    CHECK(made["data"]["message"]["templateId"].get<std::string>().rfind("cmt-", 0) == 0);
    auto a = sms_campaign("A");
    a["format"] = "advanced";
    a["experienceFlowName"] = "flow";
    CHECK(ok(call(*sdk, "sms-campaigns.create-advanced", {}, a))["data"]["experienceFlow"].get<std::string>().rfind("cf-", 0) == 0);
    const auto ops = mock.log();
    REQUIRE(ops.size() == 2);
    CHECK(ops[0]["op"] == "sms-campaigns.create-template");
    CHECK(ops[1]["op"] == "sms-campaigns.create-advanced");
}

TEST_CASE("mock state: voice campaigns: create start stop list contacts page by page delete") {
    MockProcess mock;
    auto sdk = mock.sdk();
    ok(call(*sdk, "contact-lists.create", {}, json{{"name", "Dial"}, {"description", "d"}, {"source", "passiveApi"}}));
    json data = json::array();
    for (int i = 0; i < 23; ++i) data.push_back({{"phoneNumber", "+1555000" + std::to_string(100 + i)}});
    ok(call(*sdk, "contact-lists.add-contacts", {}, json{{"contact_list_name", "Dial"}, {"data", data}}));
    auto c = ok(call(*sdk, "voice-campaigns.create-progressive", {}, voice_campaign("Calls", "Dial")));
    const auto id = c["data"]["_id"].get<std::string>();
    CHECK(c["data"]["status"] == "Preparing");
    auto start = ok(call(*sdk, "voice-campaigns.start", {{"campaignId", id}}, json::object()));
    CHECK(start["status"] == "Active");
    CHECK(start["campaignInstanceId"].get<std::string>().size() > 3);
    CHECK(ok(call(*sdk, "voice-campaigns.get", {{"campaignId", id}}))["data"]["status"] == "Active");
    std::set<std::string> phones;
    long long pages = 0;
    for (long long page = 1;; ++page) {
        auto r = ok(call(*sdk, "voice-campaigns.list-contacts", {{"campaignId", id}}, json{{"page", page}, {"limit", 10}}));
        pages = r["data"]["totalPages"];
        for (const auto& it : r["data"]["results"]) phones.insert(it["phoneNumber"].get<std::string>());
        if (page >= pages) break;
    }
    CHECK(pages == 3);
    CHECK(phones.size() == 23);
    CHECK(status_of(call(*sdk, "voice-campaigns.list-contacts", {{"campaignId", id}}, json{{"page", 1}, {"limit", 101}})) == 400);
    CHECK(ok(call(*sdk, "voice-campaigns.stop", {{"campaignId", id}}, json::object()))["status"] == "Stopped");
    auto upd = voice_campaign("Calls 2", "Dial");
    CHECK(ok(call(*sdk, "voice-campaigns.update", {{"campaignId", id}}, upd))["data"]["name"] == "Calls 2");
    ok(call(*sdk, "voice-campaigns.delete", {{"campaignId", id}}));
    CHECK(status_of(call(*sdk, "voice-campaigns.get", {{"campaignId", id}})) == 404);
}

TEST_CASE("mock pagination: every style reaches every item exactly once") {
    MockProcess mock({"--rate-limit", "none"});
    auto sdk = mock.sdk();
    for (int i = 0; i < 23; ++i) {
        ok(call(*sdk, "agent-groups.create", {}, json{{"name", "g" + std::to_string(i)}, {"description", "d"}}));
        ok(call(*sdk, "queues.create", {}, json{{"name", "q" + std::to_string(i)}, {"hoursOfOperation", {{"id", "h-1"}}}}));
        ok(call(*sdk, "agents.create", {},
                json{{"emailId", std::to_string(i) + "@x.io"}, {"firstName", "F"}, {"lastName", "L"}, {"roleId", "r"}}));
        ok(call(*sdk, "sms-campaigns.create-simple", {}, sms_campaign("c" + std::to_string(i))));
    }
    auto http = mock.http();
    const auto base = std::string("/agentassist/api/v1/public/") + kBot;

    SUBCASE("skip/limit (agent groups)") {
        std::set<std::string> ids;
        for (int skip = 0;; skip += 10) {
            auto r = http->Get((base + "/agent-groups?skip=" + std::to_string(skip) + "&limit=10").c_str(), MockProcess::auth());
            REQUIRE(r);
            auto j = json::parse(r->body);
            CHECK(j["totalResults"] == 23);
            for (const auto& g : j["results"]) ids.insert(g["id"].get<std::string>());
            if (!j["hasMore"].get<bool>()) break;
        }
        CHECK(ids.size() == 23);
    }
    SUBCASE("page (agents, fixed page size 10)") {
        std::set<std::string> ids;
        for (int page = 1;; ++page) {
            auto j = ok(call(*sdk, "agents.list", {{"page", std::to_string(page)}}));
            CHECK(j["limit"] == 10);
            CHECK(j["totalPages"] == 3);
            for (const auto& a : j["results"]) ids.insert(a["id"].get<std::string>());
            if (!j["hasMore"].get<bool>()) break;
        }
        CHECK(ids.size() == 23);
    }
    SUBCASE("page/limit (queues)") {
        std::set<std::string> ids;
        for (int page = 1; page <= 5; ++page) {
            auto r = http->Get((base + "/queues?page=" + std::to_string(page) + "&limit=7").c_str(), MockProcess::auth());
            REQUIRE(r);
            auto j = json::parse(r->body);
            for (const auto& q : j["results"]) ids.insert(q["id"].get<std::string>());
            if (!j["hasMore"].get<bool>()) {
                CHECK(page == 4);
                break;
            }
        }
        CHECK(ids.size() == 23);
    }
    SUBCASE("page in body (campaigns list), and skip in body") {
        std::set<std::string> ids;
        for (int page = 1;; ++page) {
            auto j = ok(call(*sdk, "campaigns.list", {}, json{{"type", "sms"}, {"page", page}, {"limit", 5}}));
            for (const auto& c : j["data"]["results"]) ids.insert(c["_id"].get<std::string>());
            if (!j["data"]["hasMore"].get<bool>()) break;
        }
        CHECK(ids.size() == 23);
        auto tail = ok(call(*sdk, "campaigns.list", {}, json{{"type", "sms"}, {"skip", 20}, {"limit", 5}}));
        CHECK(tail["data"]["results"].size() == 3);
        CHECK(ok(call(*sdk, "campaigns.list", {}, json{{"type", "voice"}}))["data"]["totalResults"] == 0);
    }
    SUBCASE("offset/limit (analytics, synthetic data)") {
        std::set<std::string> users;
        const json body = {{"filter", {{"dateFilter", {{"startDate", "2024-01-01"}, {"endDate", "2024-01-02"}}}}},
                           {"granularity", "day"}};
        for (int offset = 0;; offset += 10) {
            auto j = ok(call(*sdk, "analytics.agent-status-summary", {{"offset", std::to_string(offset)}, {"limit", "10"}}, body));
            CHECK(j["offset"] == offset);
            for (const auto& d : j["data"]) users.insert(d["userId"].get<std::string>());
            if (!j["hasMore"].get<bool>()) break;
        }
        CHECK(users.size() == 37);
    }
    SUBCASE("skip/limit in body (WFM contact volume)") {
        std::set<std::string> ids;
        for (int skip = 0;; skip += 10) {
            auto j = ok(call(*sdk, "wfm.get-contact-volume", {},
                             json{{"orgId", kOrg}, {"toTimeStamp", "2024-01-02"}, {"skip", skip}, {"limit", 10}}));
            CHECK(j["totalCount"] == 37);
            for (const auto& d : j["CallVolumeUpdate"]) ids.insert(d["_id"].get<std::string>());
            if (!j["hasMore"].get<bool>()) break;
        }
        CHECK(ids.size() == 37);
    }
}

TEST_CASE("mock read-only families answer deterministically in their documented shape") {
    MockProcess mock;
    auto sdk = mock.sdk();
    auto a = ok(call(*sdk, "analytics.intent-realtime"));
    CHECK(a.is_array());
    CHECK(a.size() == 25);
    CHECK(a[0].contains("sessionId"));
    CHECK(ok(call(*sdk, "analytics.intent-realtime")) == a);
    auto h = ok(call(*sdk, "hours.get", {{"queueId", "qu-1"}}));
    CHECK(h["standardDays"]["days"].size() == 5);
    auto r = ok(call(*sdk, "recordings.fetch", {{"sessionId", "s-9"}}));
    CHECK(r["status"] == "success");
    CHECK(r["recording"].is_array());
    auto w = ok(call(*sdk, "wfm.get-agent-activity"));
    CHECK(w["accountId"] == kAccount);
    CHECK(w["AgentUpdates"].size() == 12);
}
