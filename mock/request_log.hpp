#pragma once
// --log FILE: one JSON line per request, flushed at once (tests count requests through it).
#include <cstdio>
#include <mutex>
#include <string>

namespace ccai::mock {

struct LogEntry {
    std::string method;
    std::string path;   ///< without the query string
    std::string query;  ///< raw query string ("" when none)
    int status = 0;     ///< 0 when the connection was dropped before an answer
    std::string account;
    long long ms = 0;
    double at = 0;         ///< arrival, Unix time in seconds (benchmarks line requests up with windows)
    std::string op;        ///< catalog id when routed
    bool dropped = false;  ///< the connection was dropped (before or after the handler)
};

class RequestLog {
public:
    RequestLog() = default;
    ~RequestLog();
    RequestLog(const RequestLog&) = delete;
    RequestLog& operator=(const RequestLog&) = delete;
    bool open(const std::string& path);
    void write(const LogEntry& e);

private:
    std::mutex mu_;
    std::FILE* f_ = nullptr;
};

}  // namespace ccai::mock
