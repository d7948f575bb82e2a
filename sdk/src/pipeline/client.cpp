#include "ccai/client.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "ccai/limits.hpp"
#include "ccai/proxy_claim.hpp"
#include "http/ca_files.hpp"
#include "ccai/redact.hpp"
#include "ccai/jwt.hpp"
#include "pipeline/policies.hpp"
#include "secrets/sha256.hpp"
#include "config/setting_values.hpp"

namespace ccai {

namespace {
RetryOptions retry_options(const Config& c) {
    RetryOptions r;
    r.max_attempts = static_cast<int>(c.number("max_attempts"));
    r.max_wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(c.number("max_wait")));
    return r;
}

// Where TLS trust comes from, curl's precedence: the ca_bundle setting; else CURL_CA_BUNDLE; else SSL_CERT_FILE
// and SSL_CERT_DIR (both may apply). Nothing named: libcurl's built-in default.
Result<Unit> add_ca_trust(const Config& c, TransportOptions& t, const Getenv& getenv) {
    if (!t.ca_file.empty() || !t.ca_path.empty()) return Unit{};  // the program chose
    const auto env = [&](const char* name) {
        auto v = getenv(name);
        return v ? *v : std::string();
    };
    const auto file = [&](std::string path, const std::string& origin) -> Result<Unit> {
        if (auto why = detail::ca_file_problem(path); !why.empty())
            return config_error(fmt::format("CA bundle '{}' (from {}): {}", path, origin, why));
        t.ca_file = std::move(path);
        return Unit{};
    };
    if (c.has("ca_bundle")) {
        const auto& origin = c.all().at("ca_bundle").origin;
        auto checked = file(c.get("ca_bundle"), origin == "flag" ? "--ca-bundle" : origin);
        if (!checked && origin == "flag") return invalid_input(checked.error().message);
        return checked;
    }
    if (auto bundle = env("CURL_CA_BUNDLE"); !bundle.empty()) return file(bundle, "env CURL_CA_BUNDLE");
    if (auto f = env("SSL_CERT_FILE"); !f.empty())
        if (auto checked = file(f, "env SSL_CERT_FILE"); !checked) return checked;
    if (auto dir = env("SSL_CERT_DIR"); !dir.empty()) {
        if (auto why = detail::ca_dir_problem(dir); !why.empty())
            return config_error(fmt::format("CA directory '{}' (from env SSL_CERT_DIR): {}", dir, why));
        t.ca_path = dir;
    }
    return Unit{};
}
}  // namespace

Result<TransportOptions> transport_options(const Config& config, TransportOptions base, Getenv getenv) {
    if (!getenv) getenv = [](const char* n) -> std::optional<std::string> {
        const char* v = std::getenv(n);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    base.total_timeout = milliseconds_rounded_up(config.number("timeout"));
    base.connect_timeout = milliseconds_rounded_up(config.number("connect_timeout"));
    base.gzip = config.get("compression") != "none";
    // Plain http:// without allow_http goes only to this machine; a proxy from http_proxy or ALL_PROXY could
    // be anywhere, and would receive the token in the clear.
    const auto url = parse_base_url(config.get("host"));
    if (url && url->scheme == "http" && !config.enabled("allow_http")) base.no_proxy = true;
    if (auto trust = add_ca_trust(config, base, getenv); !trust) return trust.error();
    return base;
}

// The rate limit is the account's, however the host is spelled: every spelling shares one budget. Without
// an account id, the normalised host ("h", "https://h/" and "HTTPS://H:443" alike).
std::string pacer_scope(const Config& config) {
    if (config.has("pacer_scope")) return config.get("pacer_scope");
    if (config.has("account_id")) return "account|" + config.get("account_id");
    const auto base = parse_base_url(config.get("host"));
    return "host|" + (base ? base->text : config.get("host"));
}

Result<PacerOptions> pacer_options(const Config& config) {
    for (const auto* key : {"rate_limit", "pacer", "pacer_fallback", "pacer_margin", "burst", "bulk_min_share", "max_penalty"})
        if (auto valid = detail::validate_setting(config, key); !valid) return valid.error();
    PacerOptions o;
    auto windows = parse_rate_limits(config.get("rate_limit"));
    if (!windows) return windows.error();
    o.windows = *windows;
    o.scope = pacer_scope(config);
    o.backend = config.get("pacer");
    o.dir = config.get("pacer_dir");
    o.dir_shared = config.enabled("pacer_dir_shared");
    o.fallback = config.get("pacer_fallback");
    o.redis_password = config.get("redis_password");
    o.margin = config.number("pacer_margin");  // validated with the other settings (validate_settings)
    o.bulk_min_share = config.number("bulk_min_share");
    o.max_penalty = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(config.number("max_penalty")));
    if (config.has("burst")) {
        o.burst = static_cast<int>(config.number("burst"));
        int smallest = o.windows.front().limit;
        for (const auto& w : o.windows) smallest = std::min(smallest, w.limit);
        if (o.burst > smallest) {
            const auto& origin = config.all().at("burst").origin;
            auto message = fmt::format("bad burst '{}' (from {}): expected at most {}, the calls rate_limit {} allows in "
                                       "a window", o.burst, origin == "flag" ? "--burst" : origin, smallest,
                                       config.get("rate_limit"));
            return origin == "flag" ? invalid_input(std::move(message)) : config_error(std::move(message));
        }
    }
    return o;
}

