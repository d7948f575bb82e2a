// `ccai-cli proxy`: a local reverse proxy that sends any HTTP client's API calls through the account's
// shared pacer, with the profile's credentials (docs/proxy.md).
#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "app.hpp"
#include "ccai/proxy_claim.hpp"
#include "ccai/redact.hpp"
#include "exit_codes.hpp"
#include "proxy/proxy_server.hpp"
#include "proxy/proxy_token.hpp"
#include "proxy/stats_writer.hpp"

namespace ccai::cli {

namespace {

struct ProxyFlags {
    std::string listen = "127.0.0.1:8787";
    bool allow_remote = false;
    std::string tls_cert, tls_key, token_file;
    int max_pending = 64;
};

// SIGINT and SIGTERM stop the proxy gracefully; a second one ends it at once (requests on the wire keep
// their slots: the pacer's state stays consistent either way).
std::atomic<Interruption*> g_stop{nullptr};

extern "C" void on_stop_signal(int sig) {
    Interruption* stop = g_stop.load();
    if (stop && !stop->requested.load()) {
        stop->requested = true;
        return;
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

class SignalScope {
public:
    explicit SignalScope(Interruption& stop) {
        g_stop = &stop;
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &old_int_);
        ::sigaction(SIGTERM, &sa, &old_term_);
    }
    ~SignalScope() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        g_stop = nullptr;
    }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;

private:
    struct sigaction old_int_ {}, old_term_ {};
};

// A pacer for requests whose client took the slot already: they go out at once, while a rejection still
// pauses the account in the shared pacer.
class TrustedPacer final : public Pacer {
public:
    explicit TrustedPacer(std::shared_ptr<Pacer> shared) : shared_(std::move(shared)) {}
    Result<Duration> acquire() override { return Duration(0); }
    Result<Duration> acquire_within(Duration, Priority) override { return Duration(0); }
    void penalize(Duration pause) override { shared_->penalize(pause); }
    Duration time_until_free() override { return shared_->time_until_free(); }
    Result<nlohmann::json> status() override { return shared_->status(); }
    Result<Unit> reset() override { return shared_->reset(); }

private:
    std::shared_ptr<Pacer> shared_;
};

std::optional<std::string> proxy_token_env(const Context& c) {
    if (c.sources.getenv) return c.sources.getenv("CCAI_PROXY_TOKEN");
    const char* v = std::getenv("CCAI_PROXY_TOKEN");
    return v ? std::optional<std::string>(v) : std::nullopt;
}

// Listening beyond this machine needs all three: a deliberate switch, TLS and a token.
Result<proxy::ServerOptions> server_options(const ProxyFlags& f, const Context& c) {
    proxy::ServerOptions o;
    auto listen = proxy::parse_listen_address(f.listen);
    if (!listen) return listen.error();
    o.listen = *listen;
    o.max_pending = f.max_pending;
    o.verbose = c.flags.verbose;
    if (f.tls_cert.empty() != f.tls_key.empty()) return invalid_input("proxy: give --tls-cert and --tls-key together");
    o.tls_cert = f.tls_cert;
    o.tls_key = f.tls_key;
    if (!f.token_file.empty()) {
        auto token = proxy::read_token_file(f.token_file);
        if (!token) return token.error();
        o.token = std::move(*token);
    } else if (auto env = proxy_token_env(c); env && !env->empty()) {
        auto token = proxy::check_token(*env, "CCAI_PROXY_TOKEN");
        if (!token) return token.error();
        o.token = std::move(*token);
    }
    if (!o.listen.loopback) {
        std::string missing;
        if (!f.allow_remote) missing += ", --allow-remote";
        if (o.tls_cert.empty()) missing += ", --tls-cert and --tls-key";
        if (o.token.empty()) missing += ", --token-file or CCAI_PROXY_TOKEN";
        if (!missing.empty())
            return invalid_input(fmt::format("proxy: listening on {} lets other hosts spend the account's budget with its "
                                             "credentials: it needs {}", o.listen.host, missing.substr(2)));
    }
    return o;
}

int run_proxy(const ProxyFlags& f, const Context& c) {
    auto options = server_options(f, c);
    if (!options) return c.fail(options.error());
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    // The client chooses the class of each request (X-CCAI-Priority), not the proxy's profile.
    config->set("priority", "", "proxy");

    Interruption own;
    Interruption& stop = c.interruption ? *c.interruption : own;
    ClientOptions o;
    o.config = *config;
    o.transport_options.insecure = c.flags.insecure;
    o.interruption = &stop;
    std::FILE* err = c.console.err;
    if (c.flags.verbose) o.log = [err](const std::string& line) { std::fprintf(err, "* %s\n", line.c_str()); };
    o.getenv = c.sources.getenv;  // the environment `cache clear` reads
    o.on_warning = [err](const std::string& line) { std::fprintf(err, "warning: %s\n", line.c_str()); };
    if (c.client_setup) c.client_setup(o);
    if (!o.pacer) {
        auto po = pacer_options(*config);
        if (!po) return c.fail(po.error());
        po->interruption = &stop;
        if (o.log) po->log = [log = o.log](const std::string& line) { log(redact(line)); };
        auto pacer = make_pacer(*po, o.clock ? o.clock : system_clock());
        secure_clear(po->redis_password);
        if (!pacer) return c.fail(pacer.error());
        o.pacer = std::shared_ptr<Pacer>(std::move(*pacer));
    }
    auto paced = Client::create(o);
    if (!paced) return c.fail(paced.error());
    ClientOptions trusted = o;
    trusted.on_warning = nullptr;  // said once, by the first client
    trusted.pacer = std::make_shared<TrustedPacer>(o.pacer);
    RetryOptions once;
    once.max_attempts = 1;  // its client paces and retries
    once.max_wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(config->number("max_wait")));
    trusted.retry = once;
    auto unpaced = Client::create(trusted);
    if (!unpaced) return c.fail(unpaced.error());

