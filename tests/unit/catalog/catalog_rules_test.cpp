// The catalog's rules beyond flat fields: "one of" groups, nested required fields, per-variant constants,
// lenient enums where the documentation contradicts itself, and which operations only read.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ccai/request_builder.hpp"
#include "support/catalog_samples.hpp"

using namespace ccai;
using nlohmann::json;

namespace {

Result<HttpRequest> build(std::string_view id, json body, decltype(CallArgs::params) params = {}) {
    CallArgs a;
    a.params = std::move(params);
    a.body = std::move(body);
    return build_request(*find_endpoint(id), a, test::sample_profile());
}

std::string error_of(const Result<HttpRequest>& r) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::invalid_input);
    return r.error().message;
}

json transfer_body() { return {{"callbackUrl", "https://cb"}, {"orgId", "o-7"}, {"botSessionId", "s-1"}}; }

json progressive_body() {
    return json::parse(R"({"name":"n","contactLists":["l"],"priority":"5","dialingMode":"Progressive",
        "dialingStrategy":{"callerId":{"phoneNumber":"+1"},"callingHours":{"frequency":"WEEKLY","timezone":"UTC",
        "days":[{"day":"MO","start":"9:00 AM","end":"6:00 PM"}]},"dialingOrder":"FIFO","maxAttemptsPerRecord":3,
        "defaultRetryPeriod":10,"maxRingTime":30},"queue_name":"q","campaignType":"voice"})");
}

}  // namespace

TEST_CASE("transfer: exactly one of aId and queueId, as the page's two samples send them") {
    auto agent = transfer_body();
    agent["aId"] = "a-1";
    CHECK(build("transfer.transfer", agent).ok());
    auto queue = transfer_body();
    queue["queueId"] = "qu-1";
    queue["transferredType"] = "QUEUE";
    CHECK(build("transfer.transfer", queue).ok());

    const auto none = error_of(build("transfer.transfer", transfer_body()));
    CHECK(none.find("exactly one of 'aId', 'queueId'") != std::string::npos);
    auto both = agent;
    both["queueId"] = "qu-1";
    CHECK(error_of(build("transfer.transfer", both)).find("exclude each other") != std::string::npos);
    // An explicit null is not a value: it does not count as the one given.
    auto null_agent = transfer_body();
    null_agent["aId"] = nullptr;
    CHECK(error_of(build("transfer.transfer", null_agent)).find("exactly one") != std::string::npos);
    auto wrong_type = transfer_body();
    wrong_type["aId"] = 42;
    CHECK(error_of(build("transfer.transfer", wrong_type)).find("'aId' must be of type string") != std::string::npos);
}

TEST_CASE("recordings fetch-v1: exactly one of --user-id and --session-id") {
    CallArgs a;
    const auto& spec = *find_endpoint("recordings.fetch-v1");
    CHECK(error_of(build_request(spec, a, test::sample_profile())).find("give exactly one of userId, sessionId") != std::string::npos);
    a.params = {{"userId", "u@x"}};
    CHECK(build_request(spec, a, test::sample_profile()).ok());
    a.params = {{"sessionId", "s-1"}};
    CHECK(build_request(spec, a, test::sample_profile()).ok());
    a.params = {{"userId", "u@x"}, {"sessionId", "s-1"}};
    CHECK(error_of(build_request(spec, a, test::sample_profile())).find("exclude each other") != std::string::npos);
}

