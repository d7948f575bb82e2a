#pragma once
// Where the XDG base directory spec puts a kind of per-user file: $XDG_..._HOME, else $HOME/<fallback>.
// Only absolute values count (the spec says to ignore relative ones); "" when neither is set.
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace ccai::detail {

inline std::string xdg_dir(const std::function<std::optional<std::string>(const char*)>& getenv, const char* xdg_variable,
                           const std::string& home_fallback) {
    const auto get = [&](const char* name) -> std::string {
        if (getenv) return getenv(name).value_or("");
        const char* v = std::getenv(name);
        return v ? v : "";
    };
    if (const auto xdg = get(xdg_variable); xdg.starts_with('/')) return xdg;
    if (const auto home = get("HOME"); home.starts_with('/')) return home + "/" + home_fallback;
    return "";
}

}  // namespace ccai::detail
