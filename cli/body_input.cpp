#include "body_input.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

namespace ccai::cli {

Result<nlohmann::json> read_body(const std::string& flag) {
    std::string text = flag;
    std::string source = "--body";
    if (flag == "@-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        source = "--body @- (stdin)";
    } else if (flag.starts_with("@")) {
        // libstdc++ throws when a stream reads a directory, so check for a regular file first.
        std::error_code ec;
        std::ifstream in;
        if (std::filesystem::is_regular_file(flag.substr(1), ec)) in.open(flag.substr(1), std::ios::binary);
        if (!in) return invalid_input(fmt::format("--body {}: not a readable file", flag));
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        source = "--body " + flag;
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::out_of_range& e) {
        // e.g. a number too large for a double, "1e999" (fuzz_body_input): was an uncaught exception.
        return invalid_input(fmt::format("{}: invalid JSON: {}", source, e.what()));
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based; turn it into line:column for people editing a file.
        size_t line = 1, col = 1;
        for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
        }
        return invalid_input(fmt::format("{}: invalid JSON at line {}, column {}", source, line, col));
    }
}

Result<nlohmann::json> apply_sets(nlohmann::json body, const std::vector<std::string>& sets) {
    if (sets.empty()) return body;
    if (body.is_null()) body = nlohmann::json::object();
    if (!body.is_object()) return invalid_input("--set needs a JSON object body");
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return invalid_input(fmt::format("--set {}: expected path=value", s));
        const std::string path = s.substr(0, eq);
        const std::string raw = s.substr(eq + 1);
        auto value = nlohmann::json::parse(raw, nullptr, false);
        if (value.is_discarded()) value = raw;
        nlohmann::json* node = &body;
        std::stringstream parts(path);
        std::string part;
        std::vector<std::string> keys;
        while (std::getline(parts, part, '.')) {
            if (part.empty()) return invalid_input(fmt::format("--set {}: empty path segment", s));
            keys.push_back(part);
        }
        for (size_t i = 0; i + 1 < keys.size(); ++i) {
            node = &(*node)[keys[i]];
            if (node->is_null()) *node = nlohmann::json::object();
            if (!node->is_object()) return invalid_input(fmt::format("--set {}: '{}' is not an object", s, keys[i]));
        }
        (*node)[keys.back()] = value;
    }
    return body;
}

}  // namespace ccai::cli