namespace {
constexpr std::size_t kPacerPolicy = 3;  // cache, retry, auth, pacer, log: the order the constructor adds them in

// The app a ready token (the `token` setting, which the auth step prefers) was issued to: its appId claim.
// The signature cannot be checked here (no secret); a token without one scopes answers by its own hash.
std::string token_app(const std::string& token) {
    const auto first = token.find('.');
    const auto second = first == std::string::npos ? first : token.find('.', first + 1);
    if (second != std::string::npos)
        if (const auto payload = base64url_decode(std::string_view(token).substr(first + 1, second - first - 1))) {
            const auto claims = nlohmann::json::parse(*payload, nullptr, false);
            if (claims.is_object() && claims.contains("appId") && claims["appId"].is_string())
                return claims["appId"].get<std::string>();
        }
    std::string hex;
    for (unsigned char b : detail::sha256(token)) hex += fmt::format("{:02x}", b);
    return "token " + hex;
}

// Whose answer it is: the same URL on another account, for another bot, or asked by another app (whose
// permissions may differ) is another answer.
std::string cache_scope(const Config& c) {
    const auto base = parse_base_url(c.get("host"));
    const auto app = c.get("token").empty() ? c.get("client_id") : token_app(c.get("token"));
    std::string scope;
    for (const auto& part : {base ? base->text : c.get("host"), c.get("account_id"), c.get("bot_id"), app})
        scope += fmt::format("{}:{}|", part.size(), part);  // lengths in front: no two scopes read alike
    return scope;
}
}  // namespace

Client::Client(ClientOptions options) : options_(std::move(options)) {
    const auto& c = options_.config;
    // Every line reaches the sink redacted, whichever step logs it.
    if (options_.log) options_.log = [log = options_.log](const std::string& line) { log(redact(line)); };
    if (options_.on_retry)
        options_.on_retry = [notify = options_.on_retry](RetryNotice n) {
            n.error = redact(n.error);  // a transport's text may quote what it sent
            notify(n);
        };
    const RetryOptions retry = options_.retry.value_or(retry_options(c));
    const auto base = parse_base_url(c.get("host"));
    policies_.push_back(detail::make_cache_policy(options_.cache.value_or(ResponseCacheOptions{}), base ? base->text : "",
                                                  cache_scope(c), options_.clock, options_.log, options_.interruption,
                                                  retry.max_wait));
    policies_.push_back(detail::make_retry_policy(retry, options_.pacer, options_.clock, options_.log, options_.on_retry,
                                                    options_.interruption));
    policies_.push_back(detail::make_auth_policy(c));
    policies_.push_back(detail::make_pacer_policy(options_.pacer, retry.max_wait));  // kPacerPolicy
    if (options_.log) policies_.push_back(detail::make_log_policy(options_.log));
}

Result<Client> Client::create(ClientOptions options) {
    // Every value checked before anything is built: nothing is sent with a setting that is wrong.
    if (auto valid = validate_settings(options.config); !valid) return valid.error();
    // Where requests go and what their headers carry, refused before the pacer or a connection is set up.
    if (auto base = base_url(options.config); !base) return base.error();
    if (auto ok = check_header_settings(options.config); !ok) return ok.error();
    if (!options.transport) {
        auto t = transport_options(options.config, options.transport_options);
        if (!t) return t.error();
        options.transport_options = std::move(*t);
        options.transport = detail::make_curl_transport(options.transport_options);
    }
    if (!options.clock) options.clock = system_clock();
    if (!options.cache) {
        ResponseCacheOptions cache;
        cache.ttl = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(options.config.number("cache")));
        // A call waits for an identical one of another process at most as long as one attempt may take
        // (and within its max_wait, which the policy applies): then it sends its own.
        cache.lock_wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(options.config.number("timeout")));
        options.cache = std::move(cache);
    }
    if (options.cache->dir.empty()) options.cache->dir = default_cache_dir(options.getenv);
    // A directory others could read or fill is refused before anything is sent, as the pacer's is.
    if (options.cache->ttl > Duration(0)) {
        auto ready = prepare_cache_dir(options.cache->dir);
        if (!ready) return ready.error();
        if (!ready->empty()) {
            if (options.on_warning) options.on_warning(*ready);
            options.cache->ttl = Duration(0);
        }
    }
    std::optional<PacerOptions> own_pacer;
    if (!options.pacer) {
        auto po = pacer_options(options.config);
        if (!po) return po.error();
        po->on_wait = options.on_wait;
        po->interruption = options.interruption;
        if (options.log) po->log = [log = options.log](const std::string& line) { log(redact(line)); };
        auto pacer = make_pacer(*po, options.clock);
        secure_clear(po->redis_password);  // the pacer keeps its own copy
        if (!pacer) return pacer.error();
        options.pacer = std::shared_ptr<Pacer>(std::move(*pacer));
        own_pacer = std::move(*po);
    }
    Client client(std::move(options));
    // A host on this machine may be a `ccai-cli proxy`: it is told that this request took its slot already,
    // with the proxy's secret from the shared pacer state (read for each request: a proxy may start or
    // restart later). Only for a pacer made here from the config: one a program passed in (the proxy's own,
    // a test's) may not be the one the config names.
    const auto base = parse_base_url(client.options_.config.get("host"));
    if (own_pacer && base && base->loopback && (own_pacer->backend.empty() || own_pacer->backend == "file")) {
        PacerOptions where;
        where.backend = "file";
        where.dir = own_pacer->dir;
        where.dir_shared = own_pacer->dir_shared;
        where.scope = own_pacer->scope;
        const auto retry = client.options_.retry.value_or(retry_options(client.options_.config));
        client.policies_[kPacerPolicy] = detail::make_pacer_policy(client.options_.pacer, retry.max_wait, [where] {
            auto claim = proxy_claim(where, false);
            return claim ? *claim : std::string();  // unreadable: no claim, so the proxy paces it too
        });
    }
    return client;
}

