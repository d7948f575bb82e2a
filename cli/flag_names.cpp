#include "flag_names.hpp"

#include <cctype>

#include "ccai/request_builder.hpp"

namespace ccai::cli {

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The offset of `name` as a whole word outside '...' in `text`, or npos. Quotes open and close at word
// edges only, so an apostrophe inside a word ("don't") does not start a quoted span.
std::size_t unquoted_word(const std::string& text, const std::string& name) {
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\'') {
            const bool at_edge = quoted ? i + 1 == text.size() || !word_char(text[i + 1]) : i == 0 || !word_char(text[i - 1]);
            if (at_edge) quoted = !quoted;
            continue;
        }
        if (quoted || text.compare(i, name.size(), name) != 0) continue;
        const bool starts = i == 0 || !word_char(text[i - 1]);
        const bool ends = i + name.size() == text.size() || !word_char(text[i + name.size()]);
        if (starts && ends) return i;
    }
    return std::string::npos;
}

}  // namespace

ApiError with_flag_names(ApiError error) {
    for (const auto& name : error.parameters) {
        if (name.empty()) continue;
        if (const auto at = unquoted_word(error.message, name); at != std::string::npos)
            error.message.replace(at, name.size(), "--" + kebab_case(name));
    }
    return error;
}

}  // namespace ccai::cli