TEST_CASE("every one-of group: none given and two given are refused, one given passes") {
    int groups = 0;
    for (const auto& spec : endpoints()) {
        for (const auto& g : spec.one_of()) {
            CAPTURE(spec.id());
            ++groups;
            CallArgs base;
            for (auto& [k, v] : test::sample_params(spec, false)) base.params[k] = v;
            if (spec.takes_body()) base.body = test::sample_body(spec);
            CHECK(build_request(spec, base, test::sample_profile()).ok());  // the sample gives the first member
            auto none = base, two = base;
            for (const auto name : g.names()) {
                if (g.where() == "query") none.params.erase(std::string(name));
                else (*none.body).erase(std::string(name.substr(0, name.find('.'))));
            }
            CHECK_FALSE(build_request(spec, none, test::sample_profile()).ok());
            const auto second = std::string(g.names()[1]);
            if (g.where() == "query") two.params[second] = "v-2";
            else if (second.find('.') == std::string::npos) (*two.body)[second] = "v-2";
            else continue;  // a nested second member: covered by the family's own test
            CHECK(build_request(spec, two, test::sample_profile()).ok() == !g.exactly());
        }
    }
    CHECK(groups >= 2);
}

TEST_CASE("nested required fields are checked where their parent is sent, and a required parent must be") {
    CHECK(build("voice-campaigns.create-progressive", progressive_body()).ok());
    auto no_strategy = progressive_body();
    no_strategy.erase("dialingStrategy");
    CHECK(error_of(build("voice-campaigns.create-progressive", no_strategy)).find("'dialingStrategy'") != std::string::npos);
    auto no_phone = progressive_body();
    no_phone["dialingStrategy"]["callerId"].erase("phoneNumber");
    CHECK(error_of(build("voice-campaigns.create-progressive", no_phone)).find("dialingStrategy.callerId.phoneNumber") !=
          std::string::npos);
    // callerId itself is not listed: the required phone number inside implies it once dialingStrategy is sent.
    auto no_caller = progressive_body();
    no_caller["dialingStrategy"].erase("callerId");
    CHECK(error_of(build("voice-campaigns.create-progressive", no_caller)).find("callerId.phoneNumber") != std::string::npos);
    // Every element of a list is checked, not only the first.
    auto second_day = progressive_body();
    second_day["dialingStrategy"]["callingHours"]["days"].push_back({{"day", "TU"}, {"start", "9:00 AM"}});
    CHECK(error_of(build("voice-campaigns.create-progressive", second_day)).find("days[].end") != std::string::npos);
    auto bad_day = progressive_body();
    bad_day["dialingStrategy"]["callingHours"]["days"][0]["day"] = "XX";
    CHECK(error_of(build("voice-campaigns.create-progressive", bad_day)).find("must be one of") != std::string::npos);
    auto wrong_type = progressive_body();
    wrong_type["dialingStrategy"]["maxRingTime"] = "thirty";
    CHECK(error_of(build("voice-campaigns.create-progressive", wrong_type)).find("maxRingTime") != std::string::npos);

    // An update sends only what changes: an absent optional parent leaves its members unchecked ...
    const auto& sms_update = *find_endpoint("sms-campaigns.update");
    CallArgs upd;
    upd.params = {{"campaignId", "c-1"}};
    upd.body = test::sample_body(sms_update);
    CHECK_FALSE(upd.body->contains("dialingStrategy"));
    CHECK(build_request(sms_update, upd, test::sample_profile()).ok());
    // ... but once sent, its required members are.
    (*upd.body)["dialingStrategy"] = {{"callingHours", {{"timezone", "UTC"}}}};
    CHECK(error_of(build_request(sms_update, upd, test::sample_profile())).find("'dialingStrategy.") != std::string::npos);

    // queues.create: hoursOfOperation is required, and so is its id.
    json queue = {{"name", "q"}};
    CHECK(error_of(build("queues.create", queue)).find("'hoursOfOperation'") != std::string::npos);
    queue["hoursOfOperation"] = json::object();
    CHECK(error_of(build("queues.create", queue)).find("hoursOfOperation.id") != std::string::npos);
    queue["hoursOfOperation"]["id"] = "h-1";
    CHECK(build("queues.create", queue).ok());
    // analytics: filter.dateFilter under a required filter.
    CallArgs status;
    status.body = json{{"filter", json::object()}};
    CHECK(error_of(build_request(*find_endpoint("analytics.agent-status-details"), status, test::sample_profile())).find("filter.dateFilter") !=
          std::string::npos);
}

