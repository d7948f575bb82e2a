// SMS and voice campaigns: create (variants), get, update, start/stop, delete, status, list, contacts.
#include "call.hpp"

namespace ccai::mock {

namespace {

std::string type_of(const Call& c) { return c.param("campaignType", c.spec->group() == "voice-campaigns" ? "voice" : "sms"); }

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

json view(json rec) {
    rec.erase("campaignType");
    rec.erase("runs");
    return rec;
}

// Looks the campaign up; with a campaignType in the request, a campaign of the other type is not found.
std::optional<json> find(const Call& c, bool check_type) {
    const auto id = c.param("campaignId");
    auto rec = c.store->get(c.coll("campaigns"), id);
    if (rec && check_type && (*rec)["campaignType"] != type_of(c)) return std::nullopt;
    return rec;
}

Reply create(const Call& c) {
    const auto id = c.store->new_id("cd");
    const auto type = type_of(c);
    json rec = c.body;
    rec["_id"] = id;
    rec["id"] = id;
    rec["campaignType"] = type;
    rec["lname"] = lower(c.body.value("name", std::string()));
    rec["status"] = "Ready";
    rec["createdAt"] = rec["updatedAt"] = iso_now();
    if (!rec.contains("enableMachineDetect")) rec["enableMachineDetect"] = false;
    if (!rec.contains("schedule")) rec["schedule"] = {{"isSchedulingEnabled", false}};
    rec["schedule"]["isRecurrenceEnabled"] = false;
    if (rec.contains("experienceFlowName")) rec["experienceFlow"] = "cf-" + id.substr(3);
    if (c.spec->id().ends_with("create-template") || c.spec->id().ends_with("create-sms-template"))
        rec["message"]["templateId"] = "cmt-" + id.substr(3);
    if (type == "sms") rec["totalMessagesSent"] = 0;
    c.store->put(c.coll("campaigns"), id, rec);
    json data = view(rec);
    // Creation is asynchronous at the service: voice campaigns answer "Preparing" and are Ready at once here.
    if (type == "voice") data["status"] = "Preparing";
    json body = {{"status", "success"},
                 {"message", "Campaign " + c.body.value("name", std::string()) + " creation in progress"},
                 {"data", data}};
    if (c.spec->id().ends_with("create-preview")) body["id"] = id;
    return ok(body);
}

Reply get(const Call& c) {
    const auto rec = find(c, false);
    if (!rec) return not_found("Campaign", c.param("campaignId"));
    return ok({{"status", "success"}, {"message", "Campaign details"}, {"data", view(*rec)}});
}

Reply update(const Call& c) {
    if (!find(c, true)) return not_found("Campaign", c.param("campaignId"));
    const auto rec = c.store->modify(c.coll("campaigns"), c.param("campaignId"), [&](json& r) {
        for (const auto& [k, v] : c.body.items())
            if (k != "_id" && k != "id" && k != "status" && k != "campaignType") r[k] = v;
        r["lname"] = lower(r.value("name", std::string()));
        r["updatedAt"] = iso_now();
    });
    json body = {{"status", "success"}, {"message", "Campaign updated successfully"}, {"data", view(*rec)}};
    if (c.spec->id() == "voice-campaigns.update") body["id"] = (*rec)["_id"];
    return ok(body);
}

Reply trigger(const Call& c, bool start) {
    if (!find(c, true)) return not_found("Campaign", c.param("campaignId"));
    const auto now = iso_now();
    const auto rec = c.store->modify(c.coll("campaigns"), c.param("campaignId"), [&](json& r) {
        r["status"] = start ? "Active" : "Stopped";
        r["updatedAt"] = now;
        if (start) {
            r["campaignInstanceId"] = "ci-" + r["_id"].get<std::string>().substr(3) + "-" +
                                      std::to_string(r.value("runs", 0) + 1);
            r["runs"] = r.value("runs", 0) + 1;
        }
        r["campaignInstanceUpdatedAt"] = now;
    });
    json body = {{"status", (*rec)["status"]},
                 {"message", std::string("Campaign ") + (start ? "started" : "stopped") + " successfully"},
                 {"updatedAt", now}};
    if (type_of(c) == "voice") {
        body["campaignInstanceId"] = rec->value("campaignInstanceId", "");
        if (start) body["totalCallsCompleted"] = 0;
    } else if (!start) {
        body["campaignExecutionType"] = "NORMAL";
    }
    return ok(body);
}

Reply remove(const Call& c) {
    if (!find(c, true)) return not_found("Campaign", c.param("campaignId"));
    auto rec = c.store->remove(c.coll("campaigns"), c.param("campaignId"));
    return ok({{"status", "success"}, {"message", "Campaign deleted successfully"}, {"data", view(*rec)}});
}

Reply status(const Call& c) {
    const auto rec = find(c, false);
    if (!rec) return not_found("Campaign", c.param("campaignId"));
    return ok({{"status", "success"}, {"data", {{"id", (*rec)["_id"]}, {"status", (*rec)["status"]}, {"name", (*rec)["name"]}}}});
}

// Body paging: skip wins over page; limit defaults to 10.
Reply list(const Call& c) {
    const auto type = c.body.value("type", std::string());
    const long long limit = c.number("limit", 10, true);
    const long long skip = c.body.contains("skip") ? c.number("skip", 0, true)
                                                   : (std::max(1LL, c.number("page", 1, true)) - 1) * std::max(1LL, limit);
    const json filters = c.body.value("filters", json::object());
    std::vector<json> items;
    for (const auto& rec : c.store->list(c.coll("campaigns"))) {
        if (rec["campaignType"] != type) continue;
        if (filters.contains("status") && filters["status"].is_array() && !filters["status"].empty() &&
            std::find(filters["status"].begin(), filters["status"].end(), rec["status"]) == filters["status"].end())
            continue;
        items.push_back(view(rec));
    }
    return ok({{"status", "success"}, {"message", "Campaigns"}, {"data", page_of(items, skip, limit)}});
}

// The contacts a voice campaign dials: those added to its contact lists (by name or id).
Reply contacts(const Call& c) {
    const auto rec = find(c, false);
    if (!rec) return not_found("Campaign", c.param("campaignId"));
    const long long limit = c.number("limit", 10, true), page = c.number("page", 1, true);
    if (limit < 1 || limit > 100) return error_reply(400, "limit must be between 1 and 100");
    if (page < 1) return error_reply(400, "page must be at least 1");
    const json names = rec->value("contactLists", json::array());
    std::vector<json> items;
    for (const auto& list : c.store->list(c.coll("contact-lists"))) {
        if (std::find(names.begin(), names.end(), list["name"]) == names.end() &&
            std::find(names.begin(), names.end(), list["_id"]) == names.end())
            continue;
        for (const auto& ct : list.value("contacts", json::array()))
            items.push_back({{"phoneNumber", ct.value("phoneNumber", json(""))},
                             {"uniqueId", ct.value("uniqueId", json("uid-" + std::to_string(items.size() + 1)))},
                             {"dialerOutcome", ""},
                             {"numberOfAttemptsSoFar", 0},
                             {"botSessionId", ""},
                             {"agentDispositionCodes", json::array()},
                             {"botOutboundStatus", ""},
                             {"botOutboundStatusDetail", ""}});
    }
    auto data = page_of(items, (page - 1) * limit, limit);
    data.erase("skip");
    data.erase("hasMore");  // the doc's answer has no hasMore flag
    return ok({{"status", "success"}, {"data", data}});
}

}  // namespace

void add_campaign_handlers(HandlerMap& m) {
    for (const char* id : {"sms-campaigns.create-simple", "sms-campaigns.create-template", "sms-campaigns.create-advanced",
                           "voice-campaigns.create-agentless", "voice-campaigns.create-progressive",
                           "voice-campaigns.create-preview"})
        m[id] = create;
    m["sms-campaigns.get"] = m["voice-campaigns.get"] = get;
    m["sms-campaigns.update"] = m["voice-campaigns.update"] = update;
    m["sms-campaigns.delete"] = m["voice-campaigns.delete"] = remove;
    m["sms-campaigns.start"] = m["voice-campaigns.start"] = [](const Call& c) { return trigger(c, true); };
    m["sms-campaigns.stop"] = m["voice-campaigns.stop"] = [](const Call& c) { return trigger(c, false); };
    // The v2 family: the same campaigns under /campaign/api/v2/public (one store for both paths, as one service).
    for (const char* id : {"campaigns-v2.create-sms-simple", "campaigns-v2.create-sms-template", "campaigns-v2.create-sms-advanced",
                           "campaigns-v2.create-voice-agentless", "campaigns-v2.create-voice-progressive",
                           "campaigns-v2.create-voice-preview"})
        m[id] = create;
    m["campaigns-v2.get"] = get;
    m["campaigns-v2.update-sms"] = m["campaigns-v2.update-voice"] = update;
    m["campaigns-v2.delete-sms"] = m["campaigns-v2.delete-voice"] = remove;
    m["campaigns-v2.start-sms"] = m["campaigns-v2.start-voice"] = [](const Call& c) { return trigger(c, true); };
    m["campaigns-v2.stop-sms"] = m["campaigns-v2.stop-voice"] = [](const Call& c) { return trigger(c, false); };
    m["campaigns-v2.status"] = status;
    m["campaigns-v2.list"] = list;
    m["campaigns-v2.contacts"] = contacts;
    m["campaigns.status"] = status;
    m["campaigns.list"] = m["sms-campaigns.list"] = m["voice-campaigns.list"] = list;
    m["voice-campaigns.list-contacts"] = contacts;
}

}  // namespace ccai::mock
