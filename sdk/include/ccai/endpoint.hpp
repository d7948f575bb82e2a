#pragma once
/// @file endpoint.hpp
/// @brief The endpoint catalog as C++ data: one EndpointSpec per CCAI operation.
///
/// The table is generated at build time from endpoints/endpoints.json (see endpoints/gen_endpoints.cpp).
/// It drives the typed SDK, the CLI command tree, completions and ccai-mock.

#include <optional>
#include <span>
#include <string_view>

namespace ccai {

/// @brief Tri-state "required" as the catalog records it (unknown = the docs do not say).
enum class Required { no, yes, unknown };

/// @brief A path or query parameter.
struct ParamSpec {
    std::string_view name;  ///< catalog name, e.g. "skillGroupId"
    std::string_view type;  ///< "string", "integer", "number", "boolean", "array[string]" or ""
    Required required;
    std::string_view desc;
    std::string_view default_value;          ///< "" when none documented
    std::span<const std::string_view> enums;  ///< allowed values, empty when free
};

/// @brief A body field; nested fields use dotted / `[]` notation ("queues[].id").
struct FieldSpec {
    std::string_view name;
    std::string_view type;
    Required required;
    std::string_view desc;
    std::span<const std::string_view> enums;
};

/// @brief A header besides `auth`, filled from the profile ("account_id" or "bot_id").
struct HeaderSpec {
    std::string_view name;
    std::string_view from;
    Required required;
};

/// @brief A fixed query value the SDK always sends (e.g. campaignType=sms).
struct ConstQuery {
    std::string_view name;
    std::string_view value;
};

/// @brief How a list operation pages ("skip-limit", "page", "offset", "page in request body", ...).
struct PaginationSpec {
    std::string_view style;
    std::span<const std::string_view> params;
    std::string_view notes;
};

/// @brief One operation of the catalog.
struct EndpointSpec {
    std::string_view id;      ///< "group.action"
    std::string_view group;   ///< CLI group, e.g. "skill-groups"
    std::string_view action;  ///< CLI action, e.g. "create"
    std::string_view title;
    std::string_view doc;
    std::string_view method;  ///< GET, POST, PUT, DELETE
    std::string_view path;    ///< with {placeholders}
    std::span<const ParamSpec> path_params;
    std::span<const ParamSpec> query_params;
    std::span<const ConstQuery> const_query;
    std::span<const HeaderSpec> headers;
    std::string_view content_type;  ///< "" when no body is documented
    std::span<const FieldSpec> body;
    bool body_is_array;
    std::span<const std::string_view> response_fields;
    std::string_view response_list_key;  ///< "" for non-list operations
    std::optional<PaginationSpec> pagination;
    std::string_view notes;

    /// @brief True for a multipart upload (the request takes a file, not a JSON body).
    [[nodiscard]] bool is_multipart() const { return content_type == "multipart/form-data"; }
    /// @brief True when the operation takes a JSON body.
    [[nodiscard]] bool takes_body() const {
        return !is_multipart() && (content_type == "application/json" || !body.empty());
    }
};

/// @brief All operations, in catalog order.
std::span<const EndpointSpec> endpoints();

/// @brief The operation with this id ("skills.get"), or nullptr.
const EndpointSpec* find_endpoint(std::string_view id);

/// @brief The operation for a CLI group and action, or nullptr.
const EndpointSpec* find_endpoint(std::string_view group, std::string_view action);

}  // namespace ccai
