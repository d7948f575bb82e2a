// Deterministic plausible answers for the read-only families (analytics, WFM, conversations, recordings,
// voicemail, hours, data export) and the one-shot actions (sms.send, transfer, data import, recording delete).
#include <algorithm>
#include <cstdio>

#include "call.hpp"

namespace ccai::mock {

namespace {

std::string two(long long n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02lld", n % 100);
    return buf;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A value for a field, by what its name suggests; `i` makes items of a list differ.
json value_for(const Call& c, std::string_view f, long long i) {
    const std::string n = std::to_string(i + 1);
    if (f == "accountId") return c.account;
    if (f == "botId" || f == "iId" || f == "instanceBotId") return c.param("botId");
    if (f == "orgId") return c.param("orgId", "o-mock-org");
    if (f == "userId" || f == "createdBy") return "u-mock-" + n;
    if (f == "agentId" || f == "AgentId" || f == "aId") return "a-mock-" + n;
    if (f == "queueId" || f == "collectionPointId") return c.param("queueId", "qu-mock-" + n);
    if (f == "sessionId" || f == "botSessionId") return c.param("sessionId", "s-mock-" + n);
    if (f == "_id" || f == "id") return "mock-" + std::string(c.spec->group()) + "-" + n;
    if (f == "status") return "success";
    if (f == "channel") return i % 2 ? "chat" : "voice";
    if (f == "email" || f == "emailId") return "agent" + n + "@example.com";
    if (f == "firstName") return "Agent";
    if (f == "lastName") return "Number " + n;
    if (f == "fileName") return "recording-" + n + ".wav";
    if (f == "fileUrl") return "https://mock.invalid/files/recording-" + n + ".wav";
    if (f == "EventTime") return "01/15/2024 10:" + two(i) + ":00";
    if (f == "Activity") return i % 2 ? "ready" : "notready";
    if (f == "ReasonCode") return std::to_string(i % 3 + 1);
    if (ends_with_ci(f, "At") || f.find("Time") != std::string_view::npos || f.find("Date") != std::string_view::npos ||
        f.find("TimeStamp") != std::string_view::npos)
        return "2024-01-15T10:" + two(i) + ":00.000Z";
    if (f.starts_with("is") || f.starts_with("has") || f.starts_with("can")) return false;
    if (f.starts_with("total") || f.starts_with("num") || f.starts_with("no") || f.starts_with("max") ||
        f.starts_with("avg") || f.ends_with("Count") || f.ends_with("Contacts") || f.ends_with("Duration") ||
        f == "waiting" || f == "engaged" || f == "dropOff" || f == "__v" || f == "timeHandled")
        return (i * 7 + 3) % 50;
    if (f == "skills" || f == "agents" || f == "participants" || f == "dispositions" || f == "notes" ||
        f == "queues" || f == "transferDetails" || f == "agentGroups" || f == "status[]" || f == "timeInterval" ||
        f == "transcriptions")
        return json::array();
    return "mock " + std::string(f) + " " + n;
}

json item(const Call& c, std::initializer_list<std::string_view> keys, long long i) {
    json out = json::object();
    for (auto k : keys) out[std::string(k)] = value_for(c, k, i);
    return out;
}

json item_of_fields(const Call& c, long long i) {
    json out = json::object();
    for (auto k : c.spec->response_fields()) out[std::string(k)] = value_for(c, k, i);
    return out;
}

std::vector<json> items(const Call& c, long long n, std::initializer_list<std::string_view> keys) {
    std::vector<json> out;
    for (long long i = 0; i < n; ++i) out.push_back(keys.size() ? item(c, keys, i) : item_of_fields(c, i));
    return out;
}

// Items [skip, skip + limit) of a synthetic list of c.synthetic_items, made on demand: a list of millions
// (--list-items) costs one page per request, not the whole list.
json slice(const Call& c, long long skip, long long limit, std::initializer_list<std::string_view> keys) {
    json out = json::array();
    for (long long i = std::max(0LL, skip); i < c.synthetic_items && i < skip + limit; ++i)
        out.push_back(keys.size() ? item(c, keys, i) : item_of_fields(c, i));
    return out;
}

Reply offset_page(const Call& c, std::initializer_list<std::string_view> keys) {
    const long long limit = c.number("limit", 50), offset = c.number("offset", 0);
    return ok({{"hasMore", offset + limit < c.synthetic_items}, {"limit", limit}, {"offset", offset},
               {"data", slice(c, offset, limit, keys)}});
}

// call/interaction details: limit <= 100; offset counts pages (0..10) per the doc.
Reply details(const Call& c) {
    const long long limit = c.number("limit", 100), offset = c.number("offset", 0);
    if (limit < 1 || limit > 100) return error_reply(400, "limit must be between 1 and 100");
    if (offset < 0 || offset > 10) return error_reply(400, "offset must be between 0 and 10");
    auto data = slice(c, offset * limit, limit, {"sessionId", "channel", "sessionStartTime", "sessionEndTime", "botId",
                                                 "userId", "orgId", "queueId", "agentId"});
    return ok({{"numResults", data.size()}, {"data", data}});
}

}  // namespace

Reply synthesize(const Call& c) {
    const auto id = c.spec->id();
    if (id == "analytics.agent-status-summary")
        return offset_page(c, {"userId", "firstName", "lastName", "email", "customId", "timeInterval"});
    if (id == "analytics.agent-status-details")
        return offset_page(c, {"userId", "firstName", "lastName", "email", "customId", "status[]"});
    if (id == "analytics.call-details" || id == "analytics.interaction-details") return details(c);
    if (id == "analytics.intent-realtime") return ok(items(c, 25, {}));
    if (id == "conversations.list") {
        // page_of's answer, with only the page's items made.
        const long long skip = std::max(0LL, c.number("skip", 0)), n = c.synthetic_items;
        long long limit = c.number("limit", 10);
        if (limit <= 0) limit = 10;
        auto page = slice(c, skip, limit, {"_id", "botSessionId", "botId", "userId", "orgId", "source", "waitTime",
                                           "startTime", "endTime", "participants", "dispositions"});
        for (auto& it : page) it["status"] = "closed";
        return ok({{"results", std::move(page)}, {"skip", skip}, {"limit", limit}, {"hasMore", skip + limit < n},
                   {"totalPages", (n + limit - 1) / limit}, {"totalResults", n}});
    }
    if (id == "wfm.list-agents") {
        const long long limit = c.number("limit", c.synthetic_items), offset = c.number("offset", 0);
        return ok(slice(c, offset, limit, {}));
    }
    if (id == "wfm.list-queues") return ok(items(c, 5, {}));
    if (id == "quality.auto-qa") {
        // offset and limit in the body (defaults 0 and 100), as the page documents.
        const long long limit = std::clamp(c.number("limit", 100, true), 1LL, 1000LL);
        const long long offset = std::max(0LL, c.number("offset", 0, true)), n = c.synthetic_items;
        return ok({{"results", slice(c, offset, limit, {"conversationId", "koreEvalutionScore", "Queues", "Agents"})},
                   {"totalResults", n}, {"totalPages", (n + limit - 1) / limit}, {"hasMore", offset + limit < n}});
    }
    if (id == "wfm.get-agent-activity")
        return ok({{"accountId", c.account},
                   {"AgentUpdates", items(c, 12, {"AgentId", "EventTime", "Activity", "ReasonCode"})}});
    if (id == "wfm.get-contact-volume") {
        const long long limit = c.number("limit", 10, true), skip = c.number("skip", 0, true);
        return ok({{"hasMore", skip + limit < c.synthetic_items},
                   {"CallVolumeUpdate", slice(c, skip, limit, {"_id", "intervalStartTimeStamp", "intervalEndTimeStamp", "orgId",
                                                               "queueId", "offeredContacts", "answeredContacts",
                                                               "completedContacts", "holdDuration"})},
                   {"totalCount", c.synthetic_items}});
    }
    if (id == "recordings.fetch" || id == "recordings.fetch-v1") {
        json body = {{"recording", items(c, 2, {"fileName", "fileUrl"})}};
        if (id == "recordings.fetch") body["status"] = "success";
        return ok(body);
    }
    if (id == "recordings.delete")
        return ok({{"message", "Recordings deleted successfully"}, {"sessionId", c.param("sessionId")}});
    if (id == "voicemail.fetch") {
        json body = {{"status", "success"}, {"voicemail recording", items(c, 1, {"fileName", "fileUrl"})},
                     {"transcriptions", json::array()}};
        if (c.param("transcription") == "true")
            body["transcriptions"].push_back({{"_id", "ms-mock-1"}, {"type", "incoming"}, {"sessionId", c.param("sessionId")},
                                              {"components", json::array({{{"cT", "text"}, {"data", {{"text", "Please call me back."}}}}})},
                                              {"author", {{"id", "u-mock-caller"}, {"type", "VOICEMAIL"}}}});
        return ok(body);
    }
    if (id == "hours.get") {
        json days = json::array();
        for (const char* d : {"MO", "TU", "WE", "TH", "FR"}) days.push_back({{"day", d}, {"start", "9:00 AM"}, {"end", "6:00 PM"}});
        json body = item_of_fields(c, 0);
        body["name"] = "US West Coast";
        body["lname"] = "us west coast";
        body["standardDays"] = {{"frequency", "WEEKLY"}, {"days", days}};
        body["specialDays"] = {{"frequency", "YEARLY"}, {"days", json::array()}};
        body["status"] = "ACTIVE";
        body["timezone"] = "America/Los_Angeles";
        body["id"] = "h-mock-" + c.param("queueId");
        return ok(body);
    }
    if (id == "data.export" || id == "data.export-v1") {
        auto all = items(c, 3, {});
        for (auto& it : all) it["status"] = "ACTIVE";
        return ok(all);
    }
    if (id == "data.import" || id == "data.import-v1") return ok({{"msg", "Data imported successfully"}});
    if (id == "sms.send") return ok({{"message", "Experience flow triggered to send the SMS"}});
    if (id == "transfer.transfer") {
        json body = {{"sessionId", c.body.value("botSessionId", "")}, {"status", "transferred"},
                     {"requestCompletedAt", 1705312800000LL}};
        if (c.body.contains("aId") && !c.body["aId"].is_null()) body["agentId"] = c.body["aId"];
        else body["queueId"] = c.body.value("queueId", "");
        return ok(body);
    }
    if (id == "conversations.get" || id == "conversations.get-by-session") {
        auto body = item_of_fields(c, 0);
        body["_id"] = c.param("conversationId", "c-mock-" + c.param("sessionId"));
        body["status"] = "closed";
        return ok(body);
    }
    // Anything else the catalog lists: its response fields with plausible values.
    if (!c.spec->response_list_key().empty()) {
        auto body = item_of_fields(c, 0);
        body[std::string(c.spec->response_list_key())] = json::array();
        return ok(body);
    }
    return ok(item_of_fields(c, 0));
}

}  // namespace ccai::mock
