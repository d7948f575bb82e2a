#pragma once
// For the integration tests: start a real ccai-mock, talk to it raw (httplib) or via the SDK.
#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "ccai/client.hpp"
#include "ccai/jwt.hpp"
#include "support/process.hpp"

namespace ccai::mock::testing {

using json = nlohmann::json;

inline constexpr const char* kBot = "st-mock-bot";
inline constexpr const char* kAccount = "acc-mock";
inline constexpr const char* kOrg = "o-mock-org";

inline std::string token(const std::string& app_id = "cs-mock", const std::string& secret = "mock-secret",
                         long long ttl = 3600) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    return mint_jwt(JwtClaims{"test", app_id, now, now + ttl, std::nullopt}, secret);
}

/// A running ccai-mock with a request log in a fresh temporary directory.
class MockProcess {
public:
    explicit MockProcess(std::vector<std::string> extra = {}) {
        log_path_ = ccai::test::temp_dir() + "/requests.jsonl";
        std::vector<std::string> argv{ccai::test::mock_path(), "--port", "0", "--log", log_path_};
        argv.insert(argv.end(), extra.begin(), extra.end());
        proc_ = std::make_unique<ccai::test::Background>(argv);
        const std::string prefix = "listening on http://127.0.0.1:";
        const auto& line = proc_->first_line();
        if (line.rfind(prefix, 0) != 0) throw std::runtime_error("ccai-mock did not start: '" + line + "'");
        port_ = std::stoi(line.substr(prefix.size()));
    }
    int port() const { return port_; }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    ccai::test::Background& process() { return *proc_; }

    /// A raw client; `with_auth` adds a valid JWT and the accountid header.
    std::unique_ptr<httplib::Client> http() const {
        auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
        c->set_read_timeout(10, 0);
        return c;
    }
    static httplib::Headers auth(const std::string& account = kAccount) {
        return {{"auth", token()}, {"accountid", account}};
    }

    /// The request log, one JSON object per line.
    std::vector<json> log() const {
        std::vector<json> out;
        std::ifstream in(log_path_);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(json::parse(line));
        return out;
    }

    /// An SDK client pointed at this mock: memory pacer with a generous limit, one attempt (no retries).
    std::unique_ptr<ccai::Client> sdk(int max_attempts = 1, const std::string& rate_limit = "100000/1m") const {
        ccai::Config c;
        const auto set = [&](const char* k, std::string v) { c.set(k, std::move(v), "test"); };
        set("host", base());
        set("account_id", kAccount);
        set("bot_id", kBot);
        set("org_id", kOrg);
        set("client_id", "cs-mock");
        set("client_secret", "mock-secret");
        set("jwt_sub", "test");
        set("jwt_ttl", "3600");
        set("rate_limit", rate_limit);
        set("pacer", "memory");
        set("timeout", "20");
        set("connect_timeout", "5");
        set("max_attempts", std::to_string(max_attempts));
        set("max_wait", "30");
        ccai::ClientOptions o;
        o.config = c;
        auto client = ccai::Client::create(std::move(o));
        if (!client) throw std::runtime_error("sdk client: " + client.error().message);
        return std::make_unique<ccai::Client>(std::move(*client));
    }

private:
    std::unique_ptr<ccai::test::Background> proc_;
    int port_ = 0;
    std::string log_path_;
};

/// Calls an operation by catalog id through the SDK.
inline ccai::Result<json> call(ccai::Client& client, const char* op, std::map<std::string, std::string> params = {},
                               std::optional<json> body = std::nullopt) {
    const auto* spec = ccai::find_endpoint(op);
    if (!spec) throw std::runtime_error(std::string("no such operation ") + op);
    ccai::CallArgs args;
    for (auto& [k, v] : params) args.params[k] = v;
    args.body = std::move(body);
    return client.call(*spec, args);
}

/// A simple SMS campaign body the mock accepts.
inline json sms_campaign(const std::string& name) {
    return {{"name", name},
            {"description", "reminder"},
            {"contactLists", {"list-a"}},
            {"campaignType", "sms"},
            {"priority", "5"},
            {"format", "simple"},
            {"message", {{"templateId", ""}, {"message", "SGk="}}},
            {"dialingStrategy",
             {{"callerId", {{"phoneNumber", "+15550100"}}},
              {"callingHours",
               {{"frequency", "WEEKLY"},
                {"timezone", "UTC"},
                {"days", json::array({{{"day", "MO"}, {"start", "9:00 AM"}, {"end", "6:00 PM"}}})}}}}},
            {"schedule", {{"isSchedulingEnabled", false}}}};
}

/// A progressive voice campaign body dialing `list`.
inline json voice_campaign(const std::string& name, const std::string& list) {
    return {{"name", name},
            {"description", "calls"},
            {"contactLists", {list}},
            {"priority", "3"},
            {"dialingMode", "Progressive"},
            {"queue_name", "Support"},
            {"enableMachineDetect", false},
            {"maxSkips", 2},
            {"campaignType", "voice"},
            {"dialingStrategy",
             {{"callerId", {{"phoneNumber", "+15550100"}}},
              {"callingHours",
               {{"frequency", "WEEKLY"},
                {"timezone", "UTC"},
                {"days", json::array({{{"day", "TU"}, {"start", "9:00 AM"}, {"end", "6:00 PM"}}})}}},
              {"dialingOrder", "FIFO"},
              {"maxAttemptsPerRecord", 2},
              {"defaultRetryPeriod", 10},
              {"maxRingTime", 30}}}};
}

}  // namespace ccai::mock::testing
