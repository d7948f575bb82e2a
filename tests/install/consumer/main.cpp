#include <cstdio>

#include <ccai/config.hpp>
#include <ccai/endpoint.hpp>

int main() {
    ccai::Config config;
    config.set("host", "https://example.invalid", "consumer");
    const auto* spec = ccai::find_endpoint("skills.get");
    if (spec == nullptr) return 1;
    const auto path = spec->path();
    std::printf("%.*s %s\n", static_cast<int>(path.size()), path.data(), config.get("host").c_str());
    return 0;
}
