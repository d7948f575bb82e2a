// Response bodies: error_from_response (any status) and parse_body, plus the rate-limit detector.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ccai/batch.hpp"
#include "ccai/client.hpp"
#include "ccai/error.hpp"
#include "ccai/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto e = ccai::error_from_response(status, body);
    // What is printed (the error as JSON) never carries a JWT, even when the service echoes one.
    if (ccai::looks_like_jwt(ccai::error_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)))
        __builtin_trap();
    (void)ccai::is_rate_limit_response(status, body);
    const auto parsed = ccai::parse_body(body);
    if (parsed) (void)parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