TEST_CASE("voice campaign create actions each enforce their own dialingMode") {
    for (const auto* mode : {"Agentless", "Progressive", "Preview"}) {
        auto body = progressive_body();
        body["dialingMode"] = mode;
        const bool own = std::string(mode) == "Progressive";
        const auto r = build("voice-campaigns.create-progressive", body);
        CHECK(r.ok() == own);
        if (!own) CHECK(r.error().message.find("dialingMode") != std::string::npos);
    }
    for (const auto& [id, mode] : {std::pair{"voice-campaigns.create-agentless", "Agentless"},
                                   std::pair{"voice-campaigns.create-preview", "Preview"}}) {
        const auto* spec = find_endpoint(id);
        REQUIRE(spec != nullptr);
        for (const auto& f : spec->body())
            if (f.name() == "dialingMode") CHECK(std::vector<std::string_view>(f.enums().begin(), f.enums().end()) ==
                                                 std::vector<std::string_view>{mode});
    }
}

TEST_CASE("an action's own constant is filled when the body leaves it out, and checked when given") {
    const auto& list = *find_endpoint("sms-campaigns.list");
    CallArgs a;
    a.body = json::object();
    auto r = build_request(list, a, test::sample_profile());
    REQUIRE(r.ok());
    CHECK(json::parse(r->body) == json{{"type", "sms"}});
    a.body = json{{"type", "voice"}};
    CHECK_FALSE(build_request(list, a, test::sample_profile()).ok());
    auto progressive = progressive_body();
    progressive.erase("dialingMode");
    const auto made = build("voice-campaigns.create-progressive", progressive);
    REQUIRE(made.ok());
    CHECK(json::parse(made->body)["dialingMode"] == "Progressive");
    // Not a constant: campaignType allows voice and sms on the v1 rows, so leaving it out is refused.
    progressive.erase("campaignType");
    CHECK(error_of(build("voice-campaigns.create-progressive", progressive)).find("campaignType") != std::string::npos);
}

TEST_CASE("where the documentation contradicts itself the client is lenient") {
    json list = {{"name", "n"}, {"description", "d"}};
    for (const auto* source : {"passiveApi", "passiveApiIntegration"}) {
        list["source"] = source;
        CHECK(build("contact-lists.create", list).ok());
    }
    list["source"] = "somethingElse";
    CHECK(error_of(build("contact-lists.create", list)).find("passiveApi, passiveApiIntegration") != std::string::npos);
    list["source"] = "";
    CHECK_FALSE(build("contact-lists.create", list).ok());

    // create-progressive: description and enableMachineDetect are required in one stored version only.
    auto body = progressive_body();
    CHECK_FALSE(body.contains("description"));
    CHECK_FALSE(body.contains("enableMachineDetect"));
    CHECK(build("voice-campaigns.create-progressive", body).ok());
    const auto notes = find_endpoint("voice-campaigns.create-progressive")->notes();
    CHECK(notes.find("CONFLICT RESOLVED LENIENTLY") != std::string_view::npos);
    CHECK(find_endpoint("contact-lists.create")->notes().find("CONFLICT RESOLVED LENIENTLY") != std::string_view::npos);
}

TEST_CASE("an array body is checked item by item") {
    const auto& spec = *find_endpoint("contacts.create");
    CallArgs a;
    a.body = test::sample_body(spec);
    CHECK(build_request(spec, a, test::sample_profile()).ok());
    a.body->push_back(json{{"firstName", "only"}});
    const auto r = build_request(spec, a, test::sample_profile());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("item 2") != std::string::npos);
    a.body = json::array({"not an object"});
    CHECK_FALSE(build_request(spec, a, test::sample_profile()).ok());
}

