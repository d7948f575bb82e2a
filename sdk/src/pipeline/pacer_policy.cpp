// Every request on the wire, retries included, takes a pacer slot first and reports when it finished,
// so the pacer measures the windows from completion times (see Pacer::complete).
#include <algorithm>
#include <string>
#include <utility>

#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

class PacerPolicy final : public Policy {
public:
    PacerPolicy(std::shared_ptr<Pacer> p, Duration max_wait, std::string claim)
        : pacer_(std::move(p)), max_wait_(max_wait), claim_(std::move(claim)) {}
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
        if (!claim_.empty()) req.headers.emplace_back(kPacedHeader, claim_);
        auto response = next(req);
        if (!claim_.empty()) std::erase_if(req.headers, [](const auto& h) { return h.first == kPacedHeader; });
        pacer_->complete(response.ok());  // an error here is the transport's: no answer arrived
        return response;
    }

private:
    std::shared_ptr<Pacer> pacer_;
    Duration max_wait_;
    std::string claim_;  ///< sent as kPacedHeader ("" = not sent)
};

}  // namespace

std::unique_ptr<Policy> make_pacer_policy(std::shared_ptr<Pacer> pacer, Duration max_wait, std::string claim) {
    return std::make_unique<PacerPolicy>(std::move(pacer), max_wait, std::move(claim));
}

}  // namespace ccai::detail

namespace ccai {

std::string paced_claim(std::string_view backend, std::string_view dir, std::string_view scope) {
    std::string claim(backend);
    claim += '|';
    if (backend == "file") claim += dir;
    claim += '|';
    claim += scope;
    return header_value_problem(claim).empty() ? claim : std::string();
}

}  // namespace ccai
