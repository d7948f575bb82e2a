#include "unknown_fields.hpp"

#include <fmt/format.h>

namespace ccai::cli {

namespace {
constexpr std::size_t kNamesShown = 10;  // a body of a thousand strange keys makes a warning, not a page
constexpr std::size_t kNameShown = 80;   // and a key of a megabyte, a line

std::string shown_name(std::string_view name) { return quoted_excerpt(name, kNameShown); }
}  // namespace

Result<UnknownFields> unknown_fields_policy(bool strict, bool allow) {
    if (strict && allow)
        return invalid_input("--strict and --allow-unknown-fields exclude each other: --strict refuses body fields the "
                             "catalog does not describe, --allow-unknown-fields sends them without a word");
    return strict ? UnknownFields::refuse : allow ? UnknownFields::allow : UnknownFields::warn;
}

std::string quoted_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kNamesShown; ++i) out += (i == 0 ? "" : ", ") + shown_name(names[i]);
    if (names.size() > kNamesShown) out += fmt::format(" and {} more", names.size() - kNamesShown);
    return out;
}

ApiError unknown_fields_error(const EndpointSpec& spec, const std::vector<std::string>& names) {
    return invalid_input(fmt::format("{}: body fields the catalog does not describe: {} (refused by --strict; "
                                     "--allow-unknown-fields sends them)", spec.id(), quoted_names(names)));
}

void warn_unknown_fields(std::FILE* err, const std::string& where, const std::string& detail) {
    std::fprintf(err, "warning: %s: body fields the catalog does not describe, sent as given (--strict refuses them, "
                      "--allow-unknown-fields silences this): %s\n", where.c_str(), detail.c_str());
}

}  // namespace ccai::cli
