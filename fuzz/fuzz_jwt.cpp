// JWT verification (the mock verifies what clients send) and base64url decoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ccai/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto d = ccai::base64url_decode(text)) {
        if (ccai::base64url_encode(*d).size() > text.size()) __builtin_trap();
    }
    (void)ccai::verify_jwt(text, "mock-secret");
    (void)ccai::looks_like_jwt(text);
    const auto redacted = ccai::redact_jwts(std::string(text));
    if (ccai::looks_like_jwt(redacted)) __builtin_trap();
    return 0;
}
