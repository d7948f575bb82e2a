// Agents: create / list (page) / get / update / delete / by custom id / availability.
#include "call.hpp"

namespace ccai::mock {

namespace {

json stored_agent(const Call& c, const std::string& id) {
    json a = c.body.is_object() ? c.body : json::object();
    const auto now = iso_now();
    a["id"] = id;
    if (!a.contains("userId")) a["userId"] = "u-" + id.substr(2);
    a["accountId"] = c.account;
    if (!a.contains("orgId")) a["orgId"] = "o-mock-org";
    a["iId"] = c.param("botId");
    a["fullName"] = a.value("firstName", std::string()) + " " + a.value("lastName", std::string());
    a["lFullName"] = a["fullName"];
    if (!a.contains("agentGroupId")) a["agentGroupId"] = "";
    a["agentGroups"] = a.value("agentGroups", json::array());
    if (!a.contains("status")) a["status"] = "ACTIVE";
    a["onlineStatus"] = a.value("onlineStatus", std::string("OFFLINE"));
    a["onlineStatusType"] = a.value("onlineStatusType", std::string("system"));
    for (const char* k : {"skills", "queues", "chatLanguageSupport", "voiceLanguageSupport", "desktopLayouts"})
        if (!a.contains(k)) a[k] = json::array();
    if (!a.contains("createdAt")) a["createdAt"] = now;
    a["updatedAt"] = now;
    a["createdBy"] = a.value("createdBy", std::string("u-mock-admin"));
    return a;
}

Reply create(const Call& c) {
    const auto id = c.store->new_id("a");
    auto a = stored_agent(c, id);
    c.store->put(c.coll("agents"), id, a);
    return ok(a);
}

Reply list(const Call& c) {
    const long long page = std::max(1LL, c.number("page", 1));
    constexpr long long limit = 10;  // not settable per the docs
    auto all = c.store->list(c.coll("agents"));
    const bool queues = c.param("includeQueues") == "true" || c.param("includeQueues") == "True";
    if (!queues)
        for (auto& a : all) a.erase("queues");
    auto body = page_of(all, (page - 1) * limit, limit);
    body.erase("page");
    return ok(body);
}

Reply get(const Call& c) {
    const auto id = c.param("agentId");
    const auto a = c.store->get(c.coll("agents"), id);
    return a ? ok(*a) : not_found("Agent", id);
}

Reply update(const Call& c) {
    const auto id = c.param("agentId");
    auto a = c.store->modify(c.coll("agents"), id, [&](json& rec) {
        for (const auto& [k, v] : c.body.items())
            if (k != "id") rec[k] = v;
        rec["updatedAt"] = iso_now();
    });
    return a ? ok(*a) : not_found("Agent", id);
}

Reply remove(const Call& c) {
    const auto id = c.param("agentId");
    auto a = c.store->remove(c.coll("agents"), id);
    if (!a) return not_found("Agent", id);
    (*a)["status"] = "DELETED";
    return ok(*a);
}

Reply by_custom_id(const Call& c) {
    const auto custom = c.param("customId");
    json out = json::array();
    for (const auto& a : c.store->list(c.coll("agents")))
        if (a.value("customId", std::string()) == custom) out.push_back(a);
    return ok(out);
}

bool listed(const json& body, const char* key, const json& value) {
    if (!body.is_object() || !body.contains(key) || !body[key].is_array() || body[key].empty()) return true;
    for (const auto& v : body[key])
        if (v == value) return true;
    return false;
}

Reply availability(const Call& c) {
    Reply r;
    r.body = {{"AVAILABLE", json::array()}, {"BUSY", json::array()}, {"OFFLINE", json::array()}, {"AWAY", json::array()}};
    for (const auto& a : c.store->list(c.coll("agents"))) {
        if (!listed(c.body, "agentIds", a["id"])) continue;
        std::string status = a.value("onlineStatus", std::string("OFFLINE"));
        for (auto& ch : status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (!r.body.contains(status)) status = "OFFLINE";
        r.body[status].push_back({{"_id", a["id"]},
                                  {"userId", a["userId"]},
                                  {"firstName", a.value("firstName", "")},
                                  {"lastName", a.value("lastName", "")},
                                  {"emailId", a.value("emailId", "")},
                                  {"customId", a.value("customId", "")},
                                  {"phoneNumber", a.value("phoneNumber", json(""))}});
    }
    return r;
}

}  // namespace

void add_agent_handlers(HandlerMap& m) {
    m["agents.create"] = create;
    m["agents.list"] = list;
    m["agents.get"] = get;
    m["agents.update"] = update;
    m["agents.delete"] = remove;
    m["agents.get-by-custom-id"] = by_custom_id;
    m["agents.availability"] = availability;
}

}  // namespace ccai::mock
