#pragma once
// The pipeline's steps. Each is small and sees only the request and the rest of the chain.
#include <memory>

#include "ccai/client.hpp"

namespace ccai::detail {

std::unique_ptr<Policy> make_retry_policy(RetryOptions options, std::shared_ptr<Pacer> pacer,
                                          std::shared_ptr<Clock> clock, std::function<void(const std::string&)> log,
                                          std::function<void(const RetryNotice&)> on_retry = {},
                                          Interruption* interruption = nullptr);
std::unique_ptr<Policy> make_auth_policy(const Config& config);
/// `max_wait`: the call's whole wait budget; what the call has already waited (pacer and retries) is
/// taken from it, and a slot beyond the rest fails the call at once (Pacer::acquire_within). `claim`, when
/// set, is asked before each request for the proxy claim (proxy_claim()) it carries as kPacedHeader, if any.
std::unique_ptr<Policy> make_pacer_policy(std::shared_ptr<Pacer> pacer, Duration max_wait = Duration::max(),
                                          std::function<std::string()> claim = {});
/// The response cache (cache/cache_policy.cpp): first in the chain. `base_url`: the host's, which request URLs
/// start with; `scope`: whose answers they are (host, account id, bot id, app); `max_wait`: the call's wait
/// budget, which a wait for another process's identical request counts in.
std::unique_ptr<Policy> make_cache_policy(ResponseCacheOptions options, std::string base_url, std::string scope,
                                          std::shared_ptr<Clock> clock, std::function<void(const std::string&)> log,
                                          Interruption* interruption, Duration max_wait = Duration::max());
std::unique_ptr<Policy> make_log_policy(std::function<void(const std::string&)> log);

/// libcurl transport.
std::shared_ptr<Transport> make_curl_transport(const TransportOptions& options);

}  // namespace ccai::detail
