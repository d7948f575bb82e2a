#pragma once
/// @file response_cache.hpp
/// @brief The response cache: answers of read-only operations kept for a while in private files, shared by
/// every process of the user, so that repeating a question costs no call from the account's budget.
///
/// A step of the client's pipeline (ClientOptions::cache, or the `cache` setting). Only requests the catalog
/// marks read-only (ccai/route.hpp matches method and path) are looked up; only their 200 answers up to
/// max_entry_bytes are kept. A successful write drops the entries of its resource (the path's first name
/// after the bot/account id) and of its catalog group; every entry when the path is none of the catalog's.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "ccai/clock.hpp"
#include "ccai/error.hpp"

namespace ccai {

/// @brief The largest answer kept.
inline constexpr std::size_t kMaxCacheEntryBytes = std::size_t{8} << 20;

/// @brief What the cache did with one call (CallStats::cache).
enum class CacheOutcome {
    not_cacheable,  ///< a write, a path outside the catalog, an upload, or the cache is off
    miss,           ///< looked up and not found: the request went out
    hit,            ///< answered from the cache: nothing was sent, no slot spent
};

struct ResponseCacheOptions {
    /// How long an answer is used; 0: reads bypass the cache (writes still drop their family's entries).
    Duration ttl{0};
    /// The directory ("" = default_cache_dir()). It must be yours, mode 700, and not a symbolic link.
    std::string dir;
    std::size_t max_entry_bytes = kMaxCacheEntryBytes;
    /// How long a call waits for another process that is already fetching the same answer before it sends
    /// its own request.
    Duration lock_wait = std::chrono::seconds(60);
    /// Wall time, which entries are stamped with (they outlive processes and reboots); default the system's.
    std::function<std::chrono::system_clock::time_point()> wall_clock;
};

/// @brief $XDG_CACHE_HOME/ccai, else ~/.cache/ccai; "" when neither variable holds an absolute path.
/// `getenv` reads them (default ::getenv).
std::string default_cache_dir(const std::function<std::optional<std::string>(const char*)>& getenv = {});

/// @brief Creates `dir` (missing components mode 700) and checks it: a directory, not a symbolic link,
/// yours, and neither group nor others may use it; a config error naming the fix when it is unsafe. ""
/// when it is ready; a warning (with the path and the system's reason) when there is none or it cannot be
/// created (HOME unset, a read-only or root-owned parent): then the cache is not used.
Result<std::string> prepare_cache_dir(const std::string& dir);

/// @brief Removes every entry under `dir` (checked as prepare_cache_dir does, but never created); returns
/// how many answers were removed. A missing directory (or "") holds none. Each family's drop marker is
/// set to now, so an answer fetched before the clear and stored after it is not used.
Result<std::size_t> clear_cache(const std::string& dir);

}  // namespace ccai
