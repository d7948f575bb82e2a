// --body (inline JSON; syntax errors turned into line:column) and --set / --set-json assignments.
// Input: the --body text, then optional lines after a NUL byte, each one --set (a line starting with '{'
// is a --set-json without that byte). The operation is agents create, whose catalog types and nests fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "body_input.hpp"
#include "body_sets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    const auto nul = all.find('\0');
    std::string body = all.substr(0, nul);
    if (body.starts_with("@")) body.insert(0, " ");  // inline text only: never read files or stdin
    std::vector<ccai::cli::BodyAssignment> sets;
    if (nul != std::string::npos) {
        std::string rest = all.substr(nul + 1);
        for (size_t pos = 0; pos <= rest.size();) {
            const auto nl = rest.find('\n', pos);
            auto line = rest.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            const bool json = line.starts_with("{");
            sets.push_back({json, json ? line.substr(1) : line});
            if (nl == std::string::npos) break;
            pos = nl + 1;
        }
    }
    auto parsed = ccai::cli::read_body(body);
    nlohmann::json start = parsed ? *parsed : nlohmann::json::object();
    static const auto* spec = ccai::find_endpoint("agents.create");
    auto applied = ccai::cli::apply_assignments(*spec, start, sets, sets.size() % 2 == 0);
    if (applied) (void)applied->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
