#pragma once
// For tests/integration/pacer/: a real redis-server, and many real ccai-cli processes run the
// way a shell user runs them (xargs -P N) against a ccai-mock enforcing a scaled rolling window.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "ccai/pacer.hpp"
#include "support/cli_support.hpp"

namespace ccai::test::pacer_it {

using ccai::mock::testing::MockProcess;

/// A throwaway redis-server on a free loopback port; ready when a redis pacer can connect.
class RedisServer {
public:
    RedisServer() : port_(free_port()), proc_({"redis-server", "--port", std::to_string(port_), "--save", "",
                                               "--appendonly", "no", "--bind", "127.0.0.1"}, {}, false) {
        for (int i = 0; i < 200; ++i) {
            PacerOptions o;
            o.backend = url();
            o.scope = "ping";
            if (make_pacer(o, system_clock()).ok()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        FAIL("redis-server did not answer on port " << port_);
    }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    Background& process() { return proc_; }

private:
    int port_;
    Background proc_;
};

inline int count_status(const std::vector<nlohmann::json>& log, int status) {
    int n = 0;
    for (const auto& l : log) n += l.value("status", 0) == status ? 1 : 0;
    return n;
}

/// One shell pipeline: `seq CALLS | xargs -P N ccai-cli FLAGS skill-groups list`; true when every call exited 0.
inline std::string xargs_command(int calls, int n, const std::vector<std::string>& flags) {
    std::string cmd = "seq " + std::to_string(calls) + " | xargs -P " + std::to_string(n) + " -I{} " + ccai::test::cli_path();
    for (const auto& f : flags) cmd += " '" + f + "'";
    return cmd + " skill-groups list >/dev/null";
}

/// Environment for the CLI against `mock`, with retries allowed (a rejection would still be counted).
inline std::map<std::string, std::string> env_for(const MockProcess& mock) {
    auto env = cli_env(mock);
    env["CCAI_MAX_ATTEMPTS"] = "6";
    env["CCAI_PACER"] = "file";  // cli_env's default is memory: one budget per process
    return env;
}

inline double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace ccai::test::pacer_it