    // A fresh secret beside the pacer's state: clients of this user that share that state send it back.
    auto where = pacer_options(*config);
    if (!where) return c.fail(where.error());
    auto claim = proxy_claim(*where, true);
    secure_clear(where->redis_password);
    if (!claim) return c.fail(claim.error());
    proxy::Upstream upstream{*config, proxy::api_prefixes(), std::move(*claim)};
    // Its traffic, at /metrics and beside the pacer state for `pacer status` (written until it exits).
    proxy::ProxyMetrics metrics;
    proxy::StatsWriter stats(*where, metrics, err);
    options->metrics = &metrics;
    options->on_listening = [&stats](const std::string& url) { stats.start(url); };
    const SignalScope signals(stop);
    auto served = proxy::serve(*options, upstream, *paced, *unpaced, stop, c.console.out, err);
    stats.stop();
    if (!served) return c.fail(served.error());
    return kOk;
}

}  // namespace

void add_proxy_command(CommandLine& cl) {
    auto& f = cl.own<ProxyFlags>();
    auto cmd = cl.root().add_command(
        "proxy", "serve the API on a local port: any HTTP client's calls get the profile's credentials and the "
                 "account's shared pacer");
    cmd.option("--listen", f.listen, "HOST:PORT to listen on (port 0: a free one); beyond loopback needs "
                                     "--allow-remote, TLS and a token")
        .type_name("ADDRESS")
        .not_empty();
    cmd.flag("--allow-remote", f.allow_remote, "allow listening on an address other hosts can reach");
    cmd.option("--tls-cert", f.tls_cert, "PEM certificate to serve HTTPS with").type_name("FILE").not_empty();
    cmd.option("--tls-key", f.tls_key, "PEM private key of --tls-cert").type_name("FILE").not_empty();
    cmd.option("--token-file", f.token_file, "file (mode 600) holding the token clients send as Authorization: Bearer "
                                             "(else CCAI_PROXY_TOKEN)")
        .type_name("FILE")
        .not_empty();
    cmd.option("--max-pending", f.max_pending, "requests that may wait for the pacer or the service at once; more get 503")
        .range(1, 1024);
    cmd.on_chosen([&f, &cl] {
        cl.action = [&f, &c = cl.context] { return run_proxy(f, c); };
    });
}

}  // namespace ccai::cli
