#pragma once
// Fault dice: latency, 503s and dropped connections, from one seeded generator.
#include <cstdint>
#include <mutex>
#include <random>

#include <httplib.h>

#include "options.hpp"

namespace ccai::mock {

struct FaultPlan {
    int latency_ms = 0;
    bool fail = false;        ///< answer 503 without running the handler
    bool drop = false;        ///< drop the connection without running the handler
    bool drop_after = false;  ///< run the handler, then drop the connection
};

class Faults {
public:
    explicit Faults(const MockOptions& o);
    /// One throw of every die, always in the same order, so a seed gives the same sequence.
    FaultPlan draw();

private:
    const MockOptions& o_;
    std::mutex mu_;
    std::mt19937_64 rng_;
};

/// Closes the connection a request arrived on, so the client sees a transport error and no status.
/// Returns false when the socket could not be found.
bool drop_connection(const httplib::Request& req);

}  // namespace ccai::mock
