// Where the cache lives and how it is emptied: the public side of the cache's files (response_cache.hpp).
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "cache/cache_store.hpp"
#include "ccai/response_cache.hpp"
#include "pacer/internal.hpp"
#include "util/xdg_dir.hpp"

namespace ccai {

std::string default_cache_dir(const std::function<std::optional<std::string>(const char*)>& getenv) {
    const auto base = detail::xdg_dir(getenv, "XDG_CACHE_HOME", ".cache");
    return base.empty() ? "" : base + "/ccai";
}

Result<std::string> prepare_cache_dir(const std::string& dir) {
    // Nowhere to keep answers is no reason to refuse the call: it runs uncached, and the caller warns.
    if (dir.empty()) return std::string("cache: no cache directory (HOME and XDG_CACHE_HOME unset): the call runs uncached");
    // Created 0700 where missing, as the pacer's state directory is; an existing one is checked, never chmod'ed.
    if (auto made = detail::make_state_dirs(dir); !made) {
        auto why = made.error().message;  // "pacer: cannot create PATH: ERRNO TEXT"
        if (const auto colon = why.find(": "); colon != std::string::npos) why = why.substr(colon + 2);
        return fmt::format("cache: {} (cache directory {}): the call runs uncached", why, dir);
    }
    const auto opened = detail::open_private_dir(dir);
    if (opened.fd < 0) {
        // Unsafe (a symbolic link, another owner, shared): refused, since answers could be read or planted.
        if (!opened.problem.empty()) return config_error(opened.problem);
        return fmt::format("cache: {} disappeared: the call runs uncached", dir);
    }
    ::close(opened.fd);
    return std::string();
}

Result<std::size_t> clear_cache(const std::string& dir) {
    if (dir.empty()) return std::size_t{0};  // no HOME: calls ran uncached, nothing was kept
    const auto opened = detail::open_private_dir(dir);
    if (opened.fd < 0) {
        if (opened.problem.empty()) return std::size_t{0};
        return config_error(opened.problem);
    }
    ::close(opened.fd);
    // The drop markers are rewritten with the time now, never removed: an answer whose request went out
    // before the clear, and which is stored after it, must still be refused. Lock files go too (a waiter
    // notices: CacheStore::lock).
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return detail::CacheStore(dir, kMaxCacheEntryBytes).drop("", now.count());
}

}  // namespace ccai
