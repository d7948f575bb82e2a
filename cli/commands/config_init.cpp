// `ccai-cli config init`: a profile's connection settings in one go. At a terminal it asks for each one the
// flags did not give (the secret without echo); elsewhere it takes the flags, and the secret from
// CCAI_CLIENT_SECRET or, with --client-secret-stdin, from stdin. The secret goes to credentials, the rest to
// config.toml, each written as `config set` writes.
#include <algorithm>

#include <fmt/format.h>

#include "ccai/config_edit.hpp"
#include "ccai/redact.hpp"
#include "commands/config_commands.hpp"
#include "commands/config_prompt.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

namespace {

struct InitArgs {
    bool force = false;
    bool secret_stdin = false;
};

// What init asks for, in this order; a run without a terminal must give the required ones.
struct Asked {
    const char* key;
    const char* question;
    bool required;
};
constexpr Asked kAsked[] = {
    {"host", "API host", false},  // has a default
    {"account_id", "Account id", true},
    {"bot_id", "Bot (app) id", true},
    {"org_id", "Organization id", false},  // only some operations need it
    {"client_id", "Client id", true},
    {"client_secret", "Client secret", true},
};

const SettingSpec& spec_for(const char* key) { return **find_setting(key); }

// How a flag spells a setting in messages: --account-id.
std::string flag_of(std::string_view key) {
    std::string f = "--" + std::string(key);
    std::replace(f.begin(), f.end(), '_', '-');
    return f;
}

// Asks until the answer is valid (or the input ends): an empty answer keeps `current`.
Result<std::string> ask_valid(const Context& c, const Asked& q, const std::string& current) {
    const auto& spec = spec_for(q.key);
    const bool secret = spec.secret;
    for (;;) {
        const auto hint = current.empty() ? std::string() : fmt::format(" [{}]", secret ? "keep the current one" : current);
        auto answer = secret ? ask_secret(c.console.err, fmt::format("{}{}: ", q.question, hint))
                             : ask(c.console.err, fmt::format("{}{}: ", q.question, hint));
        if (!answer) return answer;
        if (answer->empty() && current.empty() && q.required) {
            std::fprintf(c.console.err, "%s is needed to call the API\n", q.question);
            continue;
        }
        if (answer->empty()) return current;
        if (secret) register_secret(*answer);
        if (auto ok = check_setting_value(spec, *answer); !ok) {
            std::fprintf(c.console.err, "%s\n", ok.error().message.c_str());
            continue;
        }
        return answer;
    }
}

int run_init(const Context& c, const InitArgs& a) {
    const auto sources = config_sources(c);
    const auto profile = selected_profile(sources);
    if (auto ok = check_profile_name(profile); !ok) return c.fail(ok.error());
    const auto dir = config_directory(sources);
    const auto config_path = dir + "/config.toml", creds_path = dir + "/credentials";
    auto existing = read_profile_values(config_path, profile, false);
    if (!existing) return c.fail(existing.error());
    auto existing_creds = read_profile_values(creds_path, profile, true);
    if (!existing_creds) return c.fail(existing_creds.error());
    // A profile with settings is not overwritten by accident; an empty [profile] table holds nothing to lose.
    const auto has_values = [](const auto& m) { return m && !m->empty(); };
    if ((has_values(*existing) || has_values(*existing_creds)) && !a.force)
        return c.fail(invalid_input(fmt::format(
            "profile [{}] already exists in {}: --force changes the settings given and keeps the others; "
            "`ccai-cli config set KEY VALUE` changes one",
            profile, has_values(*existing) ? config_path : creds_path)));
    const auto current = [&](const char* key) -> std::string {
        for (const auto* m : {&*existing, &*existing_creds})
            if (*m)
                if (const auto it = (*m)->find(key); it != (*m)->end()) return it->second;
        return "";
    };

    std::map<std::string, std::string> values;  // what to write
    struct Cleanse {
        std::map<std::string, std::string>& m;
        ~Cleanse() {
            for (auto& [k, v] : m) secure_clear(v);
        }
    } cleanse{values};
    const bool interactive = stdin_is_terminal() && !a.secret_stdin;
    if (a.secret_stdin) {
        // At a terminal "stdin" is the keyboard: the secret is typed without echo, not read to EOF in the clear.
        auto secret = stdin_is_terminal() ? ask_secret(c.console.err, "Client secret: ") : secret_from_stdin("client_secret");
        if (!secret) return c.fail(secret.error());
        register_secret(*secret);
        values["client_secret"] = std::move(*secret);
    } else if (auto env = environment_value(c, "CCAI_CLIENT_SECRET")) {
        // Not asked for, so the user is told where it came from.
        if (interactive) std::fprintf(c.console.err, "client secret: from CCAI_CLIENT_SECRET\n");
        values["client_secret"] = std::move(*env);
    }
    for (const auto& q : kAsked) {
        const auto& spec = spec_for(q.key);
        if (!spec.secret)
            if (const auto it = c.flags.settings.find(q.key); it != c.flags.settings.end()) values[q.key] = it->second;
        if (values.contains(q.key) || !interactive) continue;
        auto have = current(q.key);
        if (have.empty()) have = std::string(spec.default_value);
        auto answer = ask_valid(c, q, have);
        if (!answer) return c.fail(answer.error());
        if (!answer->empty() && *answer != current(q.key)) values[q.key] = std::move(*answer);
    }
    std::vector<std::string> missing;
    for (const auto& q : kAsked) {
        if (!q.required || values.contains(q.key) || !current(q.key).empty()) continue;
        missing.push_back(spec_for(q.key).secret ? "the client secret (CCAI_CLIENT_SECRET, or --client-secret-stdin)" : flag_of(q.key));
    }
    if (!missing.empty())
        return c.fail(invalid_input(fmt::format("config init: missing {}{}", fmt::join(missing, ", "),
                                                interactive ? "" : " (stdin is not a terminal, so nothing is asked)")));
    for (const auto& [key, value] : values)
        if (auto ok = check_setting_value(spec_for(key.c_str()), value); !ok) return c.fail(ok.error());

    // The secret first: a profile without its secret fails at the first call, one with a secret and no
    // settings is harmless.
    std::vector<SettingChange> settings, secrets;
    for (const auto& q : kAsked)
        if (const auto it = values.find(q.key); it != values.end())
            (spec_for(q.key).secret ? secrets : settings).push_back({q.key, it->second});
    const auto cleanse_changes = [](std::vector<SettingChange>& v) {
        for (auto& ch : v)
            if (ch.value) secure_clear(*ch.value);
    };
    auto wrote_secret = secrets.empty() ? Result<bool>(false) : edit_settings_file(creds_path, profile, secrets, true);
    cleanse_changes(secrets);
    if (!wrote_secret) return c.fail(wrote_secret.error());
    auto wrote = settings.empty() ? Result<bool>(false) : edit_settings_file(config_path, profile, settings, false);
    if (!wrote) return c.fail(wrote.error());
    std::vector<std::string> files;
    if (*wrote) files.push_back(config_path);
    if (*wrote_secret) files.push_back(creds_path);
    if (files.empty()) std::fprintf(c.console.err, "profile [%s]: nothing changed\n", profile.c_str());
    else std::fprintf(c.console.err, "profile [%s] written to %s\n", profile.c_str(), fmt::format("{}", fmt::join(files, " and ")).c_str());
    return kOk;
}

}  // namespace

void add_config_init_command(Command config, CommandLine& cl) {
    auto& a = cl.own<InitArgs>();
    auto init = config.add_command(
        "init", "create a profile: asks at a terminal, else takes --host, --account-id, --bot-id, --org-id, --client-id "
                "and CCAI_CLIENT_SECRET or --client-secret-stdin");
    init.flag("--force", a.force, "change a profile that already exists (the settings given; the others stay)");
    init.flag("--client-secret-stdin", a.secret_stdin, "read the client secret from stdin (nothing is asked)");
    init.footer("Examples:\n  ccai-cli config init                        (asks for each setting)\n"
                "  echo \"$SECRET\" | ccai-cli --profile eu config init --host https://eu-platform.kore.ai \\\n"
                "      --account-id acc-1 --bot-id st-1 --client-id cs-1 --client-secret-stdin");
    init.on_chosen([&cl, &a] { cl.action = [&c = cl.context, &a] { return run_init(c, a); }; });
}

}  // namespace ccai::cli
