// Every request on the wire, retries included, takes a pacer slot first and reports when it finished,
// so the pacer measures the windows from completion times (see Pacer::complete).
#include <algorithm>
#include <utility>

#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

class PacerPolicy final : public Policy {
public:
    PacerPolicy(std::shared_ptr<Pacer> p, Duration max_wait) : pacer_(std::move(p)), max_wait_(max_wait) {}
    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        const auto spent = stats.pacer_wait + stats.retry_wait;
        const auto budget = max_wait_ == Duration::max() ? max_wait_ : std::max(Duration(0), max_wait_ - spent);
        auto waited = pacer_->acquire_within(budget, stats.priority.value_or(Priority::interactive));
        if (!waited) return waited.error();
        stats.pacer_wait += *waited;
        if (auto hook = std::exchange(stats.before_first_send, nullptr))
            if (auto ok = hook(); !ok) {
                pacer_->complete(false);  // the slot goes unused: it still counts until it ages out
                return ok.error();
            }
        auto response = next(req);
        pacer_->complete(response.ok());  // an error here is the transport's: no answer arrived
        return response;
    }

private:
    std::shared_ptr<Pacer> pacer_;
    Duration max_wait_;
};

}  // namespace

std::unique_ptr<Policy> make_pacer_policy(std::shared_ptr<Pacer> pacer, Duration max_wait) {
    return std::make_unique<PacerPolicy>(std::move(pacer), max_wait);
}

}  // namespace ccai::detail
