// `ccai-cli config set KEY [VALUE]`, `config get KEY`, `config unset KEY`: one setting of the selected
// profile (--profile, CCAI_PROFILE, else default), changed on its own line of config.toml or credentials.
#include <fmt/format.h>

#include "ccai/config_edit.hpp"
#include "ccai/redact.hpp"
#include "commands/config_commands.hpp"
#include "commands/config_prompt.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

namespace {

struct EditArgs {
    std::string key;
    std::string value;
    bool value_given = false;
};

// The profile the command changes, when its name can be written as a [table] header.
Result<std::string> profile_to_edit(const Context& c) {
    auto profile = selected_profile(config_sources(c));
    if (auto ok = check_profile_name(profile); !ok) return ok.error();
    return profile;
}

// A setting that the environment overrides keeps the old value in effect: said, so the change is not a mystery.
void note_environment(const Context& c, const SettingSpec& spec) {
    if (spec.env.empty()) return;
    if (environment_value(c, std::string(spec.env).c_str()))
        std::fprintf(c.console.err, "note: %s is set in the environment and takes precedence over the profile\n",
                     std::string(spec.env).c_str());
}

// A setting in config.toml that the credentials file also holds: Config::load reads the credentials' value.
void note_credentials(const Context& c, const SettingSpec& spec, const std::string& dir, const std::string& profile) {
    if (spec.secret) return;
    const auto creds = dir + "/credentials";
    auto values = read_profile_values(creds, profile, true);
    if (values && *values && (*values)->contains(std::string(spec.key)))
        std::fprintf(c.console.err, "note: %s is also set in [%s] of %s, which takes precedence\n",
                     std::string(spec.key).c_str(), profile.c_str(), creds.c_str());
}

// The secret for `config set`: typed without echo at a terminal, else the whole of stdin.
Result<std::string> secret_value(const Context& c, const SettingSpec& spec, const std::string& profile) {
    const std::string key(spec.key);
    if (stdin_is_terminal()) return ask_secret(c.console.err, fmt::format("{} for [{}]: ", key, profile));
    return secret_from_stdin(key);
}

int run_set(const Context& c, const EditArgs& a) {
    auto spec = find_setting(a.key);
    if (!spec) return c.fail(spec.error());
    const std::string key((*spec)->key);
    auto profile = profile_to_edit(c);
    if (!profile) return c.fail(profile.error());
    std::string value;
    if ((*spec)->secret) {
        if (a.value_given)
            return c.fail(invalid_input(fmt::format(
                "{} is a secret and is not taken from the command line, where other users can read it (ps, shell "
                "history): run `ccai-cli config set {}` and type it, or pipe it in: echo \"$SECRET\" | "
                "ccai-cli config set {}",
                key, key, key)));
        auto read = secret_value(c, **spec, *profile);
        if (!read) return c.fail(read.error());
        value = std::move(*read);
        register_secret(value);  // masked in any message from here on
    } else {
        if (!a.value_given) return c.fail(invalid_input(fmt::format("config set {}: give the VALUE: ccai-cli config set {} VALUE", key, key)));
        value = a.value;
    }
    struct Cleanse {
        std::string& v;
        ~Cleanse() { secure_clear(v); }
    } cleanse{value};
    if (auto ok = check_setting_value(**spec, value); !ok) return c.fail(ok.error());
    const auto dir = config_directory(config_sources(c));
    const auto path = settings_file_for(dir, **spec);
    const SettingChange change{key, value};
    if (auto ok = edit_settings_file(path, *profile, {&change, 1}, (*spec)->secret); !ok) return c.fail(ok.error());
    note_environment(c, **spec);
    note_credentials(c, **spec, dir, *profile);
    return kOk;
}

int run_unset(const Context& c, const EditArgs& a) {
    auto spec = find_setting(a.key);
    if (!spec) return c.fail(spec.error());
    const std::string key((*spec)->key);
    auto profile = profile_to_edit(c);
    if (!profile) return c.fail(profile.error());
    const auto path = settings_file_for(config_directory(config_sources(c)), **spec);
    const SettingChange change{key, std::nullopt};
    auto changed = edit_settings_file(path, *profile, {&change, 1}, (*spec)->secret);
    if (!changed) return c.fail(changed.error());
    if (!*changed) std::fprintf(c.console.err, "%s was not set in [%s] of %s\n", key.c_str(), profile->c_str(), path.c_str());
    return kOk;
}

// The value a command would use (flag > environment > profile > default); a secret masked, as everywhere.
int run_get(const Context& c, const EditArgs& a) {
    auto spec = find_setting(a.key);
    if (!spec) return c.fail(spec.error());
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    const auto& value = config->get((*spec)->key);
    if (value.empty()) {
        ApiError e;  // ErrorKind::other: exit 1, as `git config` and `aws configure get` exit for an unset key
        e.message = fmt::format("{} is not set (profile [{}]); set it with: ccai-cli config set {} VALUE", (*spec)->key,
                                config->profile(), (*spec)->key);
        return c.fail(e);
    }
    std::fprintf(c.console.out, "%s\n", ((*spec)->secret ? mask_secret(value) : value).c_str());
    return kOk;
}

}  // namespace

void add_config_edit_commands(Command config, CommandLine& cl) {
    auto& a = cl.own<EditArgs>();
    auto set = config.add_command("set", "set one setting of the profile (a secret is typed, or read from stdin)");
    set.option("key", a.key, "the setting, as `config list` names it").required().type_name("KEY");
    set.option("value", [&a](const std::string& v) { a.value = v, a.value_given = true; }, "its value (not for secrets)")
        .type_name("VALUE");
    set.footer("Examples:\n  ccai-cli config set bot_id st-1234\n  ccai-cli --profile eu config set host https://eu-platform.kore.ai\n"
               "  ccai-cli config set client_secret          (asks for it without echo)\n"
               "  echo \"$SECRET\" | ccai-cli config set client_secret");
    set.on_chosen([&cl, &a] { cl.action = [&c = cl.context, &a] { return run_set(c, a); }; });

    auto get = config.add_command("get", "print the value in effect of one setting (secrets masked)");
    get.option("key", a.key, "the setting").required().type_name("KEY");
    get.footer("Example:\n  ccai-cli --profile eu config get bot_id");
    get.on_chosen([&cl, &a] { cl.action = [&c = cl.context, &a] { return run_get(c, a); }; });

    auto unset = config.add_command("unset", "remove one setting from the profile");
    unset.option("key", a.key, "the setting").required().type_name("KEY");
    unset.footer("Example:\n  ccai-cli --profile eu config unset org_id");
    unset.on_chosen([&cl, &a] { cl.action = [&c = cl.context, &a] { return run_unset(c, a); }; });
}

}  // namespace ccai::cli
