#pragma once
// Several callers on threads in virtual time, for tests of who is served first. Exactly one caller runs at a
// time; when it sleeps, the sleeper due first runs next, and no real time passes. Callers due at the same
// moment run the newest first (the highest index): were the pacer to serve whoever reaches the state
// first, the latest arrival would win every tie.
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "ccai/clock.hpp"

namespace ccai::test {

class SimClock final : public Clock {
public:
    TimePoint now() override {
        std::lock_guard l(mu_);
        return now_;
    }

    void sleep_for(Duration d) override {
        std::unique_lock l(mu_);
        const int me = self();
        due_.push_back({now_ + std::max(Duration(0), d), me});
        schedule(l);
        cv_.wait(l, [&] { return running_ == me; });
    }

    /// Runs every caller (caller i on its own thread, starting at the current time) until all return.
    void run(const std::vector<std::function<void()>>& callers) {
        std::vector<std::thread> threads;
        {
            std::unique_lock l(mu_);
            for (int i = 0; i < static_cast<int>(callers.size()); ++i) due_.push_back({now_, i});
        }
        for (int i = 0; i < static_cast<int>(callers.size()); ++i) {
            threads.emplace_back([this, i, fn = callers[static_cast<size_t>(i)]] {
                {
                    std::unique_lock l(mu_);
                    ids_[std::this_thread::get_id()] = i;
                    ++started_;
                    cv_.notify_all();
                    cv_.wait(l, [&] { return running_ == i; });
                }
                fn();
                std::unique_lock l(mu_);
                schedule(l);
            });
        }
        {
            std::unique_lock l(mu_);
            cv_.wait(l, [&] { return started_ == static_cast<int>(callers.size()); });
            schedule(l);
        }
        for (auto& t : threads) t.join();
    }

private:
    struct Due {
        TimePoint at;
        int who;
    };
    int self() {
        const auto it = ids_.find(std::this_thread::get_id());
        return it == ids_.end() ? -1 : it->second;  // only callers sleep (run() gives each its thread)
    }
    // Hands the turn to the caller due first (ties: the highest index); none left: nobody runs.
    void schedule(std::unique_lock<std::mutex>&) {
        running_ = -1;
        if (due_.empty()) return;
        auto next = due_.begin();
        for (auto it = due_.begin(); it != due_.end(); ++it)
            if (it->at < next->at || (it->at == next->at && it->who > next->who)) next = it;
        now_ = std::max(now_, next->at);
        running_ = next->who;
        due_.erase(next);
        cv_.notify_all();
    }

    std::mutex mu_;
    std::condition_variable cv_;
    TimePoint now_{std::chrono::hours(1000)};
    std::vector<Due> due_;
    std::map<std::thread::id, int> ids_;
    int running_ = -1;
    int started_ = 0;
};

}  // namespace ccai::test
