// Every request on the wire, retries included, takes a pacer slot first and reports when it finished,
// so the pacer measures the windows from completion times (see Pacer::complete).
#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include "ccai/redact.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

class PacerPolicy final : public Policy {
public:
    PacerPolicy(std::shared_ptr<Pacer> p, Duration max_wait, std::function<std::string()> claim)
        : pacer_(std::move(p)), max_wait_(max_wait), claim_(std::move(claim)) {}
    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        const auto spent = stats.pacer_wait + stats.retry_wait;
        const auto budget = max_wait_ == Duration::max() ? max_wait_ : std::max(Duration(0), max_wait_ - spent);
        auto waited = pacer_->acquire_within(budget, stats.priority.value_or(Priority::interactive));
        if (!waited) return waited.error();
        stats.pacer_wait += *waited;
        if (auto hook = std::exchange(stats.before_first_send, nullptr))
            if (auto ok = hook(); !ok) {
                pacer_->cancel();  // nothing was sent: the slot goes back to the account's other callers
                return ok.error();
            }
        // The answer arrived meanwhile (the response cache): nothing is sent, and the slot goes back.
        if (stats.after_grant)
            if (auto answer = stats.after_grant()) {
                pacer_->cancel();
                return std::move(*answer);
            }
        // Read for each request: a proxy started (or restarted, with a new secret) after this client.
        std::string claim;
        if (claim_) claim = claim_();
        if (!claim.empty()) req.headers.emplace_back(kPacedHeader, claim);
        auto response = next(req);
        secure_clear(claim);
        if (claim_) std::erase_if(req.headers, [](const auto& h) { return h.first == kPacedHeader; });
        pacer_->complete(response.ok());  // an error here is the transport's: no answer arrived
        return response;
    }

private:
    std::shared_ptr<Pacer> pacer_;
    Duration max_wait_;
    std::function<std::string()> claim_;  ///< the proxy claim to send as kPacedHeader ("" = none)
};

}  // namespace

std::unique_ptr<Policy> make_pacer_policy(std::shared_ptr<Pacer> pacer, Duration max_wait,
                                          std::function<std::string()> claim) {
    return std::make_unique<PacerPolicy>(std::move(pacer), max_wait, std::move(claim));
}

}  // namespace ccai::detail
