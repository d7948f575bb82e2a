// Header values and names, from every way one gets in: CallArgs::extra_headers (`api -H` builds the same
// pair), the settings that become headers (account_id, bot_id, token), and check_headers itself.
// Input: 1 byte picking where the text goes, then "name\0value" (no NUL: the whole text is the value).
// Invariant: whatever is accepted holds no CR, LF or NUL in any header of the request, and every name is
// a token that is not reserved (Host, Content-Length, ...).
#include <cstddef>
#include <cstdint>
#include <string>

#include "ccai/request_builder.hpp"

namespace {

bool clean(const ccai::Headers& headers) {
    for (const auto& [name, value] : headers) {
        if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) return false;
        if (!ccai::is_header_name(name) || ccai::is_reserved_header(name)) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto nul = text.find('\0');
    const std::string name = nul == std::string::npos ? "X-Fuzz" : text.substr(0, nul);
    const std::string value = nul == std::string::npos ? text : text.substr(nul + 1);

    ccai::Config config;
    config.set("host", "https://cc.example.com", "fuzz");
    config.set("account_id", "acc", "fuzz");
    config.set("bot_id", "st-1", "fuzz");
    ccai::CallArgs args;
    switch (data[0] % 4) {
        case 0: args.extra_headers.emplace_back(name, value); break;
        case 1: config.set("account_id", value, "env CCAI_ACCOUNT_ID"); break;
        case 2: config.set("bot_id", value, "flag"); break;
        default: config.set("token", value, "env CCAI_TOKEN"); break;
    }
    if (ccai::check_headers({{name, value}}) && !clean({{name, value}})) __builtin_trap();
    if (ccai::check_header_settings(config) && !ccai::header_value_problem(config.get("token")).empty()) __builtin_trap();
    const auto req = ccai::build_request(*ccai::find_endpoint("queues.list"), args, config);
    if (req && !clean(req->headers)) __builtin_trap();
    if (!req && req.error().kind != ccai::ErrorKind::invalid_input && req.error().kind != ccai::ErrorKind::config)
        __builtin_trap();
    return 0;
}
