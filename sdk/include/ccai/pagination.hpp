#pragma once
/// @file pagination.hpp
/// @brief Following a list operation's pagination to the end, one page in memory at a time.
///
/// Each family pages its own way (the catalog's `pagination.style`): skip/limit, page, offset/limit (records,
/// or pages for the v2 call/interaction details), and page or skip/limit in the request body. Paging values
/// the catalog documents go where it says (query or body); undocumented ones (e.g. skill-groups.list) are
/// added to the query string. The end is the first of: hasMore false, an empty page, fewer items than the
/// page size, totalPages reached. A server that ignores paging (the same page twice) is an error, not a loop.

#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ccai/call_args.hpp"
#include "ccai/client.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai {

/// @brief The value at a dotted path ("data.items", "owner.name") in nested objects, or nullptr. A key that
/// itself holds dots (or spaces) matches whole before the path is split.
const nlohmann::json* json_at_path(const nlohmann::json& value, std::string_view path);

/// @brief The list items of a response (`response_list_key`, a top-level array), or nullptr when not a list.
const nlohmann::json* list_items(const EndpointSpec* spec, const nlohmann::json& response);

/// @brief Called with each page's whole response and its items; return false to stop early.
using PageVisitor = std::function<bool(const nlohmann::json& response, const nlohmann::json& items)>;
/// @brief Called with each item; return false to stop early.
using ItemVisitor = std::function<bool(const nlohmann::json& item)>;

/// @brief Totals of a walk.
struct PagingStats {
    long long pages = 0;
    long long items = 0;
};

/// @brief Fetches page after page (starting from any paging value in `args`) until the end or until
/// `visit` returns false. Fails for operations without pagination, a response with no list, or a repeated
/// page. Items already visited stay visited when a later page fails.
Result<PagingStats> for_each_page(Client& client, const EndpointSpec& spec, CallArgs args, const PageVisitor& visit);

/// @brief for_each_page, item by item; stops after `max_items` items when it is positive.
Result<PagingStats> for_each_item(Client& client, const EndpointSpec& spec, CallArgs args, const ItemVisitor& visit,
                                  long long max_items = 0);

}  // namespace ccai
