// batch::set_body_path: the body path syntax of body_path.hpp, for callers that hold a path's text.
#include "ccai/batch.hpp"
#include "ccai/body_path.hpp"

namespace ccai::batch {

Result<Unit> set_body_path(nlohmann::json& body, std::string_view path, nlohmann::json value) {
    auto steps = parse_body_path(path);
    if (!steps) return steps.error();
    if (auto set = ccai::set_body_path(body, *steps, path, std::move(value)); !set) return set.error();
    return Unit{};
}

}  // namespace ccai::batch
