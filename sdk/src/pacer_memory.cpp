// Placeholder pacer until the real one lands: an in-process rolling-window log. (Replaced by the pacer work.)
#include <deque>
#include <mutex>

#include <fmt/format.h>

#include "ccai/pacer.hpp"

namespace ccai {

Result<std::vector<RateWindow>> parse_rate_limits(std::string_view spec) {
    std::vector<RateWindow> out;
    std::string_view rest = spec;
    while (!rest.empty()) {
        auto item = rest.substr(0, rest.find(','));
        rest.remove_prefix(std::min(rest.size(), item.size() + 1));
        const auto slash = item.find('/');
        if (slash == std::string_view::npos) return invalid_input(fmt::format("rate limit '{}': expected N/WINDOW, e.g. 60/1m", item));
        RateWindow w;
        w.limit = std::atoi(std::string(item.substr(0, slash)).c_str());
        auto win = item.substr(slash + 1);
        const char unit = win.empty() ? 0 : win.back();
        const long long n = std::atoll(std::string(win.substr(0, win.size() - 1)).c_str());
        const long long mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
        if (w.limit <= 0 || n <= 0 || mult == 0) return invalid_input(fmt::format("rate limit '{}': expected N/WINDOW, e.g. 60/1m", item));
        w.window = std::chrono::seconds(n * mult);
        out.push_back(w);
    }
    if (out.empty()) return invalid_input("empty rate limit");
    return out;
}

namespace {
class MemoryPacer final : public Pacer {
public:
    MemoryPacer(PacerOptions o, std::shared_ptr<Clock> c) : o_(std::move(o)), clock_(std::move(c)) {}
    Result<Duration> acquire() override {
        TimePoint slot;
        const auto start = clock_->now();
        {
            std::lock_guard lock(mu_);
            slot = std::max(start, penalty_);
            for (const auto& w : o_.windows) {
                const auto spacing = w.window / w.limit;
                if (!grants_.empty()) slot = std::max(slot, grants_.back() + spacing);
            }
            grants_.push_back(slot);
            while (grants_.size() > 4096) grants_.pop_front();
        }
        clock_->sleep_until(slot);
        return slot - start;
    }
    void penalize(Duration pause) override {
        std::lock_guard lock(mu_);
        penalty_ = std::max(penalty_, clock_->now() + pause);
    }
    Duration time_until_free() override { return Duration(0); }
    Result<nlohmann::json> status() override { return nlohmann::json{{"backend", "memory"}}; }
    Result<Unit> reset() override {
        std::lock_guard lock(mu_);
        grants_.clear();
        return Unit{};
    }

private:
    PacerOptions o_;
    std::shared_ptr<Clock> clock_;
    std::mutex mu_;
    std::deque<TimePoint> grants_;
    TimePoint penalty_{};
};
}  // namespace

Result<std::unique_ptr<Pacer>> make_pacer(const PacerOptions& options, std::shared_ptr<Clock> clock) {
    return std::unique_ptr<Pacer>(std::make_unique<MemoryPacer>(options, std::move(clock)));
}

}  // namespace ccai
