// The operations beyond the rate-limit page's list, through the real ccai-cli against ccai-mock: contacts
// listed, updated and deleted, contact list contents, the v2 dial-out, queue priorities, case management, and the
// catalog's one-of groups and per-variant constants refused before anything is sent (exit 2).
#include <doctest/doctest.h>

#include "support/cli_support.hpp"

using nlohmann::json;
using ccai::mock::testing::MockProcess;

namespace {

json out_of(const ccai::test::RunResult& r) {
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("cli families: contacts are created, listed, deleted one by one and in bulk") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto made = out_of(ccai::test::cli({"contacts", "create", "--body",
        R"([{"firstName":"Ada","lastName":"L","salutation":"ms"},{"firstName":"Alan","lastName":"T","salutation":"mr"},
            {"firstName":"Grace","lastName":"H","salutation":"ms"}])"}, env));
    REQUIRE(made.size() == 3);
    auto listed = out_of(ccai::test::cli({"contacts", "list"}, env));
    CHECK(listed["totalResults"] == 3);

    const auto first = made[0]["id"].get<std::string>();
    const auto gone = out_of(ccai::test::cli({"contacts", "delete", "--contact-id", first}, env));
    CHECK(gone["status"] == "INACTIVE");
    CHECK(ccai::test::cli({"contacts", "delete", "--contact-id", first}, env).exit_code == 5);

    // Either documented spelling of the ids, never both; none is refused too, before any request.
    const auto before = mock.log().size();
    for (const char* body : {R"({"ids":["a"],"id":["b"]})", R"({})", R"({"ids":"not-a-list"})"}) {
        const auto bad = ccai::test::cli({"contacts", "bulk-delete", "--body", body}, env);
        CHECK(bad.exit_code == 2);
        CHECK(ccai::test::error_of(bad)["kind"] == "invalid_input");
    }
    CHECK(mock.log().size() == before);
    const auto bulk = out_of(ccai::test::cli({"contacts", "bulk-delete", "--body",
        json{{"ids", {made[1]["id"], made[2]["id"], "no-such-contact"}}}.dump()}, env));
    CHECK(bulk["successful"] == 2);
    CHECK(bulk["failed"] == 1);
    CHECK(out_of(ccai::test::cli({"contacts", "list"}, env))["totalResults"] == 0);
    CHECK(mock.log().back()["method"] == "GET");
}

TEST_CASE("cli families: a contact list's contacts, by the v1 and v2 paths, and every list's details") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto list = out_of(ccai::test::cli({"contact-lists", "create", "--body",
        R"({"name":"Renewals","description":"d","source":"passiveApiIntegration","allowDuplicates":false})"}, env));
    const auto id = list["data"]["_id"].get<std::string>();
    out_of(ccai::test::cli({"contact-lists", "add-contacts", "--body",
        R"({"contact_list_name":"Renewals","data":[{"phoneNumber":"+15550100"},{"phoneNumber":"+15550101"}]})"}, env));
    for (const char* action : {"contacts", "contacts-v2"}) {
        CAPTURE(action);
        const auto got = out_of(ccai::test::cli({"contact-lists", action, "--contact-list-id", id}, env));
        CHECK(got["data"]["totalResults"] == 2);
        CHECK(got["data"]["results"][1]["phoneNumber"] == "+15550101");
        // The account id travels in the query on these pages, filled from the profile.
        CHECK(mock.log().back()["query"].get<std::string>().find("accountId=") != std::string::npos);
    }
    CHECK(mock.log().back()["path"].get<std::string>().starts_with("/campaign/api/v2/public/"));
    const auto details = out_of(ccai::test::cli({"contact-lists", "list-details", "--type", "call"}, env));
    REQUIRE(details["data"].size() == 1);
    CHECK(details["data"][0]["name"] == "Renewals");
    CHECK(ccai::test::cli({"contact-lists", "contacts", "--contact-list-id", "cl-none"}, env).exit_code == 5);
}

TEST_CASE("cli families: cases and tasks round-trip, a task needing its case") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto kase = out_of(ccai::test::cli({"cases", "create", "--body",
        R"({"caseTmp":"ctm-1","name":"Broken router","desc":"d","userInfo":{"name":"Ada"},"emailId":"ada@example.com",
            "source":"rtm","dueDate":"2026-09-04T14:15:00.000Z"})"}, env));
    const auto case_id = kase["_id"].get<std::string>();
    CHECK(case_id.starts_with("ci-"));
    CHECK(kase["refId"] == "CS000101");

    // At least one of the user id, emailId and phoneNumber: none is refused before anything is sent.
    const auto anonymous = ccai::test::cli({"cases", "create", "--body",
        R"({"caseTmp":"ctm-1","name":"n","desc":"d","userInfo":{"name":"Ada"},"source":"rtm","dueDate":"x"})"}, env);
    CHECK(anonymous.exit_code == 2);
    CHECK(anonymous.err.find("at least one of 'userInfo.id', 'userInfo._id', 'emailId', 'phoneNumber'") != std::string::npos);

    const auto task = out_of(ccai::test::cli({"tasks", "create", "--body",
        json{{"caseId", case_id}, {"caseRefId", "CS000101"}, {"taskTmp", "ttm-1"}, {"name", "Call back"},
             {"userInfo", {{"_id", "u-1"}}}, {"source", "rtm"}}.dump()}, env));
    const auto task_id = task["_id"].get<std::string>();
    CHECK(task["conversationType"] == "TASK");
    const auto orphan = ccai::test::cli({"tasks", "create", "--body",
        R"({"caseId":"ci-none","caseRefId":"CS1","taskTmp":"t","userInfo":{"_id":"u-1"},"source":"rtm"})"}, env);
    CHECK(orphan.exit_code == 5);

    const auto updated = out_of(ccai::test::cli({"tasks", "update", "--task-id", task_id, "--set", "name=Called back"}, env));
    CHECK(updated["name"] == "Called back");
    const auto tasks = out_of(ccai::test::cli({"tasks", "list", "--set", "searchText=called"}, env));
    REQUIRE(tasks["results"].size() == 1);
    CHECK(tasks["results"][0]["_id"] == task_id);
    const auto cases = out_of(ccai::test::cli({"cases", "list"}, env));
    REQUIRE(cases["results"].size() == 1);
    CHECK(cases["results"][0]["taskIds"] == json::array({task_id}));
    CHECK(out_of(ccai::test::cli({"cases", "update", "--case-id", case_id, "--set", "name=Fixed"}, env))["lname"] == "fixed");
    CHECK(ccai::test::cli({"cases", "update", "--case-id", "ci-none", "--set", "name=x"}, env).exit_code == 5);
}

TEST_CASE("cli families: transfer takes an agent or a queue, and each voice create its own mode") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    // orgId: the profile's, filled by the SDK.
    const json base = {{"callbackUrl", "https://cb.example.com"}, {"botSessionId", "s-1"}};
    auto agent = base, queue = base, both = base;
    agent["aId"] = "a-1";
    queue["queueId"] = "qu-1";
    queue["transferredType"] = "QUEUE";
    both["aId"] = "a-1";
    both["queueId"] = "qu-1";
    CHECK(out_of(ccai::test::cli({"transfer", "transfer", "--body", agent.dump()}, env))["agentId"] == "a-1");
    CHECK(out_of(ccai::test::cli({"transfer", "transfer", "--body", queue.dump()}, env))["queueId"] == "qu-1");
    const auto before = mock.log().size();
    for (const auto& bad : {base, both}) CHECK(ccai::test::cli({"transfer", "transfer", "--body", bad.dump()}, env).exit_code == 2);
    const auto wrong_mode = ccai::test::cli({"voice-campaigns", "create-preview", "--body",
        R"({"name":"n","description":"d","contactLists":["l"],"priority":"5","dialingMode":"Progressive","queue_name":"q",
            "enableMachineDetect":false,"maxSkips":1,"campaignType":"voice","dialingStrategy":{}})"}, env);
    CHECK(wrong_mode.exit_code == 2);
    CHECK(wrong_mode.err.find("dialingMode") != std::string::npos);
    CHECK(mock.log().size() == before);  // nothing was sent for the refused ones
}

