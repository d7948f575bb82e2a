// Creates one skill group per name given, and says what went wrong, in a way a script can act on, when
// one cannot be created.
//
//   create_skill_groups NAME...
//
// Settings as for ccai-cli (CCAI_* variables, else the profile in ~/.config/ccai).
#include <cstdio>
#include <string>
#include <utility>

#include <ccai/client.hpp>

namespace {

// What to tell the user about a failed call, by kind: each kind calls for something different.
int report(const std::string& name, const ccai::ApiError& e) {
    const std::string kind(to_string(e.kind));  // "invalid_input", "auth", "rate_limited", ...
    std::fprintf(stderr, "%s: %s: %s", name.c_str(), kind.c_str(), e.message.c_str());
    if (e.http_status != 0) std::fprintf(stderr, " (HTTP %d)", e.http_status);
    std::fprintf(stderr, "\n");
    switch (e.kind) {
        case ccai::ErrorKind::invalid_input:  // nothing was sent: fix the input
            return 2;
        case ccai::ErrorKind::config:  // fix the settings (ccai-cli config init / config set)
        case ccai::ErrorKind::auth:    // a wrong client id or secret, or a token without access
            return 3;
        case ccai::ErrorKind::rate_limited:  // the pacer and the retries were not enough: try later
            if (e.retry_after) std::fprintf(stderr, "retry in %.0f s\n", e.retry_after->count() / 1000.0);
            return 4;
        case ccai::ErrorKind::network:  // may or may not have reached the service
            if (e.maybe_reached_server) std::fprintf(stderr, "it may have been created: list before creating again\n");
            return 5;
        default:
            return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: create_skill_groups NAME...\n");
        return 2;
    }
    auto config = ccai::Config::load({});
    if (!config) return report("settings", config.error());
    ccai::ClientOptions options;  // the rest (transport, pacer, clock, retries) from the config
    options.config = *config;
    auto made = ccai::Client::create(std::move(options));
    if (!made) return report("settings", made.error());
    ccai::Client& client = *made;

    for (int i = 1; i < argc; ++i) {
        const std::string name = argv[i];
        // The typed call: the SDK checks the body against the catalog (a required field missing, a wrong
        // type) before anything is sent, and fills the bot id from the settings.
        auto created = client.skill_groups().create({.body = {{"name", name}}});
        if (!created) return report(name, created.error());
        std::printf("%s\t%s\n", created->value("id", "").c_str(), name.c_str());
    }
    return 0;
}
