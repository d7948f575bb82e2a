// --skip-existing: which list operation can tell whether a create's line already exists.
#include <algorithm>

#include <fmt/format.h>

#include "ccai/batch.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::batch {

Result<const EndpointSpec*> existing_lookup(const EndpointSpec& create, std::string_view field) {
    if (create.action() != "create")
        return invalid_input(fmt::format("--skip-existing applies to create operations, and {} is not one", create.id()));
    const auto body = create.body();
    if (std::none_of(body.begin(), body.end(), [&](const FieldSpec& f) { return f.name() == field; }))
        return invalid_input(fmt::format("--skip-existing {}: not a top-level body field of {}", field, create.id()));
    const auto* list = find_endpoint(fmt::format("{}.list", create.group()));
    if (!list || !list->read_only() || list->response_list_key().empty() || !list->pagination())
        return invalid_input(fmt::format("--skip-existing {}: the catalog has no list operation for {} to look lines up "
                                         "in; without it, existing items cannot be found", field, create.id()));
    // Listed once for the whole input: a parameter only a line could give (skills.list's skillGroupId) is
    // not known then.
    for (const auto& p : list->path_params())
        if (profile_key_for(p.name()).empty())
            return invalid_input(fmt::format("--skip-existing {}: {} needs {} for each line, which one listing cannot "
                                             "cover", field, list->id(), p.name()));
    return list;
}

}  // namespace ccai::batch
