// Contacts (create, CSV import) and contact lists (create / get / list / update / add contacts / delete).
#include <sstream>

#include "call.hpp"

namespace ccai::mock {

namespace {

json new_contact(const Call& c, const json& in) {
    json out = in;
    const auto id = c.store->new_id("c");
    out["id"] = id;
    out["status"] = "active";
    out["fullName"] = in.value("firstName", std::string()) + " " + in.value("lastName", std::string());
    out["accountId"] = c.account;
    out["orgId"] = "o-mock-org";
    out["instanceBotId"] = c.param("botId");
    out["createdBy"] = "u-mock-admin";
    out["address"] = json::object();
    out["twitterDetails"] = json::object();
    out["createdAt"] = out["updatedAt"] = iso_now();
    c.store->put(c.coll("contacts"), id, out);
    return out;
}

Reply contacts_create(const Call& c) {
    json out = json::array();
    for (const auto& item : c.body) {
        json contact = item;
        if (item.contains("cellPhone") && item["cellPhone"].is_object()) {
            auto& cp = contact["cellPhone"];
            cp["phoneNumber"] = cp.value("countryCode", std::string()) + cp.value("phoneNumber", std::string());
        }
        out.push_back(new_contact(c, contact));
    }
    return ok(out);
}

std::vector<std::string> csv_cells(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"') quoted = !quoted;
        else if (ch == ',' && !quoted) cells.push_back(std::exchange(cell, {}));
        else if (ch != '\r') cell += ch;
    }
    cells.push_back(cell);
    return cells;
}

Reply contacts_import(const Call& c) {
    std::istringstream in(c.upload);
    std::string line;
    if (!std::getline(in, line)) return error_reply(400, "contacts.import: the CSV file is empty");
    const auto header = csv_cells(line);
    json out = json::array();
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r") continue;
        const auto cells = csv_cells(line);
        json row = json::object();
        for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
        // Missing columns are taken as empty (the service's CSV rules are not documented beyond the names).
        json contact = {{"firstName", row.value("firstName", "")},
                        {"lastName", row.value("lastName", "")},
                        {"salutation", row.value("salutation", "")},
                        {"cellPhone",
                         {{"phoneNumber", row.value("cellPhoneCountryCode", "") + row.value("cellPhoneNumber", "")},
                          {"countryCode", row.value("cellPhoneCountryCode", "")},
                          {"extension", row.value("cellPhoneExtension", "")}}}};
        out.push_back(new_contact(c, contact));
    }
    return ok(out);
}

