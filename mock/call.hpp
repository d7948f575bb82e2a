#pragma once
// What a handler sees (one routed, authenticated, validated request) and what it answers.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"
#include "router.hpp"
#include "store.hpp"

namespace ccai::mock {

struct Call {
    const EndpointSpec* spec = nullptr;
    std::map<std::string, std::string, std::less<>> path;
    QueryParams query;
    json body;           ///< parsed JSON body; null when none was sent
    std::string upload;  ///< multipart upload content (contacts import)
    std::string account;
    Store* store = nullptr;
    long long synthetic_items = 37;  ///< size of the read-only families' paged lists (--list-items)

    /// A path value, else a query value, else `fallback`.
    [[nodiscard]] std::string param(std::string_view name, std::string fallback = "") const;
    /// An integer query value (or body value when `from_body`), else `fallback`.
    [[nodiscard]] long long number(std::string_view name, long long fallback, bool from_body = false) const;
    /// Collection name scoped by the bot (and optional extra key), e.g. "agents/st-1".
    [[nodiscard]] std::string coll(std::string_view kind, std::string_view extra = "") const;
};

struct Reply {
    int status = 200;
    json body = json::object();
    std::map<std::string, std::string> headers;
};

/// A 200 answer with `body`.
Reply ok(json body);
/// The service's error shape: {"errors":[{"msg": ..., "code": ...}]}.
Reply error_reply(int status, const std::string& msg);
Reply not_found(std::string_view what, std::string_view id);

using Handler = std::function<Reply(const Call&)>;
using HandlerMap = std::map<std::string, Handler, std::less<>>;

/// A page of `all` starting at `skip`: {results, skip, limit, page, hasMore, totalPages, totalResults}.
json page_of(const std::vector<json>& all, long long skip, long long limit);
/// The families that page by number: ?page (from 1) and ?limit (default 10), `view` applied to each
/// item; the answer has no "skip".
json numbered_page(const Call& c, const std::vector<json>& all, const std::function<json(const json&)>& view);

void add_agent_handlers(HandlerMap& m);     // agents_handlers.cpp
void add_config_handlers(HandlerMap& m);    // config_handlers.cpp: skill groups, skills, agent groups, queues and their priorities
void add_contact_handlers(HandlerMap& m);   // contact_handlers.cpp: contacts, contact lists
void add_campaign_handlers(HandlerMap& m);  // campaign_handlers.cpp: sms and voice campaigns
void add_contact_admin_handlers(HandlerMap& m);  // contact_admin_handlers.cpp: contacts listed, updated, deleted; list contents
void add_case_handlers(HandlerMap& m);      // case_handlers.cpp: cases and tasks
/// Deterministic plausible data for the read-only families (analytics, WFM, recordings, ...).
Reply synthesize(const Call& c);            // readonly_data.cpp

/// A field read leniently: its string, or "" when it is missing or of another type. The catalog lets an
/// explicit null through (it clears a field), and a variant is chosen before the body is validated.
std::string text_of(const json& j, const char* key);
/// ASCII lower case, for values the service compares without regard to case.
std::string lower(std::string s);

}  // namespace ccai::mock