TEST_CASE("read-only operations: every GET, and the POSTs that only read") {
    for (const auto& spec : endpoints()) {
        CAPTURE(spec.id());
        if (spec.method() == "GET") CHECK(spec.read_only());
        if (spec.method() == "DELETE" || spec.method() == "PUT") CHECK_FALSE(spec.read_only());
        CHECK(spec.rate_limit() == "60/1m");
    }
    for (const auto* id : {"analytics.call-details", "analytics.agent-status-summary", "campaigns.status"})
        CHECK(find_endpoint(id)->read_only());
    for (const auto* id : {"agents.create", "sms.send", "data.import-v1", "sms-campaigns.start", "transfer.transfer"})
        CHECK_FALSE(find_endpoint(id)->read_only());
    // A read-only POST may be re-sent after a doubtful outcome; a creating POST may not.
    const auto details = build("analytics.call-details", test::sample_body(*find_endpoint("analytics.call-details")));
    REQUIRE(details.ok());
    CHECK(details->method == "POST");
    CHECK(details->idempotent());
    auto agent = transfer_body();
    agent["aId"] = "a-1";
    const auto transfer = build("transfer.transfer", agent);
    REQUIRE(transfer.ok());
    CHECK_FALSE(transfer->idempotent());
}

TEST_CASE("every row: an unknown enum value and a missing required nested field are refused, naming the field") {
    int enums = 0, nested = 0;
    for (const auto& spec : endpoints()) {
        if (!spec.takes_body() || spec.body_is_array()) continue;
        CAPTURE(spec.id());
        CallArgs base;
        for (auto& [k, v] : test::sample_params(spec, false)) base.params[k] = v;
        base.body = test::sample_body(spec);
        REQUIRE(build_request(spec, base, test::sample_profile()).ok());
        for (const auto& f : spec.body()) {
            const std::string name(f.name());
            const bool top = name.find_first_of(".[") == std::string::npos;
            CAPTURE(name);
            // An enum value documented nowhere, on a string field the sample sends.
            if (top && !f.enums().empty() && f.type() == "string" && base.body->contains(name)) {
                auto bad = base;
                (*bad.body)[name] = "no-such-value";
                const auto r = build_request(spec, bad, test::sample_profile());
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().message.find(name) != std::string::npos);
                ++enums;
            }
            // The same in an array of enum values (filters.status, selectedFields, channels): each item counts.
            if (top && !f.enums().empty() && f.type().starts_with("array") && base.body->contains(name)) {
                auto bad = base;
                (*bad.body)[name] = nlohmann::json::array({std::string(f.enums().front()), "no-such-value"});
                const auto r = build_request(spec, bad, test::sample_profile());
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().message.find("no-such-value") != std::string::npos);
                ++enums;
            }
            // A required member of a required top-level object, left out of the sample's object.
            const auto dot = name.find('.');
            if (f.required() == Required::yes && dot != std::string::npos && name.find('.', dot + 1) == std::string::npos &&
                name.find('[') == std::string::npos && base.body->contains(name.substr(0, dot)) &&
                (*base.body)[name.substr(0, dot)].is_object()) {
                auto bad = base;
                (*bad.body)[name.substr(0, dot)].erase(name.substr(dot + 1));
                const auto r = build_request(spec, bad, test::sample_profile());
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().message.find(name) != std::string::npos);
                ++nested;
            }
        }
    }
    CHECK(enums >= 20);
    CHECK(nested >= 20);
}

TEST_CASE("bodies that are not what a row expects: wrong root type, huge and empty values") {
    const auto& spec = *find_endpoint("transfer.transfer");
    for (const auto& root : {json::array(), json("text"), json(42)}) {
        CallArgs a;
        a.body = root;
        CHECK_FALSE(build_request(spec, a, test::sample_profile()).ok());
    }
    // A huge value is the service's to judge; the client only checks the shape.
    auto big = transfer_body();
    big["aId"] = std::string(1 << 20, 'a');
    CHECK(build("transfer.transfer", big).ok());
    // An empty string is a value: it counts as the one given (the service says whether it is valid).
    auto empty = transfer_body();
    empty["queueId"] = "";
    CHECK(build("transfer.transfer", empty).ok());
}