TEST_CASE("cli families: a v2 campaign round-trips, and v2 contact lists with it") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto list = out_of(ccai::test::cli({"contact-lists", "create-v2", "--body",
        R"({"name":"DNC Dec","description":"do not call","source":"passiveApi"})"}, env));
    const auto list_id = list["data"]["_id"].get<std::string>();
    CHECK(out_of(ccai::test::cli({"contact-lists", "get-v2", "--contact-list-id", list_id}, env))["data"]["name"] == "DNC Dec");
    CHECK(out_of(ccai::test::cli({"contact-lists", "list-v2", "--type", "call"}, env))["data"].size() == 1);

    json body = json::parse(R"({"name":"Renewals","description":"d","contactLists":["Renewals"],"dncLists":{"name":"DNC Dec"},
        "priority":"5","dialingMode":"Progressive","queue_name":"Default Queue","campaignType":"voice",
        "dialingStrategy":{"callerId":{"phoneNumber":"+15550100"},"callingHours":{"frequency":"WEEKLY","timezone":"UTC",
        "days":[{"day":"MO","start":"9:00 AM","end":"6:00 PM"}]},"dialingOrder":"FIFO","maxAttemptsPerRecord":3,
        "defaultRetryPeriod":10,"maxRingTime":30}})");
    // The DNC list is required on the v2 voice pages: without it nothing is sent.
    auto no_dnc = body;
    no_dnc.erase("dncLists");
    const auto before = mock.log().size();
    CHECK(ccai::test::cli({"campaigns-v2", "create-voice-progressive", "--body", no_dnc.dump()}, env).exit_code == 2);
    CHECK(mock.log().size() == before);

    const auto made = out_of(ccai::test::cli({"campaigns-v2", "create-voice-progressive", "--body", body.dump()}, env));
    const auto id = made["data"]["_id"].get<std::string>();
    CHECK(mock.log().back()["path"].get<std::string>().starts_with("/campaign/api/v2/public/"));
    CHECK(mock.log().back()["op"] == "campaigns-v2.create-voice-progressive");
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "get", "--campaign-id", id}, env))["data"]["dncLists"]["name"] == "DNC Dec");
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "start-voice", "--campaign-id", id}, env))["status"] == "Active");
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "status", "--campaign-id", id}, env))["data"]["status"] == "Active");
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "stop-voice", "--campaign-id", id}, env))["status"] == "Stopped");
    // An SMS action on a voice campaign is not found, as the v1 family answers.
    CHECK(ccai::test::cli({"campaigns-v2", "delete-sms", "--campaign-id", id}, env).exit_code == 5);
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "list", "--set", "type=voice"}, env))["data"]["totalResults"] == 1);
    CHECK(out_of(ccai::test::cli({"campaigns-v2", "delete-voice", "--campaign-id", id}, env))["status"] == "success");
    CHECK(ccai::test::cli({"campaigns-v2", "get", "--campaign-id", id}, env).exit_code == 5);
    CHECK(out_of(ccai::test::cli({"contact-lists", "delete-v2", "--contact-list-id", list_id}, env))["status"] == "success");
    CHECK(ccai::test::cli({"contact-lists", "get-v2", "--contact-list-id", list_id}, env).exit_code == 5);
}

