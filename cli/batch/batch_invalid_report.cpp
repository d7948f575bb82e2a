#include "batch/batch_invalid_report.hpp"

#include <fmt/format.h>

#include "exit_codes.hpp"

namespace ccai::cli {

namespace {

// The catalog's field name in "... lacks required field 'NAME' ...", or "".
std::string required_field(const std::string& message) {
    constexpr std::string_view kLacks = "lacks required field '";
    const auto at = message.find(kLacks);
    if (at == std::string::npos) return "";
    const auto from = at + kLacks.size();
    const auto end = message.find('\'', from);
    return end == std::string::npos ? "" : message.substr(from, end - from);
}


std::string hint_for(const std::string& message, bool csv) {
    if (const auto field = required_field(message); !field.empty())
        return csv ? fmt::format("add a column and --map it, or --set {}=VALUE", field)
                   : fmt::format("add it to each line's \"body\", or --set {}=VALUE", field);
    if (message.find("missing required parameter") != std::string::npos)
        return csv ? "add a column named after the parameter (or --map one to it), or --set NAME=VALUE"
                   : "add it to each line's \"params\", or --set NAME=VALUE";
    if (message.find("not valid JSON") != std::string::npos) return "each line must be one JSON object";
    if (message.find("the header has") != std::string::npos)
        return "quote cells that hold the delimiter (\"a,b\"), and double quotes inside them (\"\")";
    if (message.find("unknown operation") != std::string::npos) return "ccai-cli --help lists the groups, and each group's --help its operations";
    if (message.find("the catalog does not describe") != std::string::npos)
        return "fix the name, or --allow-unknown-fields to send them anyway";
    return "";
}

}  // namespace

std::string line_ranges_text(const std::vector<std::pair<long long, long long>>& ranges, long long more) {
    std::string out;
    for (const auto& [a, b] : ranges) {
        if (!out.empty()) out += ", ";
        out += a == b ? std::to_string(a) : fmt::format("{}-{}", a, b);
    }
    if (more > 0) out += fmt::format(" and {} more range{}", more, more == 1 ? "" : "s");
    return out;
}

void InvalidReport::add(const batch::Item& item, long long ordinal) {
    ++lines_;
    const auto& problem = *item.problem;
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) {
        return g.problem.kind == problem.kind && g.problem.message == problem.message;
    });
    if (it == groups_.end()) {
        if (groups_.size() == kMaxGroups) {
            if (other_lines_++ == 0) other_first_ = item.line;
            return;
        }
        Group g;
        g.problem = problem;
        it = groups_.insert(groups_.end(), std::move(g));
    }
    ++it->count;
    if (it->last_ordinal == ordinal - 1 && it->more_ranges == 0) it->ranges.back().second = item.line;
    else if (it->ranges.size() < kMaxRanges) it->ranges.emplace_back(item.line, item.line);
    else ++it->more_ranges;
    it->last_ordinal = ordinal;
}

std::vector<nlohmann::json> InvalidReport::report(bool skipped) const {
    std::vector<nlohmann::json> out;
    for (const auto& g : groups_) {
        auto j = error_with_exit_code(g.problem);
        const auto where = line_ranges_text(g.ranges, g.more_ranges);
        const auto lines = g.count == 1 ? std::string("line") : "lines";
        const auto hint = hint_for(g.problem.message, csv_);
        const auto field = required_field(g.problem.message);
        std::string text = !field.empty()
            ? fmt::format("{} {} {} required field '{}' ({} {})", g.count, lines, g.count == 1 ? "lacks" : "lack", field, lines, where)
            : fmt::format("{} {} ({} {}): {}", g.count, lines, lines, where, g.problem.message);
        if (!hint.empty()) text += ": " + hint;
        j["problem"] = g.problem.message;
        j["message"] = std::move(text);
        j["count"] = g.count;
        j["lines"] = where;
        j["first_line"] = g.ranges.front().first;
        if (skipped) j["skipped"] = true;
        out.push_back({{"error", std::move(j)}});
    }
    if (other_lines_ > 0) {
        auto j = error_with_exit_code(invalid_input(fmt::format(
            "{} more invalid line{} with other problems, first at line {} (fix the problems above, then run again to "
            "see them)", other_lines_, other_lines_ == 1 ? "" : "s", other_first_)));
        j["count"] = other_lines_;
        j["first_line"] = other_first_;
        if (skipped) j["skipped"] = true;
        out.push_back({{"error", std::move(j)}});
    }
    return out;
}

}  // namespace ccai::cli
