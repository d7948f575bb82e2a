#include "ccai/client.hpp"

#include <fmt/format.h>

#include "ccai/limits.hpp"
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

std::string pacer_scope(const Config& config) { return config.get("host") + "|" + config.get("account_id"); }

Result<PacerOptions> pacer_options(const Config& config) {
    PacerOptions o;
    auto windows = parse_rate_limits(config.get("rate_limit"));
    if (!windows) return windows.error();
    o.windows = *windows;
    o.scope = pacer_scope(config);
    o.backend = config.get("pacer");
    o.dir = config.get("pacer_dir");
    o.dir_shared = config.get("pacer_dir_shared") == "true";
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

Result<HttpResponse> Client::send(HttpRequest request, CallStats* stats) {
    CallStats local;
    detail::current_stats() = stats ? stats : &local;
    // Policies run in order; each one's `next` is the rest of the chain, ending at the transport.
    std::function<Result<HttpResponse>(size_t, HttpRequest&)> run = [&](size_t i, HttpRequest& r) -> Result<HttpResponse> {
        if (i == policies_.size()) return options_.transport->perform(r);
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

Result<nlohmann::json> parse_body(const std::string& body) {
    if (body.empty()) return nlohmann::json(nullptr);
    // A hostile or broken server must not crash its client: a deeper value overflows the stack when it is
    // copied or printed. Refused rather than passed on as a string, which would look like a good answer.
    if (json_depth_exceeded_at(body)) {
        ApiError e;
        e.message = fmt::format("the response body is {}: refused", json_too_deep_text());
        return e;
    }
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
