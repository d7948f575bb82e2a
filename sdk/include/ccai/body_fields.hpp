#pragma once
/// @file body_fields.hpp
/// @brief What the catalog says about the fields of a body: which are described, their types, and the names
/// a mistyped one may have meant. The documentation is incomplete, so a field the catalog does not
/// describe is not refused here: the CLI decides (refused in --set, a warning for --body and batch lines).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/body_path.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai {

/// @brief The catalog's type of the body field `name` (catalog spelling, "agents[].userId"); for `list[]`
/// that is not listed itself, the element type of a listed `list` of type `array[T]`. "" when the row has
/// no type; nullopt when the catalog does not list the field.
std::optional<std::string_view> body_field_type(const EndpointSpec& spec, std::string_view name);

/// @brief Whether every step of `steps` (the text `path`) is a field the catalog describes, or lies inside a
/// listed field whose inside it leaves free (`metadata.anything` under an `object` with no listed fields).
/// An operation whose catalog lists no body field describes nothing, and every path passes. Otherwise
/// invalid_input naming the first unknown step, and the nearest known name when it is a likely typo:
/// "unknown body field 'fristName' for agents create; did you mean 'firstName'?".
Result<Unit> check_body_path_known(const EndpointSpec& spec, std::span<const BodyPathStep> steps, std::string_view path);

/// @brief The fields of `body` the catalog does not describe (as check_body_path_known judges them), in
/// catalog spelling ("queues[].colour"), each once, in the order found; what is inside an unknown field is
/// not looked at. For an array body, the fields of every item.
std::vector<std::string> unknown_body_fields(const EndpointSpec& spec, const nlohmann::json& body);

/// @brief `text` read as a value of catalog type `type`: a string type ("string", "date", "datetime") is the
/// text itself; "integer", "number", "boolean", "object" and "array..." are the JSON of that kind, nullopt
/// when the text is not one (or nests too deep). nullopt for any other type.
std::optional<nlohmann::json> json_of_type(std::string_view type, std::string_view text);

/// @brief True for the catalog's string types: the text of a value is the value.
bool is_text_type(std::string_view type);

/// @brief True for the types json_of_type reads as JSON: integer, number, boolean, object, array....
bool is_json_type(std::string_view type);

}  // namespace ccai
