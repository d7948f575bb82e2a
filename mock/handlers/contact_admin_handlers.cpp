// Contacts listed, updated and deleted (one, or in bulk), and what a contact list holds: its contacts (v1
// and v2 paths) and every list's details by type. Reads the state contact_handlers.cpp writes.
#include <algorithm>
#include <optional>

#include "call.hpp"

namespace ccai::mock {

namespace {

Reply contacts_list(const Call& c) {
    // The page's answer: {results, skip, limit, hasMore, totalPages, totalResults}, no "page".
    // Bounded: skip + limit must not overflow in page_of, whatever a raw request sends.
    const auto skip = std::clamp(c.number("skip", 0), 0LL, 1LL << 40), limit = std::clamp(c.number("limit", 10), 1LL, 1000LL);
    auto body = page_of(c.store->list(c.coll("contacts")), skip, limit);
    body.erase("page");
    return ok(body);
}

Reply contacts_delete(const Call& c) {
    const auto id = c.param("contactId");
    auto rec = c.store->remove(c.coll("contacts"), id);
    if (!rec) return not_found("Contact", id);
    // The service answers with the contact as it now is: inactive.
    (*rec)["status"] = "INACTIVE";
    (*rec)["updatedAt"] = iso_now();
    return ok(*rec);
}

// The sent fields merged into a stored contact, as the service answers: fullName recomputed, updatedAt set.
// The id is the record's own, whatever an item says.
void merge_contact(json& rec, const json& in) {
    for (const auto& [key, value] : in.items()) {
        if (key == "id" || key == "_id") continue;
        if (key == "cellPhone" && value.is_object() && rec[key].is_object()) rec[key].update(value);
        else rec[key] = value;
    }
    // A number sent comes back prefixed with the country code, as on create.
    if (in.contains("cellPhone") && in["cellPhone"].is_object() && in["cellPhone"].contains("phoneNumber")) {
        auto& cp = rec["cellPhone"];
        cp["phoneNumber"] = cp.value("countryCode", std::string()) + in["cellPhone"].value("phoneNumber", std::string());
    }
    rec["fullName"] = rec.value("firstName", std::string()) + " " + rec.value("lastName", std::string());
    rec["updatedAt"] = iso_now();
    rec["updatedBy"] = "u-mock-admin";
}

Reply contacts_update(const Call& c) {
    const auto id = c.param("contactId");
    const auto rec = c.store->modify(c.coll("contacts"), id, [&](json& r) { merge_contact(r, c.body.is_object() ? c.body : json::object()); });
    if (!rec) return not_found("Contact", id);
    return ok(*rec);
}

Reply contacts_bulk_update(const Call& c) {
    // An array of contacts, each naming its id (the catalog has checked every item's required fields).
    const json items = c.body.is_array() ? c.body : json::array();
    json done = json::array(), failed = json::array();
    for (const auto& item : items) {
        const json id = item.is_object() && item.contains("id") ? item["id"] : json();
        std::optional<json> rec;
        if (id.is_string()) rec = c.store->modify(c.coll("contacts"), id.get<std::string>(), [&](json& r) { merge_contact(r, item); });
        if (!rec) {
            failed.push_back({{"id", id}, {"reason", "Contact not found"}});
            continue;
        }
        json contact = *rec;
        contact["_id"] = id;
        contact.erase("id");
        done.push_back({{"id", id}, {"contact", contact}});
    }
    return ok({{"totalRequested", items.size()},
               {"successful", done.size()},
               {"failed", failed.size()},
               {"successfulRecords", done},
               {"failedRecords", failed}});
}

Reply contacts_bulk_delete(const Call& c) {
    // Either spelling the documentation uses (the catalog's one-of group has let exactly one through).
    const json ids = c.body.contains("ids") ? c.body["ids"] : c.body.value("id", json::array());
    json done = json::array(), failed = json::array();
    for (const auto& id : ids) {
        const bool removed = id.is_string() && c.store->remove(c.coll("contacts"), id.get<std::string>()).has_value();
        (removed ? done : failed).push_back({{"id", id}});
    }
    return ok({{"totalRequested", ids.size()},
               {"successful", done.size()},
               {"failed", failed.size()},
               {"successfulRecords", done},
               {"failedRecords", failed}});
}

// The contacts added to a list (contact-lists add-contacts), as the page shows them.
Reply list_contacts(const Call& c) {
    const auto id = c.param("contactListId");
    const auto rec = c.store->get(c.coll("contact-lists"), id);
    if (!rec) return not_found("Contact list", id);
    std::vector<json> items;
    for (const auto& ct : rec->value("contacts", json::array()))
        items.push_back({{"_id", "cc-" + id.substr(std::min<std::size_t>(3, id.size())) + "-" + std::to_string(items.size() + 1)},
                         {"phoneNumber", ct.is_object() ? ct.value("phoneNumber", json("")) : json("")},
                         {"createdAt", rec->value("updatedAt", json(""))},
                         {"updatedAt", rec->value("updatedAt", json(""))}});
    auto data = page_of(items, 0, 50);
    data.erase("page");
    return ok({{"status", "success"}, {"message", "Contacts retrieved successfully"}, {"data", data}});
}

Reply list_details(const Call& c) {
    const auto type = c.param("type");
    json data = json::array();
    for (auto rec : c.store->list(c.coll("contact-lists"))) {
        if (!type.empty() && rec.value("listType", "") != type) continue;
        rec.erase("contacts");
        data.push_back(rec);
    }
    return ok({{"status", "success"}, {"message", ""}, {"data", data}});
}

}  // namespace

void add_contact_admin_handlers(HandlerMap& m) {
    m["contacts.list"] = contacts_list;
    m["contacts.delete"] = contacts_delete;
    m["contacts.update"] = contacts_update;
    m["contacts.bulk-update"] = contacts_bulk_update;
    m["contacts.bulk-delete"] = contacts_bulk_delete;
    m["contact-lists.contacts"] = m["contact-lists.contacts-v2"] = list_contacts;
    m["contact-lists.list-details"] = list_details;
}

}  // namespace ccai::mock
