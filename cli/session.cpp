// Global flags and the session they open: configuration, client, and what the user sees on stderr.
#include <cstdint>
#include <cstdio>

#include <fmt/format.h>

#include "app.hpp"

namespace ccai::cli {

std::optional<std::string> empty_switch_value(int argc, const char* const* argv) {
    for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
        if (std::string_view(argv[i]) == "--allow-http=")
            return "--allow-http= has an empty value, which would read as true: give --allow-http alone, or leave it out";
    return std::nullopt;
}

void add_global_flags(Command app, GlobalFlags& f) {
    // Every non-secret setting is a flag named after its key; secrets come only from the credentials
    // file or the environment, so they never show up in `ps` or shell history.
    for (const auto& spec : setting_specs()) {
        if (spec.secret) continue;
        const std::string key(spec.key);
        if (key == "output" || key == "error_format") continue;  // -o and --error-format below
        if (key == "allow_http") {  // a switch: `--allow-http VALUE` would swallow the command after it
            // The value as typed (`--allow-http=yes`) is checked like the environment's: only true or false.
            std::string_view text = spec.desc;
            if (text.starts_with("true: ")) text.remove_prefix(6);
            const std::string desc(text);
            app.flag("--allow-http", [&f](const std::string& v) { f.settings["allow_http"] = v; }, desc)
                .group("Global options");
            continue;
        }
        app.option("--" + kebab_case(key), [&f, key](const std::string& v) { f.settings[key] = v; }, std::string(spec.desc))
            .not_empty()
            .group("Global options")
            .type_name(key == "host" ? "URL" : "VALUE");
    }
    app.option("--profile", [&f](const std::string& v) { f.settings["profile"] = v; }, "configuration profile (CCAI_PROFILE)")
        .group("Global options");
    app.option("-o,--output", f.output,
               "output format: json (pretty on a terminal), jsonl, csv (RFC 4180), yaml, table (cut to the terminal's "
               "width), text (tab-separated values, backslash-escaped so that a record is one line)")
        .one_of({"json", "jsonl", "csv", "yaml", "table", "text"})
        .group("Global options");
    app.option("--fields", f.fields, "only these fields, comma-separated (dotted paths allowed); csv, text and table columns "
                                     "in this order")
        .group("Global options");
    app.flag("--no-headers", f.no_headers, "csv, table: no header row").group("Global options");
    app.flag("--headers", f.headers, "text: a header line of column names first (none by default)").group("Global options");
    app.flag("--bom", f.bom, "csv: start with a UTF-8 byte-order mark, for Excel").group("Global options");
    app.flag("--wide", f.wide, "table: show every cell whole instead of cutting to the terminal's width").group("Global options");
    app.option("--jq", f.jq,
               "run this jq program on the response (on each item with --all) and print its outputs as `jq -r` does; "
               "not with -o csv|yaml|table|text or --fields. For aggregates across --all pages, pipe JSON Lines to `jq -s`")
        .not_empty()
        .type_name("EXPR")
        .group("Global options");
    app.flag("-v,--verbose", f.verbose, "log the HTTP exchange and pacing decisions on stderr").group("Global options");
    app.flag("--dry-run", f.dry_run, "print the request as JSON and send nothing").group("Global options");
    app.flag("--insecure", f.insecure, "skip TLS certificate verification (warns every time)").group("Global options");
    app.flag("-q,--quiet", f.quiet, "no progress or wait notices on stderr").group("Global options");
    // Read by run_cli before the parse (its errors use it); declared here for --help and completion.
    app.option("--error-format", [&f](const std::string& v) { f.settings["error_format"] = v; },
               "errors on stderr: text (a message and a hint) or json (one object a line); auto, the default: text "
               "when stderr is a terminal (CCAI_ERROR_FORMAT, error_format in the profile)")
        .one_of({"auto", "json", "text"})
        .group("Global options");
}

std::string retry_notice_text(const RetryNotice& n, const std::string& rate_limit, const std::string& host) {
    const double pause = std::chrono::duration<double>(n.pause).count();
    if (n.rejected)
        return fmt::format("the service rejected a call ({}); backing off {:.1f}s{}", n.status == 0 ? 429 : n.status, pause,
                           n.pacer_allowed ? fmt::format("; the account's limit may be lower than --rate-limit {}", rate_limit) : "");
    const auto what = n.status != 0 ? fmt::format("{} answered {}", host, n.status) : fmt::format("cannot reach {}: {}", host, n.error);
    return fmt::format("{}; retry {} of {} in {:.1f}s", what, n.next_attempt - 1, n.max_attempts - 1, pause);
}

Result<Config> load_config(const Context& c) {
    ConfigSources sources = c.sources;
    sources.flags = c.flags.settings;
    return Config::load(sources);
}

namespace {
// "credentials of profile 'prod': client_id from env CCAI_CLIENT_ID, client_secret from credentials [prod]
// (/home/u/.config/ccai/credentials)":
// where a rejected secret has to be fixed.
std::string credentials_in_use(const Config& config) {
    const auto origin = [&](std::string_view key) {
        const auto it = config.all().find(key);
        return it == config.all().end() ? std::string("nowhere") : it->second.origin;
    };
    if (config.has("token")) return fmt::format("credentials of profile '{}': token from {}", config.profile(), origin("token"));
    return fmt::format("credentials of profile '{}': client_id from {}, client_secret from {}", config.profile(),
                       origin("client_id"), origin("client_secret"));
}
}  // namespace

Result<Session> open_session(const Context& c, Config config, bool wait_notices, std::function<void(Duration)> on_wait) {
    Session s;
    s.config = std::move(config);
    c.credentials_in_use = credentials_in_use(s.config);
    ClientOptions o;
    o.config = s.config;
    o.transport_options.insecure = c.flags.insecure;
    o.interruption = c.interruption;
    std::FILE* err = c.console.err;
    // The client redacts every line before it reaches this sink (ClientOptions::log).
    if (c.flags.verbose) o.log = [err](const std::string& line) { std::fprintf(err, "* %s\n", line.c_str()); };
    o.getenv = c.sources.getenv;  // the environment `cache clear` reads
    o.on_warning = [err](const std::string& line) { std::fprintf(err, "warning: %s\n", line.c_str()); };
    if (wait_notices && c.console.err_tty && !c.flags.quiet) {
        o.on_wait = [err, limit = s.config.get("rate_limit")](Duration d) {
            std::fprintf(err, "waiting %.1fs: %s shared with other processes\n", std::chrono::duration<double>(d).count(),
                         limit.c_str());
        };
        o.on_retry = [err, limit = s.config.get("rate_limit"), host = s.config.get("host")](const RetryNotice& n) {
            std::fprintf(err, "%s\n", retry_notice_text(n, limit, host).c_str());
        };
    }
    if (on_wait) o.on_wait = std::move(on_wait);
    if (c.client_setup) c.client_setup(o);
    auto client = Client::create(std::move(o));
    if (!client) return client.error();
    s.client = std::make_unique<Client>(std::move(*client));
    return s;
}

}  // namespace ccai::cli
