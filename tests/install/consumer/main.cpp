#include <cstdio>

#include <ccai/config.hpp>
#include <ccai/endpoint.hpp>
#include <ccai/operations.hpp>

int main() {
    ccai::Config config;
    config.set("host", "https://example.invalid", "consumer");
    const auto* spec = ccai::find_endpoint("skills.get");
    if (spec == nullptr) return 1;
    const auto path = spec->path();
    // A typed request as the SDK's documentation writes it: only the fields given, by name. Built with
    // -Wall -Wextra -Werror, so a header that makes this warn fails the test.
    const ccai::ops::SkillsGet request{.skill_id = "sk-1"};
    if (!request.skill_id || request.bot_id) return 1;
    const ccai::CallArgs args{.body = nlohmann::json{{"name", "n"}}};
    if (!args.body || !args.params.empty()) return 1;
    std::printf("%.*s %s\n", static_cast<int>(path.size()), path.data(), config.get("host").c_str());
    return 0;
}
