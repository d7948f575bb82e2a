#pragma once
// Which requests the cache may answer, which family a write drops, and the key an answer is stored under.
#include <string>
#include <string_view>

#include "ccai/http.hpp"

namespace ccai::detail {

struct CacheClass {
    enum Kind { other, read, write } kind = other;  ///< other: a read the catalog does not call read-only
    /// The catalog group of the operation; "" for a write the catalog does not know (it drops every family).
    std::string family;
};

/// Matches the request's method and path (after `base_url`) against the catalog (ccai/route.hpp): a read
/// when every operation that fits is read-only, a write when none is. Uploads and streamed bodies are
/// writes whatever the catalog says: they are never answered from the cache.
CacheClass classify_request(const HttpRequest& request, std::string_view base_url);

/// Hex SHA-256 of the account `scope`, method, URL, the headers that can change the answer (all but the
/// credentials and transport details: auth, authorization, cookie, user-agent, accept-encoding, ...) and
/// the body. Never the JWT: the key is the same for every token of the account.
std::string cache_key(const HttpRequest& request, std::string_view scope);

}  // namespace ccai::detail
