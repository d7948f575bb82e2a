// batch --input: JSON Lines, parsed and then validated exactly as the CLI does before sending anything.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ccai/batch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    auto input = ccai::batch::read_jsonl(in);
    if (!input) return 0;
    ccai::Config config;
    config.set("bot_id", "st-bot", "fuzz");
    config.set("account_id", "acc", "fuzz");
    config.set("org_id", "o-org", "fuzz");
    ccai::batch::validate(*input, config);
    (void)ccai::batch::invalid_items(*input);
    return 0;
}
