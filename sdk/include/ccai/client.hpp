#pragma once
/// @file client.hpp
/// @brief The client: every call goes retry -> auth -> pacer -> log/redact -> transport.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/call_args.hpp"
#include "ccai/clock.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/groups.hpp"
#include "ccai/http.hpp"
#include "ccai/pacer.hpp"
#include "ccai/request_builder.hpp"
#include "ccai/response_cache.hpp"
#include "ccai/retry.hpp"

namespace ccai {

/// @brief Statistics of one call (attempts, rate-limit rejections, time waited for the pacer and between
/// retries).
struct CallStats {
    int attempts = 0;  ///< requests sent (or tried) for this call: the first and every re-send
    /// Answers of the service that rejected an attempt for the rate limit (429 or its message).
    int rejections = 0;
    Duration pacer_wait{0};
    Duration retry_wait{0};
    /// The class this call's pacer waits take; unset: interactive. The `priority` setting, when given,
    /// overrides it. Batch runs and pagination set bulk.
    std::optional<Priority> priority;
    /// Called once, when the first attempt has its pacer slot and is about to go out. An error stops the
    /// call there: nothing is sent, and the call returns that error. (A batch journals the line as started
    /// here, so a run killed during a pacer wait leaves it "not started", not "in doubt".)
    std::function<Result<Unit>()> before_first_send;
    /// Asked each time the pacer has granted a slot, right before the request would go out: an answer it
    /// returns is the response instead, nothing is sent and the slot is given back (Pacer::cancel). The
    /// response cache looks again here, for another process may have stored the answer during the wait.
    std::function<std::optional<HttpResponse>()> after_grant;
    /// What the response cache did; `cache_age`: the age of the answer it served (hit).
    CacheOutcome cache = CacheOutcome::not_cacheable;
    Duration cache_age{0};
};

/// @brief The rest of the chain, as seen by a policy.
using Next = std::function<Result<HttpResponse>(HttpRequest&)>;

/// @brief One step of the pipeline. `stats` belongs to the call going through: a step adds what it did.
class Policy {
public:
    virtual ~Policy() = default;
    virtual Result<HttpResponse> send(HttpRequest& request, CallStats& stats, const Next& next) = 0;
};

/// @brief Everything a Client is made of. Unset parts get production defaults from the config.
struct ClientOptions {
    Config config = {};
    std::shared_ptr<Transport> transport = {};  ///< default: libcurl
    std::shared_ptr<Pacer> pacer = {};          ///< default: make_pacer from the config
    std::shared_ptr<Clock> clock = {};          ///< default: system_clock()
    std::optional<RetryOptions> retry = {};     ///< default: from the config (max_attempts, max_wait)
    TransportOptions transport_options = {};    ///< used when transport is unset
    /// Verbose log sink (--verbose); receives already-redacted lines.
    std::function<void(const std::string&)> log = {};
    /// Called before a pacer wait longer than a second.
    std::function<void(Duration)> on_wait = {};
    /// Called with a problem that does not stop calls (the cache directory cannot be created: they run
    /// uncached), once, when the client is created.
    std::function<void(const std::string&)> on_warning = {};
    /// Called before each retry's pause: a rejection backed off, or a transient failure tried again.
    std::function<void(const RetryNotice&)> on_retry = {};
    /// The response cache (response_cache.hpp); default: the `cache` setting's TTL in default_cache_dir().
    std::optional<ResponseCacheOptions> cache = {};
    /// Reads XDG_CACHE_HOME and HOME for default_cache_dir(); default ::getenv. The CLI passes its own, so
    /// that `cache clear` empties the directory its calls use.
    std::function<std::optional<std::string>(const char*)> getenv = {};
    /// Ends waits for the pacer and the pauses before retries early (see Interruption); it must outlive
    /// the client.
    Interruption* interruption = nullptr;
};

/// @brief A CCAI API client. Thread-safe for concurrent calls when its transport and pacer are.
///
/// Secrets: the client secret and the token are masked in everything the SDK logs or formats (redact.hpp),
/// and its copies of them are cleansed when dropped. Core dumps and debuggers are the host program's
/// business: a library must not change process-wide state, so the SDK does not make the process
/// non-dumpable. A program that handles secrets should, before it reads one:
/// `prctl(PR_SET_DUMPABLE, 0)` and `setrlimit(RLIMIT_CORE, {0, 0})` (ccai-cli does).
///
/// A client is a value that can be moved, not copied: `auto made = ccai::Client::create(options);` then, once
/// `made` holds one, `ccai::Client& client = *made;` and `client.agents().get({.agent_id = "a-1"})`, or
/// `made->agents()...` straight on the Result. Do not move a client while one of its calls runs.
class Client : public GroupAccessors<Client> {
public:
    /// @brief Builds a client, the only way to get one: every part set, from `options` or the config. Fails
    /// on a setting validate_settings() refuses (invalid_input from a flag, else config), on CA files that
    /// cannot be used (transport_options()) and on a pacer that cannot be made.
    static Result<Client> create(ClientOptions options);

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// @brief The spellings of the time create() returned a pointer, `(**made).agents()` and
    /// `(*made)->agents()`, still compile: both are the client itself.
    [[deprecated("use made->agents() or (*made).agents(): create() returns the client, not a pointer")]]
    Client& operator*() { return *this; }
    [[deprecated("use made->agents() or (*made).agents(): create() returns the client, not a pointer")]]
    Client* operator->() { return this; }