TEST_CASE("cli families: contacts are updated one by one and in bulk, each item of a bulk update checked") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto made = out_of(ccai::test::cli({"contacts", "create", "--body",
        R"([{"firstName":"Ada","lastName":"L","salutation":"ms","cellPhone":{"phoneNumber":"5550100","countryCode":"+1","extension":"+"}},
            {"firstName":"Alan","lastName":"T","salutation":"mr"}])"}, env));
    REQUIRE(made.size() == 2);
    const auto ada = made[0]["id"].get<std::string>(), alan = made[1]["id"].get<std::string>();

    // One contact: the fields sent replace the stored ones, the rest stays.
    const auto updated = out_of(ccai::test::cli({"contacts", "update", "--contact-id", ada, "--set", "lastName=Lovelace"}, env));
    CHECK(updated["lastName"] == "Lovelace");
    CHECK(updated["fullName"] == "Ada Lovelace");
    CHECK(updated["cellPhone"]["phoneNumber"] == "+15550100");
    CHECK(mock.log().back()["method"] == "PUT");
    CHECK(mock.log().back()["op"] == "contacts.update");
    CHECK(ccai::test::cli({"contacts", "update", "--contact-id", "c-none", "--set", "firstName=x"}, env).exit_code == 5);

    // In bulk: every item needs its id and the table's fields; one without is refused before sending.
    const json good = {{"firstName", "Alan"}, {"lastName", "Turing"}, {"salutation", "mr"},
                       {"cellPhone", {{"phoneNumber", "5550101"}, {"countryCode", "+44"}, {"extension", "+"}}}};
    auto first = good, second = good, missing_id = good;
    first["id"] = alan;
    second["id"] = "no-such-contact";
    const auto before = mock.log().size();
    const auto bad = ccai::test::cli({"contacts", "bulk-update", "--body", json::array({first, missing_id}).dump()}, env);
    CHECK(bad.exit_code == 2);
    CHECK(ccai::test::error_of(bad)["kind"] == "invalid_input");
    CHECK(mock.log().size() == before);
    const auto bulk = out_of(ccai::test::cli({"contacts", "bulk-update", "--body", json::array({first, second}).dump()}, env));
    CHECK(bulk["totalRequested"] == 2);
    CHECK(bulk["successful"] == 1);
    CHECK(bulk["failed"] == 1);
    CHECK(bulk["successfulRecords"][0]["contact"]["_id"] == alan);
    CHECK(bulk["successfulRecords"][0]["contact"]["fullName"] == "Alan Turing");
    const auto listed = out_of(ccai::test::cli({"contacts", "list"}, env));
    REQUIRE(listed["results"].size() == 2);
    CHECK(listed["results"][1]["cellPhone"]["phoneNumber"] == "+445550101");
}

