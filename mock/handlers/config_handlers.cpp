// Skill groups, skills, agent groups and queues: create / list / get / update / delete; queue priorities.
#include "call.hpp"

namespace ccai::mock {

namespace {

json project(const json& rec, std::initializer_list<const char*> keys) {
    json out = json::object();
    for (const char* k : keys)
        if (rec.contains(k)) out[k] = rec[k];
    return out;
}

json merged(const json& base, const json& body) {
    json out = base;
    if (body.is_object())
        for (const auto& [k, v] : body.items())
            if (k != "id") out[k] = v;
    out["updatedAt"] = iso_now();
    return out;
}

json stamp(json rec, const Call& c, const std::string& id) {
    rec["id"] = id;
    rec["orgId"] = rec.value("orgId", std::string("o-mock-org"));
    rec["iId"] = c.param("botId");
    rec["createdBy"] = "u-mock-admin";
    rec["createdAt"] = rec["updatedAt"] = iso_now();
    return rec;
}

// ---- skill groups ({id, name, description, color}; ids are 24 hex digits) ----
Reply sg_create(const Call& c) {
    const auto id = c.store->new_id("hex24");
    auto rec = stamp(c.body, c, id);
    rec["status"] = "ACTIVE";
    c.store->put(c.coll("skill-groups"), id, rec);
    return ok(project(rec, {"id", "name", "description", "color"}));
}
Reply sg_list(const Call& c) {
    return ok(numbered_page(c, c.store->list(c.coll("skill-groups")),
                            [](const json& g) { return project(g, {"id", "name", "description", "color"}); }));
}
Reply sg_get(const Call& c) {
    const auto id = c.param("skillGroupId");
    const auto g = c.store->get(c.coll("skill-groups"), id);
    return g ? ok(project(*g, {"id", "name", "description", "color"})) : not_found("Skill group", id);
}
Reply sg_update(const Call& c) {
    const auto id = c.param("skillGroupId");
    const auto g = c.store->modify(c.coll("skill-groups"), id, [&](json& rec) { rec = merged(rec, c.body); });
    return g ? ok(project(*g, {"id", "name", "description", "color"})) : not_found("Skill group", id);
}
Reply sg_delete(const Call& c) {
    const auto id = c.param("skillGroupId");
    if (!c.store->remove(c.coll("skill-groups"), id)) return not_found("Skill group", id);
    c.store->drop(c.coll("skills", id));
    return ok(json::object());
}

// ---- skills (inside a skill group) ----
json skill_summary(const json& s) {
    json out = project(s, {"id", "name", "description", "skillGroupId"});
    out["agents"] = s.contains("agents") && s["agents"].is_array() ? s["agents"].size() : 0;
    return out;
}
Reply sk_create(const Call& c) {
    const auto group = c.param("skillGroupId");
    if (!c.store->get(c.coll("skill-groups"), group)) return not_found("Skill group", group);
    const auto id = c.store->new_id("hex24");
    auto rec = stamp(c.body, c, id);
    rec["skillGroupId"] = group;
    rec["status"] = "ACTIVE";
    if (!rec.contains("agents")) rec["agents"] = json::array();
    c.store->put(c.coll("skills", group), id, rec);
    return ok(skill_summary(rec));
}
Reply sk_list(const Call& c) {
    const auto group = c.param("skillGroupId");
    if (!c.store->get(c.coll("skill-groups"), group)) return not_found("Skill group", group);
    return ok(numbered_page(c, c.store->list(c.coll("skills", group)), skill_summary));
}
Reply sk_get(const Call& c) {
    const auto id = c.param("skillId");
    const auto s = c.store->get(c.coll("skills", c.param("skillGroupId")), id);
    if (!s) return not_found("Skill", id);
    return ok(project(*s, {"status", "name", "description", "skillGroupId", "agents", "createdBy", "createdAt",
                           "updatedAt", "id"}));
}
Reply sk_update(const Call& c) {
    const auto id = c.param("skillId");
    const auto s = c.store->modify(c.coll("skills", c.param("skillGroupId")), id, [&](json& rec) {
        rec = merged(rec, c.body);
        rec["skillGroupId"] = c.param("skillGroupId");
    });
    return s ? ok(skill_summary(*s)) : not_found("Skill", id);
}
Reply sk_delete(const Call& c) {
    const auto id = c.param("skillId");
    return c.store->remove(c.coll("skills", c.param("skillGroupId")), id) ? ok(json::object()) : not_found("Skill", id);
}

// ---- agent groups (ids "ag-..."; list pages by skip/limit) ----
json group_view(const json& g) { return project(g, {"id", "name", "description", "managers"}); }
Reply ag_create(const Call& c) {
    const auto id = c.store->new_id("ag");
    auto rec = stamp(c.body, c, id);
    rec["managers"] = rec.value("managers", json::array());
    rec["isDefault"] = false;
    rec["isUnassigned"] = false;
    rec["status"] = "ACTIVE";
    rec["lname"] = rec.value("name", std::string());
    for (auto& ch : rec["lname"].get_ref<std::string&>()) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    rec["totalAgents"] = 0;
    c.store->put(c.coll("agent-groups"), id, rec);
    return ok(project(rec, {"id", "name", "description"}));
}
Reply ag_list(const Call& c) {
    auto body = page_of(c.store->list(c.coll("agent-groups")), c.number("skip", 0), c.number("limit", 10));
    body.erase("page");
    return ok(body);
}
Reply ag_get(const Call& c) {
    const auto id = c.param("agentGroupId");
    const auto g = c.store->get(c.coll("agent-groups"), id);
    return g ? ok(group_view(*g)) : not_found("Agent group", id);
}
Reply ag_update(const Call& c) {
    const auto id = c.param("agentGroupId");
    const auto g = c.store->modify(c.coll("agent-groups"), id, [&](json& rec) { rec = merged(rec, c.body); });
    return g ? ok(project(*g, {"id", "name", "description", "managers"})) : not_found("Agent group", id);
}
Reply ag_delete(const Call& c) {
    const auto id = c.param("agentGroupId");
    const auto g = c.store->remove(c.coll("agent-groups"), id);
    return g ? ok(group_view(*g)) : not_found("Agent group", id);
}

// ---- queues (ids "qu-..."; list pages by page) ----
json queue_view(const json& q) {
    return project(q, {"isActive", "isDefault", "name", "isAdvancedRoutingEnabled", "description", "orgId", "createdBy",
                       "id", "hoursOfOperation", "agents", "skills", "agentGroups", "sourceAgentGroups",
                       "advancedSettings"});
}
Reply qu_create(const Call& c) {
    const auto id = c.store->new_id("qu");
    auto rec = stamp(c.body, c, id);
    rec["isActive"] = rec.value("isActive", true);
    rec["isDefault"] = false;
    rec["isAdvancedRoutingEnabled"] = rec.value("isAdvancedRoutingEnabled", false);
    for (const char* k : {"agents", "skills", "agentGroups", "sourceAgentGroups"})
        if (!rec.contains(k)) rec[k] = json::array();
    if (!rec.contains("hoursOfOperation")) rec["hoursOfOperation"] = {{"id", "h-mock-default"}, {"name", "Default"}};
    if (!rec.contains("advancedSettings"))
        rec["advancedSettings"] = {{"preferredAgentTimeout", {{"min", 0}, {"sec", 30}}},
                                   {"isSkillMatchEnabled", false},
                                   {"isAffinityMatchEnabled", false}};
    c.store->put(c.coll("queues"), id, rec);
    return ok(queue_view(rec));
}
Reply qu_list(const Call& c) {
    return ok(numbered_page(c, c.store->list(c.coll("queues")), queue_view));
}
Reply qu_get(const Call& c) {
    const auto id = c.param("queueId");
    const auto q = c.store->get(c.coll("queues"), id);
    return q ? ok(queue_view(*q)) : not_found("Queue", id);
}
Reply qu_update(const Call& c) {
    const auto id = c.param("queueId");
    const auto q = c.store->modify(c.coll("queues"), id, [&](json& rec) { rec = merged(rec, c.body); });
    return q ? ok(queue_view(*q)) : not_found("Queue", id);
}
Reply qu_delete(const Call& c) {
    const auto id = c.param("queueId");
    return c.store->remove(c.coll("queues"), id) ? ok(json::object()) : not_found("Queue", id);
}
Reply qu_size(const Call& c) {
    const auto id = c.param("queueId");
    const auto q = c.store->get(c.coll("queues"), id);
    if (!q) return not_found("Queue", id);
    return ok(json::array({{{"queueId", id},
                            {"queueName", q->value("name", "")},
                            {"skills", q->value("skills", json::array())},
                            {"waiting", 3},
                            {"engaged", 2},
                            {"dropOff", 1},
                            {"agentStatus", {{"available", 1}, {"offline", 0}, {"busy", 2}, {"away", 0}}},
                            {"noOfAgents", (*q)["agents"].size()},
                            {"queueSummary", {{"avgWait", 42}, {"maxWait", 120}, {"ASA", 30}}}}}));
}
// Dynamic queue priorities: each item sets one queue's priority (1 to 10, as the page allows); queues this bot
// does not have are left out of the answer, which names only the queues whose priority was set.
Reply qu_priorities(const Call& c) {
    const json none = json::array();
    const json& items = c.body.is_object() && c.body.contains("queuePriorityData") ? c.body["queuePriorityData"] : none;
    for (const auto& item : items) {
        const json p = item.is_object() ? item.value("priority", json()) : json();
        if (!p.is_number_integer() || p.get<long long>() < 1 || p.get<long long>() > 10)
            return error_reply(400, "priority must be an integer from 1 to 10");
    }
    json updated = json::array();
    for (const auto& item : items) {
        const auto id = text_of(item, "queueId");
        const auto q = c.store->modify(c.coll("queues"), id, [&](json& rec) {
            rec["priority"] = item["priority"];
            rec["updatedAt"] = iso_now();
        });
        if (q && std::find(updated.begin(), updated.end(), json(id)) == updated.end()) updated.push_back(id);
    }
    return ok({{"updatedCount", updated.size()}, {"updatedQueueIds", updated}});
}
Reply qu_lookup(const Call& c) {
    // queueIds -> the agents of those queues; agentIds -> the ids of the queues holding those agents.
    const json none = json::array();
    const json& qids = c.body.is_object() && c.body.contains("queueIds") ? c.body["queueIds"] : none;
    const json& aids = c.body.is_object() && c.body.contains("agentIds") ? c.body["agentIds"] : none;
    json out = json::array();
    for (const auto& q : c.store->list(c.coll("queues"))) {
        const bool wanted = std::find(qids.begin(), qids.end(), q["id"]) != qids.end();
        for (const auto& a : q["agents"]) {
            if (!a.is_object()) continue;
            if (wanted)
                out.push_back({{"userId", a.value("userId", "")}, {"aId", a.value("aId", "")},
                               {"name", a.value("name", "")}, {"profImage", "no-avatar"}});
            else if (std::find(aids.begin(), aids.end(), a.value("aId", json())) != aids.end() ||
                     std::find(aids.begin(), aids.end(), a.value("userId", json())) != aids.end())
                out.push_back(q["id"]);
        }
    }
    return ok(out);
}

}  // namespace

void add_config_handlers(HandlerMap& m) {
    m["skill-groups.create"] = sg_create;
    m["skill-groups.list"] = sg_list;
    m["skill-groups.get"] = sg_get;
    m["skill-groups.update"] = sg_update;
    m["skill-groups.delete"] = sg_delete;
    m["skills.create"] = sk_create;
    m["skills.list"] = sk_list;
    m["skills.get"] = sk_get;
    m["skills.update"] = sk_update;
    m["skills.delete"] = sk_delete;
    m["agent-groups.create"] = ag_create;
    m["agent-groups.list"] = ag_list;
    m["agent-groups.get"] = ag_get;
    m["agent-groups.update"] = ag_update;
    m["agent-groups.delete"] = ag_delete;
    m["queues.create"] = qu_create;
    m["queues.list"] = qu_list;
    m["queues.get"] = qu_get;
    m["queues.update"] = qu_update;
    m["queues.delete"] = qu_delete;
    m["queues.size"] = qu_size;
    m["queues.lookup"] = qu_lookup;
    m["queues.update-priority"] = qu_priorities;
}

}  // namespace ccai::mock
