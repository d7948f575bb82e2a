#pragma once
// The proxy's HTTP side (cpp-httplib): who may ask, how many wait, how bodies arrive and answers leave.
#include <cstdio>
#include <functional>
#include <string>

#include "ccai/client.hpp"
#include "proxy/listen_address.hpp"
#include "proxy/proxy_metrics.hpp"
#include "proxy/proxy_request.hpp"

namespace ccai::cli::proxy {

/// Request bodies up to this size are held whole, so a rejected call can be sent again; larger ones
/// stream through (sent once: a rejection goes back to the client).
inline constexpr std::size_t kMaxBufferedBody = std::size_t{8} << 20;
/// The largest upload the proxy passes on (413 beyond).
inline constexpr std::size_t kMaxUploadBody = std::size_t{1} << 30;
/// What a streamed upload holds in memory between the client and the service.
inline constexpr std::size_t kStreamBuffer = std::size_t{1} << 20;

struct ServerOptions {
    ListenAddress listen;
    std::string tls_cert, tls_key;  ///< both or neither
    std::string token;              ///< "" = no token asked (loopback only)
    int max_pending = 64;           ///< requests waiting for the pacer or upstream at once; more get 503
    bool verbose = false;           ///< one line per request on `err`
    /// Counts every answer and serves them at GET /metrics (null: no /metrics; the path is then refused as
    /// any path outside the API).
    ProxyMetrics* metrics = nullptr;
    /// Called with the URL the proxy serves at ("http://127.0.0.1:8787") once the socket is bound.
    std::function<void(const std::string&)> on_listening;
};

/// The path the proxy answers itself with its metrics (Prometheus text), never forwarded.
inline constexpr std::string_view kMetricsPath = "/metrics";

/// Serves until `stop.requested` (SIGINT, SIGTERM): then takes no new connections, answers the requests
/// still waiting for the pacer with 503 (their slots go back), lets those already sent finish, and returns.
/// `paced` forwards through the shared pacer; `unpaced` forwards requests whose client took its slot
/// already. Prints "listening on http://HOST:PORT" on `out` once the socket is bound.
Result<Unit> serve(const ServerOptions& options, const Upstream& upstream, Client& paced, Client& unpaced,
                   Interruption& stop, std::FILE* out, std::FILE* err);

}  // namespace ccai::cli::proxy
