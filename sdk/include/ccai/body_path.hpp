#pragma once
/// @file body_path.hpp
/// @brief Paths into a JSON body, one syntax for the CLI's `--set` / `--set-json` and batch's CSV `--map`:
///
/// - `a.b`     the field `b` of the object `a`
/// - `a[0].b`  an element of the list `a`: an existing one, or the next one (index = size), never further
/// - `a[]`     a new element appended to `a`
/// - `a[-1]`   the last element of `a` (`--set a[].b=1 --set a[-1].c=2` builds one element)
/// - `a\.b`    a key holding a dot; a backslash also escapes `[`, `]`, `=` and itself
///
/// Objects and lists are created on the way; a step into a value of another kind (`a.b` when `a` is a
/// string) is refused. Errors are invalid_input and start with `body path 'PATH': `.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"

namespace ccai {

/// @brief One step of a body path.
struct BodyPathStep {
    enum class Kind { key, index, append, last };
    Kind kind = Kind::key;
    std::string key;        ///< Kind::key: the key, unescaped
    std::size_t index = 0;  ///< Kind::index
    std::size_t end = 0;    ///< where the step ends in the path's text: the text up to here names it
};

/// @brief The most steps a path may have. The catalog's deepest field has four; a longer path is a mistake,
/// and the bound keeps the body within the JSON nesting every input is held to (limits.hpp).
inline constexpr std::size_t kMaxBodyPathSteps = 32;

/// @brief Parses a path. Refused: an empty path or step (`a..b`, `.a`, `a.`), an index at the root (`[0]`),
/// an unclosed or non-numeric index (`a[`, `a[x]`), a negative index other than -1, an index of more
/// than six digits (no list is that long: an index may only address an existing element or the next one),
/// a dangling or unknown escape, and more than kMaxBodyPathSteps steps.
Result<std::vector<BodyPathStep>> parse_body_path(std::string_view path);

/// @brief The catalog's spelling of a parsed path: every index becomes `[]` ("agents[0].userId" ->
/// "agents[].userId").
std::string body_path_catalog_name(std::span<const BodyPathStep> steps);

/// @brief Where the path ends in `PATH=VALUE`: the first `=` no backslash escapes; npos when there is none.
std::size_t body_assignment_split(std::string_view assignment);

/// @brief Where set_body_path put a value.
struct BodyPathSet {
    nlohmann::json::json_pointer where;  ///< every `[]` and `[-1]` resolved to an index
    bool replaced = false;               ///< a value was there before (and is gone)
};

/// @brief Sets `value` at the parsed `steps` of `body` (`path` is their text, for messages), creating objects
/// and lists on the way.
Result<BodyPathSet> set_body_path(nlohmann::json& body, std::span<const BodyPathStep> steps, std::string_view path,
                                  nlohmann::json value);

}  // namespace ccai
