#include "body_input.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "ccai/limits.hpp"
#include "output/text_writer.hpp"

namespace ccai::cli {

namespace {

// Byte offset (0-based) -> "line L, column C", for people editing a file.
std::string position_text(std::string_view text, size_t offset) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return fmt::format("line {}, column {}", line, col);
}

// The text of --body: inline, @- (stdin) or @FILE, read whole but never more than a body may hold. Opening
// never waits for a FIFO's writer (open_input_file): one that has none yet reads as empty, and `fifo` says so.
Result<std::string> body_text(const std::string& flag, const std::string& source, bool& fifo) {
    if (!flag.starts_with("@")) return flag;
    if (flag == "@-") return read_bounded(STDIN_FILENO, kMaxBodyBytes, source);
    auto fd = open_input_file(flag.substr(1), source);
    if (!fd) return fd.error();
    struct stat st{};
    fifo = ::fstat(*fd, &st) == 0 && S_ISFIFO(st.st_mode);
    auto text = read_bounded(*fd, kMaxBodyBytes, source);
    ::close(*fd);
    return text;
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while parsing
// object - unexpected '}'; expected string literal": the part after the position, which says what was
// expected there; control bytes of the text it quotes escaped, and cut short.
std::string parse_error_detail(const nlohmann::json::parse_error& e) {
    std::string_view what = e.what();
    if (const auto at = what.find(": syntax error "); at != std::string_view::npos) what.remove_prefix(at + 2);
    else if (const auto colon = what.find("]"); colon != std::string_view::npos) what.remove_prefix(colon + 1);
    while (what.starts_with(' ')) what.remove_prefix(1);
    const auto out = escape_text(what.substr(0, 200));
    return what.size() > 200 ? out + "..." : out;
}

}  // namespace

Result<nlohmann::json> read_body(const std::string& flag) {
    const std::string source = flag == "@-" ? "--body @- (stdin)" : flag.starts_with("@") ? "--body " + flag : "--body";
    bool fifo = false;
    auto read = body_text(flag, source, fifo);
    if (!read) return read.error();
    const std::string& text = *read;
    // Say so rather than point at line 1, column 1.
    if (text.empty())
        return invalid_input(fifo ? fmt::format("{}: a FIFO that no program was writing to: start the writer first "
                                                "(ccai-cli does not wait for one)", source)
                                  : fmt::format("{}: empty, expected JSON", source));
    // Before parsing: a deeper value would overflow the stack when it is copied or sent.
    if (const auto at = json_depth_exceeded_at(text))
        return invalid_input(fmt::format("{}: {} at {}", source, json_too_deep_text(), position_text(text, *at)));
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::out_of_range& e) {
        // e.g. a number too large for a double, "1e999" (fuzz_body_input): was an uncaught exception.
        return invalid_input(fmt::format("{}: invalid JSON: {}", source, e.what()));
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based.
        return invalid_input(fmt::format("{}: invalid JSON at {}: {}", source, position_text(text, e.byte > 0 ? e.byte - 1 : 0),
                                         parse_error_detail(e)));
    }
}

}  // namespace ccai::cli