// ---- contact lists ("cl-..." ids, answers wrapped in {status, message, data}) ----
Reply cl_create(const Call& c) {
    const auto id = c.store->new_id("cl");
    const bool dup = c.body.value("allowDuplicates", false);
    json rec = {{"_id", id},
                {"isActive", true},
                {"name", c.body["name"]},
                {"description", c.body.value("description", "")},
                {"totalRecordCount", 0},
                {"status", "Ready"},
                {"createdBy", "u-mock-admin"},
                {"updatedBy", "u-mock-admin"},
                {"mapping",
                 {{"firstName", "firstName"}, {"lastName", "lastName"}, {"phoneNumber", "phoneNumber"},
                  {"timeZone", "timeZone"}, {"uniqueId", "uniqueId"}}},
                {"isListInUse", false},
                {"listType", "call"},
                {"campaignInUse", json::array()},
                {"source", c.body.value("source", "passiveApi") == "passiveApiIntegration" ? "passiveApi"
                                                                                            : c.body.value("source", "passiveApi")},
                {"apiConfigurations", {{"dataSyncMode", dup ? "allowDuplicates" : "skipDuplicates"}}},
                {"files", json::array()},
                {"orgId", "o-mock-org"},
                {"iId", c.param("botId")},
                {"accountId", c.account},
                {"createdAt", iso_now()},
                {"updatedAt", iso_now()},
                {"allowDuplicates", dup}};
    c.store->put(c.coll("contact-lists"), id, rec);
    return ok({{"status", "success"},
               {"message", "Contact list " + c.body["name"].get<std::string>() + " created successfully"},
               {"data", rec}});
}
Reply cl_get(const Call& c) {
    const auto id = c.param("contactListId");
    auto rec = c.store->get(c.coll("contact-lists"), id);
    if (!rec) return not_found("Contact list", id);
    rec->erase("contacts");
    return ok({{"status", "success"}, {"message", "Contact list details"}, {"data", *rec}});
}
Reply cl_list(const Call& c) {
    json data = json::array();
    const auto type = c.param("type");
    for (auto rec : c.store->list(c.coll("contact-lists"))) {
        if (!type.empty() && rec.value("listType", "") != type) continue;
        rec.erase("contacts");
        data.push_back(rec);
    }
    return ok({{"status", "success"}, {"message", "Contact lists"}, {"data", data}});
}
Reply cl_update(const Call& c) {
    const auto id = c.param("contactListId");
    auto rec = c.store->modify(c.coll("contact-lists"), id, [&](json& r) {
        for (const char* k : {"name", "description", "allowDuplicates"})
            if (c.body.contains(k)) r[k] = c.body[k];
        r["updatedAt"] = iso_now();
    });
    if (!rec) return not_found("Contact list", id);
    return ok({{"status", "success"},
               {"message", "Contact list updated successfully"},
               {"data",
                {{"contactListId", id},
                 {"body",
                  {{"name", (*rec)["name"]}, {"orgId", (*rec)["orgId"]}, {"iId", (*rec)["iId"]},
                   {"listType", (*rec)["listType"]}, {"accountId", (*rec)["accountId"]},
                   {"updatedBy", "u-mock-admin"}}}}}});
}
Reply cl_add_contacts(const Call& c) {
    const auto name = c.body["contact_list_name"].is_string() ? c.body["contact_list_name"].get<std::string>() : "";
    for (const auto& rec : c.store->list(c.coll("contact-lists"))) {
        if (rec.value("name", "") != name) continue;
        c.store->modify(c.coll("contact-lists"), rec["_id"], [&](json& r) {
            auto& contacts = r["contacts"];
            if (!contacts.is_array()) contacts = json::array();
            for (const auto& item : c.body["data"]) {
                const bool dup = std::any_of(contacts.begin(), contacts.end(), [&](const json& x) {
                    return x.value("phoneNumber", json()) == item.value("phoneNumber", json());
                });
                if (dup && !r.value("allowDuplicates", false)) continue;
                contacts.push_back(item);
            }
            r["totalRecordCount"] = contacts.size();
            r["updatedAt"] = iso_now();
        });
        return ok({{"message", "Adding contacts to the list " + name + " is in progress"}});
    }
    return not_found("Contact list", name);
}
Reply cl_delete(const Call& c) {
    const auto id = c.param("contactListId");
    auto rec = c.store->remove(c.coll("contact-lists"), id);
    if (!rec) return not_found("Contact list", id);
    rec->erase("contacts");
    return ok({{"status", "success"}, {"message", "Contact list deleted successfully"}, {"data", *rec}});
}

}  // namespace

void add_contact_handlers(HandlerMap& m) {
    m["contacts.create"] = contacts_create;
    m["contacts.import"] = contacts_import;
    m["contact-lists.create"] = cl_create;
    m["contact-lists.get"] = cl_get;
    m["contact-lists.list"] = cl_list;
    m["contact-lists.update"] = cl_update;
    m["contact-lists.add-contacts"] = cl_add_contacts;
    m["contact-lists.delete"] = cl_delete;
    // v2 paths (/campaign/api/v2/public/...): the same lists.
    m["contact-lists.create-v2"] = cl_create;
    m["contact-lists.get-v2"] = cl_get;
    m["contact-lists.list-v2"] = cl_list;
    m["contact-lists.delete-v2"] = cl_delete;
}

}  // namespace ccai::mock
