#pragma once
// CLI tests: the real ccai-cli against a real ccai-mock, configured through the environment only.
#include <map>
#include <string>

#include "support/mock_process.hpp"

namespace ccai::test {

/// Environment for ccai-cli talking to the server at `base_url` (scheme://host:port) with the mock's account
/// and credentials: memory pacer, one attempt, an empty config dir, and libcurl's own CA default (the
/// machine's CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR would otherwise decide TLS trust).
inline std::map<std::string, std::string> cli_env(const std::string& base_url, const std::string& config_home = temp_dir()) {
    return {{"CCAI_HOST", base_url},
            {"CCAI_ACCOUNT_ID", ccai::mock::testing::kAccount},
            {"CCAI_BOT_ID", ccai::mock::testing::kBot},
            {"CCAI_ORG_ID", ccai::mock::testing::kOrg},
            {"CCAI_CLIENT_ID", "cs-mock"},
            {"CCAI_CLIENT_SECRET", "mock-secret"},
            {"CCAI_PACER", "memory"},
            {"CCAI_RATE_LIMIT", "100000/1m"},
            {"CCAI_MAX_ATTEMPTS", "1"},
            {"CCAI_PROFILE", ""},
            {"CCAI_TOKEN", ""},
            {"XDG_CONFIG_HOME", config_home},
            {"XDG_STATE_HOME", config_home + "/state"},
            {"XDG_CACHE_HOME", config_home + "/cache"},
            {"CURL_CA_BUNDLE", ""},
            {"SSL_CERT_FILE", ""},
            {"SSL_CERT_DIR", ""}};
}

/// The error object of the JSON error line ccai-cli printed on stderr; null when there is none.
inline nlohmann::json error_of(const RunResult& r) {
    const auto at = r.err.find("{\"error\"");
    if (at == std::string::npos) return nullptr;
    const auto end = r.err.find('\n', at);
    const auto j = nlohmann::json::parse(r.err.substr(at, end == std::string::npos ? std::string::npos : end - at),
                                         nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : nlohmann::json();
}

/// The same for ccai-cli talking to `mock`.
inline std::map<std::string, std::string> cli_env(const ccai::mock::testing::MockProcess& mock,
                                                  const std::string& config_home = temp_dir()) {
    return cli_env(mock.base(), config_home);
}

}  // namespace ccai::test
