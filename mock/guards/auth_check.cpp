#include "guards/auth_check.hpp"

#include <chrono>

#include "ccai/jwt.hpp"

namespace ccai::mock {

AuthResult check_auth(const httplib::Request& req, const MockOptions& o) {
    AuthResult r;
    const auto token = req.get_header_value("auth");
    if (token.empty()) {
        r.error = "Missing auth header: a JWT is required";
        return r;
    }
    const auto payload = verify_jwt(token, o.client_secret);
    if (!payload || !payload->is_object()) {
        r.error = "Invalid token: signature verification failed";
        return r;
    }
    const auto app = payload->value("appId", std::string());
    if (app != o.client_id) {
        r.error = "Invalid token: unknown appId";
        return r;
    }
    if (payload->contains("exp") && (*payload)["exp"].is_number()) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        if ((*payload)["exp"].get<long long>() < now) {
            r.error = "Invalid token: token expired";
            return r;
        }
    }
    r.ok = true;
    r.app_id = app;
    return r;
}

}  // namespace ccai::mock
