#pragma once
/// @file proxy_stats.hpp
/// @brief The traffic of a `ccai-cli proxy`, written beside its pacer state so `ccai-cli pacer status` on the
/// same scope can show it: `<pacer dir>/<scope hash>.proxy-stats`, a small JSON object.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"
#include "ccai/pacer.hpp"

namespace ccai {

/// @brief The largest stats file read; a larger one is not the proxy's.
inline constexpr std::size_t kMaxProxyStatsBytes = 64 * 1024;

/// @brief Replaces the stats file of the scope `options` names (any backend: the file lies in the file
/// pacer's state directory, made if missing and checked like it) with `stats` and the writer's pid and
/// process start time: written to a private temporary file (mode 600) in the same directory, then renamed
/// over it, so a reader never sees half of one. Errors are config errors.
Result<Unit> write_proxy_stats(const PacerOptions& options, const nlohmann::json& stats);

/// @brief What read_proxy_stats() found.
struct ProxyStatsFile {
    /// The stats as written, with "stale": true when the process that wrote them is gone (its pid is free
    /// or names another process). Unset when there is no usable file.
    std::optional<nlohmann::json> stats;
    /// Why a file that is there was ignored ("" when none was): a symlink, not a regular file, another
    /// user's, too large, not the proxy's JSON.
    std::string warning;
};

/// @brief Reads the stats file of the scope `options` names without following a symlink, blocking on a
/// FIFO or reading more than kMaxProxyStatsBytes; never fails.
ProxyStatsFile read_proxy_stats(const PacerOptions& options);

}  // namespace ccai
