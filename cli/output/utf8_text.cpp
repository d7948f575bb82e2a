#include "output/utf8_text.hpp"

#include "ccai/utf8.hpp"

namespace ccai::cli {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

}  // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto n = utf8_sequence_length(text.substr(i));
        if (n == 0) {
            out += kReplacement;
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++width) i += std::max<std::size_t>(1, utf8_sequence_length(text.substr(i)));
    return width;
}

std::string fit_width(std::string_view text, std::size_t width) {
    if (display_width(text) <= width) return std::string(text);
    if (width == 0) return "";
    std::size_t end = 0;
    for (std::size_t kept = 0; kept + 1 < width && end < text.size(); ++kept)
        end += std::max<std::size_t>(1, utf8_sequence_length(text.substr(end)));
    return std::string(text.substr(0, end)).append(kEllipsis);
}

}  // namespace ccai::cli
