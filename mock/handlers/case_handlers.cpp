// Case management: cases and tasks created, listed with filters, updated. A task names its case, and the
// case lists its tasks' ids, as the service's records show.
#include <algorithm>

#include "call.hpp"

namespace ccai::mock {

namespace {

// Values read leniently (text_of): the catalog lets an explicit null through (it clears a field), so a key
// may hold something other than its documented type.
bool flag_of(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

// "CS000101", "TS000101": the reference the service numbers per kind.
std::string ref_id(const Call& c, const char* prefix, const std::string& coll) {
    const auto n = c.store->list(coll).size() + 101;
    std::string digits = std::to_string(n);
    return prefix + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

json new_record(const Call& c, const std::string& id, const std::string& coll, const char* ref, const char* type) {
    json rec = c.body;
    rec["_id"] = id;
    rec["lname"] = lower(text_of(c.body, "name"));
    rec["status"] = {{"name", "Open"}, {"statusCategory", "open"}};
    rec["priority"] = {{"name", "Medium"}, {"score", 10}};
    rec["refId"] = ref_id(c, ref, coll);
    rec["assigneeType"] = "unassigned";
    rec["conversationType"] = type;
    rec["accountId"] = c.account;
    rec["iId"] = c.param("botId");
    rec["isActive"] = true;
    rec["createdAt"] = rec["updatedAt"] = iso_now();
    rec["ETA"] = text_of(c.body, "dueDate");
    return rec;
}

Reply case_create(const Call& c) {
    const auto coll = c.coll("cases");
    const auto id = c.store->new_id("ci");
    auto rec = new_record(c, id, coll, "CS", "CASE");
    rec["taskIds"] = json::array();
    c.store->put(coll, id, rec);
    return ok(rec);
}

Reply task_create(const Call& c) {
    const auto case_id = text_of(c.body, "caseId");
    if (!c.store->get(c.coll("cases"), case_id)) return not_found("Case", case_id);
    const auto coll = c.coll("tasks");
    const auto id = c.store->new_id("ti");
    auto rec = new_record(c, id, coll, "TS", "TASK");
    c.store->put(coll, id, rec);
    c.store->modify(c.coll("cases"), case_id, [&](json& r) {
        if (!r["taskIds"].is_array()) r["taskIds"] = json::array();  // an update may have replaced it
        r["taskIds"].push_back(id);
    });
    return ok(rec);
}

// The filters the pages document that a record answers directly: name search, unresolved, unassigned.
bool matches(const Call& c, const json& rec) {
    const auto search = lower(text_of(c.body, "searchText"));
    if (!search.empty() && text_of(rec, "lname").find(search) == std::string::npos) return false;
    if (flag_of(c.body, "unassigned") && text_of(rec, "assigneeType") != "unassigned") return false;
    const auto status = rec.find("status");
    if (flag_of(c.body, "unresolved") && status != rec.end() && status->is_object() && text_of(*status, "statusCategory") == "closed")
        return false;
    return true;
}

Reply list(const Call& c, const char* kind) {
    std::vector<json> items;
    for (const auto& rec : c.store->list(c.coll(kind)))
        if (matches(c, rec)) items.push_back(rec);
    const auto skip = std::clamp(c.number("skip", 0, true), 0LL, 1LL << 40);
    auto page = page_of(items, skip, std::clamp(c.number("limit", 50, true), 1LL, 1000LL));
    page.erase("skip");  // the pages' answers carry page, not skip
    return ok(page);
}

Reply update(const Call& c, const char* kind, const char* what, const char* id_param) {
    const auto id = c.param(id_param);
    const auto rec = c.store->modify(c.coll(kind), id, [&](json& r) {
        for (const auto& [k, v] : c.body.items())
            if (k != "_id" && k != "refId" && k != "createdAt" && k != "conversationType") r[k] = v;
        r["lname"] = lower(text_of(r, "name"));
        r["updatedAt"] = iso_now();
    });
    if (!rec) return not_found(what, id);
    return ok(*rec);
}

}  // namespace

void add_case_handlers(HandlerMap& m) {
    m["cases.create"] = case_create;
    m["cases.list"] = [](const Call& c) { return list(c, "cases"); };
    m["cases.update"] = [](const Call& c) { return update(c, "cases", "Case", "caseId"); };
    m["tasks.create"] = task_create;
    m["tasks.list"] = [](const Call& c) { return list(c, "tasks"); };
    m["tasks.update"] = [](const Call& c) { return update(c, "tasks", "Task", "taskId"); };
}

}  // namespace ccai::mock
