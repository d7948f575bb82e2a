#include "batch/batch_constants.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ccai/body_path.hpp"

namespace ccai::cli {

namespace {

bool names_param(const EndpointSpec& spec, std::string_view name) {
    for (const auto ps : {spec.path_params(), spec.query_params()})
        if (std::any_of(ps.begin(), ps.end(), [&](const ParamSpec& p) { return p.name() == name; })) return true;
    return false;
}

bool names_top_body_field(const EndpointSpec& spec, std::string_view name) {
    const auto body = spec.body();
    return std::any_of(body.begin(), body.end(), [&](const FieldSpec& f) { return f.name() == name; });
}

}  // namespace

Result<Unit> check_constants(const std::vector<BodyAssignment>& sets) {
    for (const auto& a : sets) {
        const char* flag = a.json ? "--set-json" : "--set";
        const auto eq = body_assignment_split(a.text);
        if (eq == std::string::npos || eq == 0)
            return invalid_input(fmt::format("{} {}: expected PATH={}", flag, quoted_excerpt(a.text, 64), a.json ? "JSON" : "VALUE"));
        if (auto steps = parse_body_path(std::string_view(a.text).substr(0, eq)); !steps)
            return invalid_input(fmt::format("{}: {}", flag, steps.error().message));
    }
    return Unit{};
}

batch::ItemTransform constants_transform(std::vector<BodyAssignment> sets, bool allow_unknown) {
    if (sets.empty()) return {};
    return [sets = std::move(sets), allow_unknown](batch::Item& item) -> Result<Unit> {
        std::vector<BodyAssignment> body_sets;
        for (const auto& a : sets) {
            const auto eq = body_assignment_split(a.text);
            const auto path = a.text.substr(0, eq);
            if (!a.json && names_param(*item.spec, path)) {
                item.args.params[path] = a.text.substr(eq + 1);
                if (!names_top_body_field(*item.spec, path)) continue;  // skills.create's skillGroupId is both
            }
            body_sets.push_back(a);
        }
        if (body_sets.empty()) return Unit{};
        auto body = apply_assignments(*item.spec, item.args.body.value_or(nlohmann::json()), body_sets, allow_unknown);
        if (!body) return body.error();
        item.args.body = std::move(*body);
        return Unit{};
    };
}

}  // namespace ccai::cli
