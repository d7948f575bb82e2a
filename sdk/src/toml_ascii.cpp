#include "toml_ascii.hpp"

namespace ccai::detail {

std::optional<TextPosition> first_non_ascii_outside_strings(std::string_view text) {
    enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
    TextPosition pos;
    const auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            if (in != In::ml_basic && in != In::ml_literal) in = In::code;
            ++pos.line;
            pos.column = 1;
            continue;
        }
        switch (in) {
            case In::code:
                if (static_cast<unsigned char>(c) >= 0x80) return pos;
                if (c == '#') in = In::comment;
                else if (starts(i, "\"\"\"")) in = In::ml_basic, i += 2, pos.column += 2;
                else if (starts(i, "'''")) in = In::ml_literal, i += 2, pos.column += 2;
                else if (c == '"') in = In::basic;
                else if (c == '\'') in = In::literal;
                break;
            case In::comment: break;
            case In::basic:
            case In::ml_basic:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i, ++pos.column;
                else if (in == In::basic && c == '"') in = In::code;
                else if (in == In::ml_basic && starts(i, "\"\"\"")) {
                    // A closing run of up to five quotes: the last three close, the others are content.
                    while (i + 1 < text.size() && text[i + 1] == '"') ++i, ++pos.column;
                    in = In::code;
                }
                break;
            case In::literal:
            case In::ml_literal:
                if (in == In::literal && c == '\'') in = In::code;
                else if (in == In::ml_literal && starts(i, "'''")) {
                    while (i + 1 < text.size() && text[i + 1] == '\'') ++i, ++pos.column;
                    in = In::code;
                }
                break;
        }
        ++pos.column;
    }
    return std::nullopt;
}

}  // namespace ccai::detail
