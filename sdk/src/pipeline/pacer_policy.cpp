// Every request on the wire, retries included, takes a pacer slot first and reports when it finished,
// so the pacer measures the windows from completion times (see Pacer::complete).
#include "pipeline/policies.hpp"

#include <utility>

namespace ccai::detail {
namespace {

class PacerPolicy final : public Policy {
public:
    explicit PacerPolicy(std::shared_ptr<Pacer> p) : pacer_(std::move(p)) {}
    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        auto waited = pacer_->acquire();
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
};

}  // namespace

std::unique_ptr<Policy> make_pacer_policy(std::shared_ptr<Pacer> pacer) {
    return std::make_unique<PacerPolicy>(std::move(pacer));
}

}  // namespace ccai::detail