    /// @brief Calls an operation of the catalog: builds, validates, sends through the pipeline, parses.
    /// `stats`, when given, receives this call's statistics.
    Result<nlohmann::json> call(const EndpointSpec& spec, const CallArgs& args, CallStats* stats = nullptr);
    /// @brief Builds the request without sending (for --dry-run). `auth` is not included.
    Result<HttpRequest> prepare(const EndpointSpec& spec, const CallArgs& args) const;
    /// @brief Sends a prepared request through the whole pipeline (the `api` escape hatch uses this).
    Result<HttpResponse> send(HttpRequest request, CallStats* stats = nullptr);

    [[nodiscard]] const Config& config() const { return options_.config; }
    [[nodiscard]] Pacer& pacer() { return *options_.pacer; }

private:
    /// `options` complete: transport, pacer and clock set (create() sees to it).
    explicit Client(ClientOptions options);

    ClientOptions options_;
    std::vector<std::unique_ptr<Policy>> policies_;
};

/// @brief Parses a successful response body: JSON when it is, else a JSON string; empty -> null. A body
/// nested deeper than kMaxJsonDepth (ccai/limits.hpp) is an error (ErrorKind::other), never parsed.
Result<nlohmann::json> parse_body(const std::string& body);

/// @brief Turns a response into the call's result: 2xx -> parsed body, else the ApiError.
Result<nlohmann::json> to_result(const Result<HttpResponse>& response);

/// @brief How a setting's environment is read (tests pass a fake one); default ::getenv.
using Getenv = std::function<std::optional<std::string>(const char*)>;

/// @brief The transport options a config asks for: timeouts (fractions of a second allowed), compression,
/// and where TLS trust comes from. That follows curl's precedence: the ca_bundle setting; else
/// CURL_CA_BUNDLE; else SSL_CERT_FILE and SSL_CERT_DIR; else libcurl's built-in default. A named file that is
/// missing, unreadable or holds no PEM certificate, or a directory that is not one, is a configuration error
/// (invalid input for a --ca-bundle flag). CA files already in `base` are kept: the program chose them.
Result<TransportOptions> transport_options(const Config& config, TransportOptions base = {}, Getenv getenv = {});

/// @brief The pacer scope of a config: the pacer_scope setting; else the account id, whatever the host's
/// spelling; else the normalised host.
std::string pacer_scope(const Config& config);

/// @brief Pacer options from the config (rate_limit, pacer, pacer_dir, pacer_fallback).
Result<PacerOptions> pacer_options(const Config& config);

}  // namespace ccai
