#include "ccai/client.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "policies.hpp"

namespace ccai {

namespace detail {
CallStats*& current_stats() {
    thread_local CallStats* stats = nullptr;
    return stats;
}
}  // namespace detail

namespace {
long long seconds_setting(const Config& c, std::string_view key, long long fallback) {
    const auto& v = c.get(key);
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    return v.empty() || *end != '\0' || n <= 0 ? fallback : n;
}
}  // namespace

// The normalised URL, so that "h", "https://h/" and "HTTPS://H:443" share one budget, as they share one account.
std::string pacer_scope(const Config& config) {
    const auto base = parse_base_url(config.get("host"));
    return (base ? base->text : config.get("host")) + "|" + config.get("account_id");
}

Result<PacerOptions> pacer_options(const Config& config) {
    PacerOptions o;
    auto windows = parse_rate_limits(config.get("rate_limit"));
    if (!windows) return windows.error();
    o.windows = *windows;
    o.scope = pacer_scope(config);
    o.backend = config.get("pacer");
    o.dir = config.get("pacer_dir");
    o.fallback = config.get("pacer_fallback");
    if (const auto& margin = config.get("pacer_margin"); !margin.empty()) {  // "" (not loaded): the default
        char* end = nullptr;
        const double m = std::strtod(margin.c_str(), &end);
        const bool percent = *end == '%';
        if (end == margin.c_str() || (percent ? end[1] != '\0' : *end != '\0') || !(m >= 0) || (percent ? m : m * 100) > 100)
            return invalid_input(fmt::format("bad pacer_margin '{}' (expected a percentage such as 1%)", margin));
        o.margin = percent ? m / 100 : m;
    }
    return o;
}

Client::Client(ClientOptions options) : options_(std::move(options)) {
    const auto& c = options_.config;
    if (!options_.clock) options_.clock = system_clock();
    if (!options_.transport) {
        auto t = options_.transport_options;
        t.total_timeout = std::chrono::seconds(seconds_setting(c, "timeout", 60));
        t.connect_timeout = std::chrono::seconds(seconds_setting(c, "connect_timeout", 10));
        t.gzip = c.get("compression") != "none";
        options_.transport = detail::make_curl_transport(t);
    }
    RetryOptions retry = options_.retry.value_or(RetryOptions{});
    if (!options_.retry) {
        retry.max_attempts = static_cast<int>(seconds_setting(c, "max_attempts", retry.max_attempts));
        retry.max_wait = std::chrono::seconds(seconds_setting(c, "max_wait", 300));
    }
    policies_.push_back(detail::make_retry_policy(retry, options_.pacer, options_.clock, options_.log));
    policies_.push_back(detail::make_auth_policy(c));
    policies_.push_back(detail::make_pacer_policy(options_.pacer));
    if (options_.log) policies_.push_back(detail::make_log_policy(options_.log));
}

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
    if (const auto& z = options.config.get("compression"); !z.empty() && z != "gzip" && z != "none")
        return invalid_input(fmt::format("bad compression '{}' (expected gzip or none)", z));
    // Where requests go and what their headers carry, refused before the pacer or a connection is set up.
    if (auto base = base_url(options.config); !base) return base.error();
    if (auto ok = check_header_settings(options.config); !ok) return ok.error();
    if (!options.clock) options.clock = system_clock();
    if (!options.pacer) {
        auto po = pacer_options(options.config);
        if (!po) return po.error();
        po->on_wait = options.on_wait;
        po->log = options.log;
        auto pacer = make_pacer(*po, options.clock);
        if (!pacer) return pacer.error();
        options.pacer = std::shared_ptr<Pacer>(std::move(*pacer));
    }
    return std::make_unique<Client>(std::move(options));
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
    detail::current_stats() = stats ? stats : &local;
    // Policies run in order; each one's `next` is the rest of the chain, ending at the transport. The headers
    // are checked once more there: a policy (auth) adds one after the check above.
    std::function<Result<HttpResponse>(size_t, HttpRequest&)> run = [&](size_t i, HttpRequest& r) -> Result<HttpResponse> {
        if (i == policies_.size()) {
            if (auto ok = check_headers(r.headers); !ok) return ok.error();
            return options_.transport->perform(r);
        }
        return policies_[i]->send(r, [&, i](HttpRequest& rr) { return run(i + 1, rr); });
    };
    auto out = run(0, request);
    detail::current_stats() = nullptr;
    return out;
}

Result<nlohmann::json> Client::call(const EndpointSpec& spec, const CallArgs& args, CallStats* stats) {
    auto req = prepare(spec, args);
    if (!req) return req.error();
    return to_result(send(std::move(*req), stats));
}

nlohmann::json parse_body(const std::string& body) {
    if (body.empty()) return nullptr;
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_discarded() ? nlohmann::json(body) : j;
}

Result<nlohmann::json> to_result(const Result<HttpResponse>& response) {
    if (!response) return response.error();
    if (response->status < 200 || response->status >= 300) {
        auto e = error_from_response(response->status, response->body);
        e.request_id = response->header("x-request-id");
        return e;
    }
    return parse_body(response->body);
}

Result<nlohmann::json> call_operation(Client& client, const char* id, const CallArgs& args) {
    const auto* spec = find_endpoint(id);
    if (!spec) return invalid_input(fmt::format("unknown operation {}", id));
    return client.call(*spec, args);
}

}  // namespace ccai
