// Adds the `auth` header: a ready token (CCAI_TOKEN), or a JWT minted from the client id and secret,
// re-minted a minute before it expires so long batch jobs never send a stale one.
#include <chrono>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "ccai/jwt.hpp"
#include "ccai/redact.hpp"
#include "secrets/entropy.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

class AuthPolicy final : public Policy {
public:
    explicit AuthPolicy(const Config& c)
        : token_(c.get("token")), client_id_(c.get("client_id")), secret_(c.get("client_secret")),
          sub_(c.get("jwt_sub")), ttl_(static_cast<long long>(c.number("jwt_ttl"))), jti_(c.enabled("jwt_jti")) {}

    // Key material does not outlive the client.
    ~AuthPolicy() override {
        secure_clear(token_);
        secure_clear(secret_);
        secure_clear(minted_);
    }

    Result<HttpResponse> send(HttpRequest& req, CallStats& /*stats*/, const Next& next) override {
        auto token = current_token();
        if (!token) return token.error();
        drop_auth(req);
        const std::string sent = *token;
        req.headers.emplace_back("auth", std::move(*token));
        auto out = next(req);
        drop_auth(req);  // each attempt adds its own; none is left in the request afterwards
        if (out) mask_echo(*out, sent);
        return out;
    }

private:
    // A service (or a proxy's upstream) may quote the request's credentials in its answer: a caller of the
    // SDK, or a `ccai-cli proxy` client that never held them, gets the answer with them masked. Only a token
    // long enough that masking it cannot hit ordinary text (a JWT always is).
    static void mask_echo(HttpResponse& r, std::string sent) {
        if (sent.size() >= 16) {
            const auto mask = [&sent](std::string& text) {
                for (auto at = text.find(sent); at != std::string::npos; at = text.find(sent, at + kRedacted.size()))
                    text.replace(at, sent.size(), kRedacted);
            };
            mask(r.body);
            for (auto& [name, value] : r.headers) mask(value);
        }
        secure_clear(sent);
    }

    static void drop_auth(HttpRequest& req) {
        for (auto& [name, value] : req.headers)
            if (name == "auth") secure_clear(value);
        std::erase_if(req.headers, [](const auto& h) { return h.first == "auth"; });
    }

    Result<std::string> current_token() {
        if (!token_.empty()) return token_;
        if (client_id_.empty() || secret_.empty())
            return config_error("no credentials: set client_id and client_secret (credentials file, "
                                "CCAI_CLIENT_ID / CCAI_CLIENT_SECRET) or CCAI_TOKEN");
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        std::lock_guard lock(mu_);
        if (minted_.empty() || now >= exp_ - 60) {
            exp_ = now + ttl_;
            secure_clear(minted_);
            minted_ = mint_jwt(JwtClaims{sub_, client_id_, now, exp_, jti_ ? std::optional(random_id()) : std::nullopt}, secret_);
        }
        return minted_;
    }

    static std::string random_id() {
        return fmt::format("{:016x}{:016x}", random_u64(), random_u64());
    }

    std::string token_, client_id_, secret_, sub_;
    long long ttl_;
    bool jti_;
    std::mutex mu_;
    std::string minted_;
    long long exp_ = 0;
};

}  // namespace

std::unique_ptr<Policy> make_auth_policy(const Config& config) { return std::make_unique<AuthPolicy>(config); }

}  // namespace ccai::detail
