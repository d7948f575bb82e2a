#pragma once
// The `auth` header check: an HS256 JWT signed with the client secret, carrying the client id as appId.
#include <string>

#include <httplib.h>

#include "options.hpp"

namespace ccai::mock {

struct AuthResult {
    bool ok = false;
    std::string app_id;
    std::string error;
};

AuthResult check_auth(const httplib::Request& req, const MockOptions& o);

}  // namespace ccai::mock
