// --verbose: the HTTP exchange on stderr. The auth header is never printed, and anything JWT-shaped in
// URLs, headers or bodies is masked, because logs end up in tickets and CI output.
#include <chrono>

#include <fmt/format.h>

#include "ccai/jwt.hpp"
#include "policies.hpp"

namespace ccai::detail {
namespace {

class LogPolicy final : public Policy {
public:
    explicit LogPolicy(std::function<void(const std::string&)> log) : log_(std::move(log)) {}
    Result<HttpResponse> send(HttpRequest& req, const Next& next) override {
        log_(redact_jwts(fmt::format("> {} {}", req.method, req.url)));
        for (const auto& [k, v] : req.headers)
            log_(fmt::format("> {}: {}", k, k == "auth" ? "***" : redact_jwts(v)));
        if (!req.body.empty()) log_(redact_jwts("> " + req.body.substr(0, 2000)));
        const auto start = std::chrono::steady_clock::now();
        auto out = next(req);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (out) {
            log_(fmt::format("< {} ({} ms, {} bytes)", out->status, ms.count(), out->body.size()));
            for (const auto& [k, v] : out->headers) log_(redact_jwts(fmt::format("< {}: {}", k, v)));
        } else {
            log_(redact_jwts(fmt::format("< error after {} ms: {}", ms.count(), out.error().message)));
        }
        return out;
    }

private:
    std::function<void(const std::string&)> log_;
};

}  // namespace

std::unique_ptr<Policy> make_log_policy(std::function<void(const std::string&)> log) {
    return std::make_unique<LogPolicy>(std::move(log));
}

}  // namespace ccai::detail
