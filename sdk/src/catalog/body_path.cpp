// Body paths: "a.b", "a[0].b", "a[]", "a[-1]", "a\.b" (body_path.hpp).
#include "ccai/body_path.hpp"

#include <fmt/format.h>

namespace ccai {

namespace {

using nlohmann::json;
using Kind = BodyPathStep::Kind;

// Six digits read without overflow, and far past any list a body holds; the real bound is the list's size.
constexpr std::size_t kMaxIndexDigits = 6;

bool escapable(char c) { return c == '.' || c == '[' || c == ']' || c == '=' || c == '\\'; }

// A path may be as long as a CSV header cell: a message shows its start.
constexpr std::size_t kPathShown = 80;

ApiError bad_path(std::string_view path, std::string_view why) {
    return invalid_input(fmt::format("body path {}: {}", quoted_excerpt(path, kPathShown), why));
}

// The step inside "[...]" that starts at `open`; `close` is its ']'.
Result<BodyPathStep> bracket_step(std::string_view path, std::size_t open, std::size_t close) {
    const auto inside = path.substr(open + 1, close - open - 1);
    BodyPathStep step;
    step.end = close + 1;
    if (inside.empty()) {
        step.kind = Kind::append;
        return step;
    }
    if (inside == "-1") {
        step.kind = Kind::last;
        return step;
    }
    if (inside.starts_with('-'))
        return bad_path(path, fmt::format("[{}]: only [-1] (the last element) counts from the end", inside));
    for (const char c : inside)
        if (c < '0' || c > '9')
            return bad_path(path, fmt::format("[{}] is not an index (use [N], [] to append, or [-1] for the last element)", inside));
    if (inside.size() > kMaxIndexDigits) return bad_path(path, fmt::format("index [{}] is beyond any list", inside));
    step.kind = Kind::index;
    step.index = std::stoul(std::string(inside));
    return step;
}

// A key up to the next unescaped '.' or '['; `i` moves past it.
Result<BodyPathStep> key_step(std::string_view path, std::size_t& i) {
    BodyPathStep step;
    while (i < path.size() && path[i] != '.' && path[i] != '[') {
        if (path[i] == ']') return bad_path(path, "']' without its '['");
        if (path[i] == '\\') {
            if (i + 1 == path.size() || !escapable(path[i + 1]))
                return bad_path(path, "a backslash escapes only '.', '[', ']', '=' or '\\'");
            ++i;
        }
        step.key += path[i++];
    }
    step.end = i;
    return step;
}

std::string_view kind_name(const json& v) {
    if (v.is_object()) return "an object";
    if (v.is_array()) return "a list";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    return "null";
}

}  // namespace

Result<std::vector<BodyPathStep>> parse_body_path(std::string_view path) {
    if (path.empty()) return bad_path(path, "empty (use a.b, list[0].field, list[].field or list[-1].field)");
    std::vector<BodyPathStep> steps;
    std::size_t i = 0;
    while (true) {
        if (i < path.size() && path[i] == '[')
            return bad_path(path, steps.empty() ? "a path starts with a field name, not an index"
                                                : "a field name must follow '.' (write a[0], not a.[0])");
        auto key = key_step(path, i);
        if (!key) return key.error();
        if (key->key.empty()) return bad_path(path, "empty field name (a leading, trailing or doubled '.')");
        steps.push_back(std::move(*key));
        while (i < path.size() && path[i] == '[') {
            const auto close = path.find(']', i);
            if (close == std::string_view::npos) return bad_path(path, "'[' without its ']'");
            auto step = bracket_step(path, i, close);
            if (!step) return step.error();
            steps.push_back(*step);
            i = close + 1;
            if (steps.size() > kMaxBodyPathSteps) break;
        }
        if (steps.size() > kMaxBodyPathSteps) return bad_path(path, fmt::format("more than {} steps", kMaxBodyPathSteps));
        if (i == path.size()) return steps;
        if (path[i] != '.') return bad_path(path, fmt::format("expected '.' or '[' after '{}'", path.substr(0, i)));
        ++i;
        if (i == path.size()) return bad_path(path, "empty field name (a leading, trailing or doubled '.')");
    }
}

std::string body_path_catalog_name(std::span<const BodyPathStep> steps) {
    std::string out;
    for (const auto& s : steps) {
        if (s.kind != Kind::key) out += "[]";
        else out += (out.empty() ? "" : ".") + s.key;
    }
    return out;
}

std::size_t body_assignment_split(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\') ++i;
        else if (text[i] == '=') return i;
    }
    return std::string_view::npos;
}

Result<BodyPathSet> set_body_path(json& body, std::span<const BodyPathStep> steps, std::string_view path, json value) {
    json* at = &body;
    json::json_pointer where;
    bool fresh = false;  // the last step made the place it points to
    std::size_t parent_end = 0;  // the text naming the value `at` points to; 0: the body itself
    for (const auto& step : steps) {
        const auto parent = path.substr(0, parent_end);
        const auto shown = parent.empty() ? std::string("the body") : fmt::format("'{}'", parent);
        parent_end = step.end;
        if (step.kind == Kind::key) {
            if (at->is_null()) *at = json::object();
            if (!at->is_object()) return bad_path(path, fmt::format("{} is {}, not an object with fields", shown, kind_name(*at)));
            where /= step.key;
            fresh = !at->contains(step.key);
            at = &(*at)[step.key];
            continue;
        }
        if (at->is_null()) *at = json::array();
        const auto list = parent;
        if (!at->is_array()) return bad_path(path, fmt::format("{} is {}, not a list", shown, kind_name(*at)));
        std::size_t index = at->size();
        if (step.kind == Kind::last) {
            if (at->empty()) return bad_path(path, fmt::format("'{}' has no last element ([-1]); add one with '{}[]'", list, list));
            index = at->size() - 1;
        } else if (step.kind == Kind::index) {
            if (step.index > at->size())
                return bad_path(path, fmt::format("index [{}] is beyond the end of '{}' ({} element{}: use [{}] or [] to add one)",
                                                  step.index, list, at->size(), at->size() == 1 ? "" : "s", at->size()));
            index = step.index;
        }
        fresh = index == at->size();
        if (fresh) at->push_back(nullptr);
        where /= std::to_string(index);
        at = &(*at)[index];
    }
    *at = std::move(value);
    return BodyPathSet{std::move(where), !fresh};
}

}  // namespace ccai
