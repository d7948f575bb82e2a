// In-process backend: one state per scope shared by every Pacer of the process, under a mutex.
#include <map>
#include <mutex>

#include "pacer/internal.hpp"

namespace ccai::detail {
namespace {

struct SharedState {
    std::mutex mu;
    PacerState state;
};

// Two clients of one process on the same account share one budget, like processes do through a file.
std::shared_ptr<SharedState> state_for(const std::string& scope) {
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<SharedState>> states;
    std::lock_guard lock(mu);
    auto& s = states[scope];
    if (!s) s = std::make_shared<SharedState>();
    return s;
}

class MemoryPacer final : public StatePacer {
public:
    MemoryPacer(PacerOptions o, std::shared_ptr<Clock> c) : StatePacer(std::move(o), std::move(c)), shared_(state_for(o_.scope)) {}

protected:
    Result<Unit> transact(const Txn& fn) override {
        std::lock_guard lock(shared_->mu);
        fn(shared_->state, clock_->now());
        return Unit{};
    }
    std::string backend_name() const override { return "memory"; }
    void describe(nlohmann::json&) const override {}

private:
    std::shared_ptr<SharedState> shared_;
};

}  // namespace

std::unique_ptr<Pacer> make_memory_pacer(const PacerOptions& o, std::shared_ptr<Clock> c) {
    return std::make_unique<MemoryPacer>(o, std::move(c));
}

}  // namespace ccai::detail
