#include "request_log.hpp"

#include <nlohmann/json.hpp>

namespace ccai::mock {

RequestLog::~RequestLog() {
    if (f_) std::fclose(f_);
}

bool RequestLog::open(const std::string& path) {
    f_ = std::fopen(path.c_str(), "a");
    return f_ != nullptr;
}

void RequestLog::write(const LogEntry& e) {
    if (!f_) return;
    nlohmann::json j{{"method", e.method}, {"path", e.path},     {"query", e.query}, {"status", e.status},
                     {"account", e.account}, {"ms", e.ms}, {"op", e.op},
                     {"at", e.at}};
    if (e.dropped) j["dropped"] = true;
    const auto line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mu_);
    std::fputs(line.c_str(), f_);
    std::fflush(f_);
}

}  // namespace ccai::mock
