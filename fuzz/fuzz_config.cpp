// config.toml and credentials through Config::load. Input: config.toml text, then (after a NUL byte) the
// credentials file. Files live in a private temporary directory made once per process.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "ccai/config.hpp"

namespace {
const std::string& dir() {
    static const std::string d = [] {
        std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/ccai-fuzz-XXXXXX";
        if (!::mkdtemp(tmpl.data())) std::abort();
        return tmpl;
    }();
    return d;
}
void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    ::chmod(path.c_str(), 0600);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const auto nul = all.find('\0');
    write(dir() + "/config.toml", all.substr(0, nul));
    write(dir() + "/credentials", nul == std::string::npos ? std::string() : all.substr(nul + 1));
    for (const char* profile : {"", "default", "prod"}) {
        ccai::ConfigSources s;
        s.config_dir = dir();
        s.getenv = [profile](const char* name) -> std::optional<std::string> {
            if (std::string(name) == "CCAI_PROFILE") return std::string(profile);
            return std::nullopt;
        };
        auto c = ccai::Config::load(s);
        if (c) {
            for (const auto& [k, v] : c->all()) (void)ccai::mask_secret(v.value);
            (void)c->profiles();
        }
    }
    return 0;
}
