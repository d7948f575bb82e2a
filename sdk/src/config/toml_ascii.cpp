#include "config/toml_ascii.hpp"

namespace ccai::detail {

namespace {

bool non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

TextPosition position_of(std::string_view text, std::size_t offset) {
    TextPosition p;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') ++p.line, p.column = 1;
        else ++p.column;
    }
    return p;
}

// The offset of the first non-ASCII byte toml++ would classify, or npos.
std::size_t first_unsafe(std::string_view text) {
    enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
    bool after_eq = false;    // the line's first `=` has been seen...
    bool value_seen = false;  // ...and something after it
    bool free = false;        // the current string is the line's value: non-ASCII allowed
    const auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    const std::size_t begin = starts(0, "\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark, which toml++ skips
    for (std::size_t i = begin; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' && in != In::ml_basic && in != In::ml_literal) {
            in = In::code;
            after_eq = value_seen = false;
            continue;
        }
        switch (in) {
            case In::code:
                if (non_ascii(c)) return i;
                if (blank(c)) break;
                if (c == '#') {
                    in = In::comment;
                } else if (c == '=' && !after_eq) {
                    after_eq = true;
                } else {
                    if (c == '"' || c == '\'') {
                        free = after_eq && !value_seen;
                        const bool triple = starts(i, c == '"' ? "\"\"\"" : "'''");
                        in = c == '"' ? (triple ? In::ml_basic : In::basic) : (triple ? In::ml_literal : In::literal);
                        if (triple) i += 2;
                    }
                    value_seen = after_eq;
                }
                break;
            case In::comment: break;
            case In::basic:
            case In::ml_basic:
                if (non_ascii(c) && !free) return i;
                if (c == '\\' && i + 1 < text.size()) {
                    // toml++ classifies the escaped character and, after a line-ending backslash in a
                    // multi-line string, every character up to the next non-whitespace one.
                    std::size_t j = i + 1;
                    if (in == In::ml_basic)
                        while (j < text.size() && (blank(text[j]) || text[j] == '\n')) ++j;
                    if (j < text.size() && non_ascii(text[j])) return j;
                    if (j == i + 1 && text[j] != '\n') i = j;  // an escaped character: skip it
                    else i = j - 1;                             // go on from the next non-whitespace one
                } else if (in == In::basic && c == '"') {
                    in = In::code;
                } else if (in == In::ml_basic && starts(i, "\"\"\"")) {
                    // A closing run of up to five quotes: the last three close, the others are content.
                    while (i + 1 < text.size() && text[i + 1] == '"') ++i;
                    in = In::code;
                }
                break;
            case In::literal:
            case In::ml_literal:
                if (non_ascii(c) && !free) return i;
                if (in == In::literal && c == '\'') {
                    in = In::code;
                } else if (in == In::ml_literal && starts(i, "'''")) {
                    while (i + 1 < text.size() && text[i + 1] == '\'') ++i;
                    in = In::code;
                }
                break;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::optional<TextPosition> first_non_ascii_outside_values(std::string_view text) {
    const auto at = first_unsafe(text);
    if (at == std::string_view::npos) return std::nullopt;
    return position_of(text, at);
}

}  // namespace ccai::detail
