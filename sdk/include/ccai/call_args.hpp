#pragma once
/// @file call_args.hpp
/// @brief The values of one call: parameters by catalog name, JSON body or upload file, extra headers.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ccai/http.hpp"

namespace ccai {

// "= {}" on each member: a designated initializer ({.body = ...}) may leave any out without warnings.
struct CallArgs {
    /// Path and query values by catalog name ("skillGroupId"). botId/accountId/orgId default from the profile.
    std::map<std::string, std::string, std::less<>> params = {};
    std::optional<nlohmann::json> body = {};
    std::optional<std::string> file = {};  ///< multipart upload (contacts import)
    Headers extra_headers = {};

    void set(const std::string& name, const std::optional<std::string>& v) {
        if (v) params[name] = *v;
    }
    void set(const std::string& name, const std::optional<long long>& v) {
        if (v) params[name] = std::to_string(*v);
    }
    void set(const std::string& name, const std::optional<double>& v) {
        if (v) params[name] = nlohmann::json(*v).dump();
    }
    void set(const std::string& name, const std::optional<bool>& v) {
        if (v) params[name] = *v ? "true" : "false";
    }
};

}  // namespace ccai
