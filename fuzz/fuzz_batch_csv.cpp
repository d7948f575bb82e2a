// batch --input with --op/--map: RFC 4180 CSV. The first input byte picks the operation and mapping.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ccai/batch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    ccai::batch::CsvOptions o;
    switch (data[0] % 4) {
        case 0: o.op = "skill-groups.create"; break;
        case 1: o.op = "agents.create"; o.map = {{"email", "emailId"}, {"skip", ""}}; break;
        case 2: o.op = "skills.create"; o.map = {{"group", "skillGroupId"}, {"q", "queues[0].id"}}; o.id_column = "id"; break;
        default: o.op = "agents.list"; o.map = {{"p", "page"}}; break;
    }
    std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    auto input = ccai::batch::read_csv(in, o);
    if (!input) return 0;
    ccai::Config config;
    config.set("bot_id", "st-bot", "fuzz");
    config.set("account_id", "acc", "fuzz");
    ccai::batch::validate(*input, config);
    return 0;
}
