// --verbose: the HTTP exchange on stderr. The auth header is never printed, and every line is redacted
// (redact.hpp: registered secrets in any spelling, anything JWT-shaped) because logs end up in tickets and CI
// output. The sink the client hands this policy redacts each line; a body is redacted here too, before it is
// cut, so a secret across the cut cannot leave its first half behind.
#include <chrono>

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

class LogPolicy final : public Policy {
public:
    explicit LogPolicy(std::function<void(const std::string&)> log) : log_(std::move(log)) {}
    Result<HttpResponse> send(HttpRequest& req, CallStats& /*stats*/, const Next& next) override {
        constexpr std::size_t kBodyShown = 2000;
        log_(fmt::format("> {} {}", req.method, req.url));
        for (const auto& [k, v] : req.headers) log_(fmt::format("> {}: {}", k, k == "auth" ? "***" : v));
        // Redacted with room past the cut for a secret's longest spelling, then cut.
        if (!req.body.empty()) log_("> " + redact(std::string_view(req.body).substr(0, kBodyShown + 64 * 1024)).substr(0, kBodyShown));
        const auto start = std::chrono::steady_clock::now();
        auto out = next(req);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (out) {
            log_(fmt::format("< {} ({} ms, {} bytes)", out->status, ms.count(), out->body.size()));
            for (const auto& [k, v] : out->headers) log_(fmt::format("< {}: {}", k, v));
        } else {
            log_(fmt::format("< error after {} ms: {}", ms.count(), out.error().message));
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
