// Where the cache lives and how it is emptied: the public side of the cache's files (response_cache.hpp).
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "cache/cache_store.hpp"
#include "ccai/response_cache.hpp"
#include "pacer/internal.hpp"

namespace ccai {

std::string default_cache_dir(const std::function<std::optional<std::string>(const char*)>& getenv) {
    const auto get = [&](const char* name) -> std::string {
        if (getenv) return getenv(name).value_or("");
        const char* v = std::getenv(name);
        return v ? v : "";
    };
    if (const auto xdg = get("XDG_CACHE_HOME"); xdg.starts_with('/')) return xdg + "/ccai";
    if (const auto home = get("HOME"); home.starts_with('/')) return home + "/.cache/ccai";
    return "";
}

Result<Unit> prepare_cache_dir(const std::string& dir) {
    if (dir.empty()) return config_error("cache: no cache directory (set XDG_CACHE_HOME or HOME)");
    // Created 0700 where missing, as the pacer's state directory is; an existing one is checked, never chmod'ed.
    if (auto made = detail::make_state_dirs(dir); !made)
        return config_error(fmt::format("cache: cannot create {}", dir));
    const auto opened = detail::open_private_dir(dir);
    if (opened.fd < 0) return config_error(opened.problem.empty() ? fmt::format("cache: {} disappeared", dir) : opened.problem);
    ::close(opened.fd);
    return Unit{};
}

Result<std::size_t> clear_cache(const std::string& dir) {
    if (dir.empty()) return config_error("cache: no cache directory (set XDG_CACHE_HOME or HOME)");
    const auto opened = detail::open_private_dir(dir);
    if (opened.fd < 0) {
        if (opened.problem.empty()) return std::size_t{0};
        return config_error(opened.problem);
    }
    std::vector<std::string> families;
    if (DIR* d = ::fdopendir(opened.fd)) {  // takes the descriptor
        while (const dirent* e = ::readdir(d))
            if (detail::valid_family(e->d_name)) families.emplace_back(e->d_name);
        ::closedir(d);
    } else {
        ::close(opened.fd);
    }
    std::size_t removed = 0;
    for (const auto& family : families) {
        const auto root = detail::open_private_dir(dir);
        if (root.fd < 0) break;
        const auto fam = detail::open_private_dir(family, root.fd);
        if (fam.fd >= 0) {
            removed += detail::empty_cache_family(fam.fd, true);
            ::close(fam.fd);
            ::unlinkat(root.fd, family.c_str(), AT_REMOVEDIR);
        }
        ::close(root.fd);
    }
    return removed;
}

}  // namespace ccai
