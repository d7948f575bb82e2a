#pragma once
// The HTTP side: every request goes route -> auth -> rate limit -> faults -> validate -> handler -> log.
#include <memory>

#include <httplib.h>

#include "call.hpp"
#include "guards/faults.hpp"
#include "options.hpp"
#include "guards/rate_window.hpp"
#include "request_log.hpp"
#include "store.hpp"

namespace ccai::mock {

class MockServer {
public:
    explicit MockServer(MockOptions options);
    /// Binds the socket; returns the port, or -1.
    int bind();
    /// Serves until stop(); returns false when the server failed.
    bool run();
    void stop();

private:
    void handle(const httplib::Request& req, httplib::Response& res);
    Reply process(const httplib::Request& req, LogEntry& entry, bool& drop_now);

    MockOptions o_;
    httplib::Server svr_;
    RateLimiter limiter_;
    Faults faults_;
    RequestLog log_;
    Store store_;
    HandlerMap handlers_;
};

}  // namespace ccai::mock