Result<HttpRequest> Client::prepare(const EndpointSpec& spec, const CallArgs& args) const {
    return build_request(spec, args, options_.config);
}

namespace {
// The last line of defence for requests an SDK program built itself: the URL under the configured host (so
// the http:// rule holds for it too) with nothing a request line cannot carry, and headers as check_headers.
Result<Unit> check_outgoing(const HttpRequest& r, const Config& config) {
    const auto base = base_url(config);
    if (!base) return base.error();
    const std::string_view url = r.url;
    if (!url.starts_with(base->text) || (url.size() > base->text.size() && url[base->text.size()] != '/' &&
                                         url[base->text.size()] != '?'))
        return invalid_input(fmt::format("the request URL is not under the configured host {}", base->text));
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == '#'; }))
        return invalid_input("the request URL holds a space, a control character or a '#'");
    return check_headers(r.headers);
}
}  // namespace

Result<HttpResponse> Client::send(HttpRequest request, CallStats* stats) {
    if (auto ok = check_outgoing(request, options_.config); !ok) return ok.error();
    CallStats local;
    CallStats& call_stats = stats ? *stats : local;
    if (const auto p = options_.config.get("priority"); !p.empty())
        call_stats.priority = p == "bulk" ? Priority::bulk : Priority::interactive;
    // Policies run in order; each one's `next` is the rest of the chain, ending at the transport. The headers
    // are checked once more there: a policy (auth) adds one after the check above.
    std::function<Result<HttpResponse>(size_t, HttpRequest&)> run = [&](size_t i, HttpRequest& r) -> Result<HttpResponse> {
        if (i == policies_.size()) {
            if (auto ok = check_headers(r.headers); !ok) return ok.error();
            return options_.transport->perform(r);
        }
        return policies_[i]->send(r, call_stats, [&, i](HttpRequest& rr) { return run(i + 1, rr); });
    };
    return run(0, request);
}

Result<nlohmann::json> Client::call(const EndpointSpec& spec, const CallArgs& args, CallStats* stats) {
    auto req = prepare(spec, args);
    if (!req) return req.error();
    return to_result(send(std::move(*req), stats));
}

Result<nlohmann::json> parse_body(const std::string& body) {
    if (body.empty()) return nlohmann::json(nullptr);
    // A hostile or broken server must not crash its client: a deeper value overflows the stack when it is
    // copied or printed. Refused rather than passed on as a string, which would look like a good answer.
    if (json_depth_exceeded_at(body)) {
        ApiError e;
        e.message = fmt::format("the response body is {}: refused", json_too_deep_text());
        return e;
    }
    auto j = parse_json_bounded(body);
    return j.is_discarded() ? nlohmann::json(body) : j;
}

// An error's text is the server's (or libcurl's) and may echo what it was sent: a secret in a URL, a body or a
// header. ApiError promises a message without secrets, so every field a person reads is redacted here.
Result<nlohmann::json> to_result(const Result<HttpResponse>& response) {
    ApiError e;
    if (!response) {
        e = response.error();
    } else if (response->status < 200 || response->status >= 300) {
        e = error_from_response(response->status, response->body);
        e.request_id = response->header("x-request-id");
    } else {
        return parse_body(response->body);
    }
    e.message = redact(e.message);
    e.code = redact(e.code);
    e.request_id = redact(e.request_id);
    return e;
}

Result<nlohmann::json> call_operation(Client& client, const char* id, const CallArgs& args) {
    const auto* spec = find_endpoint(id);
    if (!spec) return invalid_input(fmt::format("unknown operation {}", id));
    return client.call(*spec, args);
}

}  // namespace ccai