TEST_CASE("cli families: the v2 dial-out takes the table's path and the v1 body rules") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const json call = {{"bot", "st-1"}, {"target", "tel:911234567890"}, {"caller", "+11234567890"}, {"machineDetection", "detect"},
                       {"callControlParameter", {{"sttProvider", "deepgram"}, {"sttLanguage", "en-AU"}, {"deepgramEndpointing", 300}}}};
    const auto placed = out_of(ccai::test::cli({"dialout", "call-v2", "--body", call.dump()}, env));
    CHECK(placed.contains("sid"));
    CHECK(mock.log().back()["op"] == "dialout.call-v2");
    CHECK(mock.log().back()["path"].get<std::string>().ends_with("/V2/smartassist/dialout"));

    // The bot id under both documented names, or a speech-to-text override without its language: refused.
    auto both = call, no_language = call;
    both["botId"] = "st-1";
    no_language["callControlParameter"].erase("sttLanguage");
    const auto before = mock.log().size();
    for (const auto& bad : {both, no_language}) CHECK(ccai::test::cli({"dialout", "call-v2", "--body", bad.dump()}, env).exit_code == 2);
    CHECK(mock.log().size() == before);
}

TEST_CASE("cli families: queue priorities are set in one PUT, each item checked before sending") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = ccai::test::cli_env(mock);
    const auto queue = [&](const char* name) {
        return out_of(ccai::test::cli({"queues", "create", "--set", std::string("name=") + name, "--set", "hoursOfOperation.id=h-1"},
                                      env))["id"].get<std::string>();
    };
    const auto q1 = queue("Billing"), q2 = queue("Support");

    const json body = {{"queuePriorityData", {{{"queueId", q1}, {"priority", 2}}, {{"queueId", q2}, {"priority", 9}}}}};
    const auto set = out_of(ccai::test::cli({"queues", "update-priority", "--body", body.dump()}, env));
    CHECK(set["updatedCount"] == 2);
    CHECK(set["updatedQueueIds"] == json::array({q1, q2}));
    CHECK(mock.log().back()["method"] == "PUT");
    CHECK(mock.log().back()["op"] == "queues.update-priority");
    CHECK(mock.log().back()["path"].get<std::string>().ends_with("/queues/dynamicqueues/priorities"));

    // An item without its queue id, or no list at all: refused with nothing sent.
    const auto before = mock.log().size();
    for (const char* bad : {R"({"queuePriorityData":[{"priority":4}]})", R"({})"}) {
        const auto r = ccai::test::cli({"queues", "update-priority", "--body", bad}, env);
        CHECK(r.exit_code == 2);
        CHECK(ccai::test::error_of(r)["kind"] == "invalid_input");
    }
    CHECK(mock.log().size() == before);
}
