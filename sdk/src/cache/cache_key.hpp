#pragma once
// Which requests the cache may answer, which family a write drops, and the key an answer is stored under.
#include <string>
#include <string_view>
#include <vector>

#include "ccai/http.hpp"

namespace ccai::detail {

struct CacheClass {
    enum Kind { other, read, write } kind = other;  ///< other: a read the catalog does not call read-only
    /// The resource the operation acts on (resource_family()); "" for a path the catalog does not know.
    std::string family;
    /// For a write: the families it drops (resource_family() of its own path and of every read in its
    /// catalog group); empty for a write the catalog does not know, which drops every family.
    std::vector<std::string> drops;
    /// The headers the catalog declares for the operation (lower case): they may change the answer.
    std::vector<std::string> headers;
};

/// The family of a catalog path pattern: its first literal segment after the owning {placeholder} (bot,
/// account, organization), version segments (v2) skipped, lower-cased. Reads and writes of one resource
/// share it whichever catalog group they are filed under.
std::string resource_family(std::string_view path_pattern);

/// Matches the request's method and path (after `base_url`) against the catalog (ccai/route.hpp): a read
/// when every operation that fits is read-only, a write when none is. Uploads and streamed bodies are
/// writes whatever the catalog says: they are never answered from the cache.
CacheClass classify_request(const HttpRequest& request, std::string_view base_url);

/// Hex SHA-256 of the `scope` (whose answers: host, account, bot, app), method, URL, body, and only the
/// headers that change the answer: accept, content-type, accountid, iid, `catalog_headers`, and the ones
/// added by hand (HttpRequest::key_headers). Never the JWT: the key is the same for every token of the app.
std::string cache_key(const HttpRequest& request, std::string_view scope, const std::vector<std::string>& catalog_headers = {});

}  // namespace ccai::detail
