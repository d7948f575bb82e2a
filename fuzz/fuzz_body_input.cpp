// --body (inline JSON; syntax errors turned into line:column) and --set path=value assignments.
// Input: the --body text, then optional lines after a NUL byte, each one --set.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "body_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const auto nul = all.find('\0');
    std::string body = all.substr(0, nul);
    if (body.starts_with("@")) body.insert(0, " ");  // inline text only: never read files or stdin
    std::vector<std::string> sets;
    if (nul != std::string::npos) {
        std::string rest = all.substr(nul + 1);
        for (size_t pos = 0; pos <= rest.size();) {
            const auto nl = rest.find('\n', pos);
            sets.push_back(rest.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
            if (nl == std::string::npos) break;
            pos = nl + 1;
        }
    }
    auto parsed = ccai::cli::read_body(body);
    nlohmann::json start = parsed ? *parsed : nlohmann::json::object();
    auto applied = ccai::cli::apply_sets(start, sets);
    if (applied) (void)applied->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
