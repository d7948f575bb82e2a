// Body paths for CSV mapping: "a.b", "queues[0].id", "tags[2]".
#include <cctype>
#include <variant>

#include <fmt/format.h>

#include "ccai/batch.hpp"

namespace ccai::batch {

namespace {

using Step = std::variant<std::string, size_t>;  // object key or array index

// An index this large is a typo, not a body: refuse it rather than allocate a huge array.
constexpr size_t kMaxIndex = 10'000;

Result<std::vector<Step>> parse_path(std::string_view path) {
    std::vector<Step> steps;
    const auto bad = [&] { return invalid_input(fmt::format("bad body path '{}' (use a.b or list[0].field)", path)); };
    size_t i = 0;
    while (i < path.size()) {
        const auto end = path.find_first_of(".[", i);
        const auto key = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (key.empty()) return bad();
        steps.emplace_back(std::string(key));
        i = end == std::string_view::npos ? path.size() : end;
        while (i < path.size() && path[i] == '[') {
            const auto close = path.find(']', i);
            if (close == std::string_view::npos || close == i + 1) return bad();
            size_t n = 0;
            for (size_t k = i + 1; k < close; ++k) {
                if (!std::isdigit(static_cast<unsigned char>(path[k]))) return bad();
                n = n * 10 + static_cast<size_t>(path[k] - '0');
                if (n > kMaxIndex) return bad();
            }
            steps.emplace_back(n);
            i = close + 1;
        }
        if (i < path.size()) {
            if (path[i] != '.' || i + 1 == path.size()) return bad();
            ++i;
        }
    }
    if (steps.empty()) return bad();
    return steps;
}

}  // namespace

Result<Unit> set_body_path(nlohmann::json& body, std::string_view path, nlohmann::json value) {
    auto steps = parse_path(path);
    if (!steps) return steps.error();
    nlohmann::json* at = &body;
    for (const auto& step : *steps) {
        if (const auto* key = std::get_if<std::string>(&step)) {
            if (at->is_null()) *at = nlohmann::json::object();
            if (!at->is_object()) return invalid_input(fmt::format("body path '{}': '{}' is not inside an object", path, *key));
            at = &(*at)[*key];
        } else {
            const auto index = std::get<size_t>(step);
            if (at->is_null()) *at = nlohmann::json::array();
            if (!at->is_array()) return invalid_input(fmt::format("body path '{}': [{}] is not inside a list", path, index));
            while (at->size() <= index) at->push_back(nullptr);
            at = &(*at)[index];
        }
    }
    *at = std::move(value);
    return Unit{};
}

}  // namespace ccai::batch
