#pragma once
// --set PATH=VALUE and --set-json PATH=JSON: fields of the body one at a time, in command-line order, with
// the path syntax of ccai/body_path.hpp and values typed by the catalog.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai::cli {

/// One --set or --set-json as typed.
struct BodyAssignment {
    bool json = false;  ///< --set-json: the value is JSON (objects and lists too)
    std::string text;   ///< PATH=VALUE
};

/// Applies `sets` to `body` (null: a new object) for `spec`. --set: a string field takes the text as it is
/// ("4915..." and "true" stay strings); an integer, number or boolean field takes the text read as one; an
/// object or list field is refused (it takes --set-json); a field the catalog does not type takes the text's
/// JSON reading when it has one, else the text. A field the catalog does not describe is refused with a
/// did-you-mean unless `allow_unknown`. A field set twice by these flags is refused; one from --body is
/// replaced. Every error is invalid_input.
Result<nlohmann::json> apply_assignments(const EndpointSpec& spec, nlohmann::json body,
                                         const std::vector<BodyAssignment>& sets, bool allow_unknown);

}  // namespace ccai::cli
