#include "output/yaml_emitter.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "output/utf8_text.hpp"

namespace ccai::cli {

namespace {

// yaml-cpp quotes a string only when YAML's syntax needs it (a leading space, ": ", "null"), not when a
// reader's schema would resolve it to another type. Quoted here: anything a YAML 1.1 or 1.2 reader could take
// for a boolean or null, and anything that starts like a number, a date or a special float (".inf"): a
// string that begins with a digit, a sign or a dot is quoted even when it would stay a string, which costs
// two characters and saves knowing every reader's number syntax.
bool resolves_to_non_string(std::string_view s) {
    static constexpr std::array<std::string_view, 27> words = {
        "y",    "Y",    "yes",  "Yes",  "YES",   "n",     "N",     "no",   "No",   "NO",   "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "="};
    if (s.empty()) return true;
    if (std::find(words.begin(), words.end(), s) != words.end()) return true;
    return std::string_view("0123456789+-.").find(s.front()) != std::string_view::npos;
}

// U+0085, U+2028 and U+2029 are line breaks to a YAML 1.1 reader: written raw, even inside quotes, they end
// or fold the value (PyYAML refuses them plain). Such a string is written double-quoted with its non-ASCII
// characters escaped (\x85, \u2028), which every reader turns back into the same text.
bool holds_yaml_line_break(std::string_view s) {
    return s.find("\xC2\x85") != std::string_view::npos || s.find("\xE2\x80\xA8") != std::string_view::npos ||
           s.find("\xE2\x80\xA9") != std::string_view::npos;
}

void emit_string(YAML::Emitter& out, const std::string& s) {
    const auto text = valid_utf8(s);
    if (holds_yaml_line_break(text)) out << YAML::DoubleQuoted << YAML::EscapeNonAscii;
    else if (resolves_to_non_string(text)) out << YAML::DoubleQuoted;
    out << text;
}

// A number as -o json writes it, except that an exponent without a fraction gets one: "1e+308" is a float
// to a YAML 1.2 reader but a string to a YAML 1.1 reader (PyYAML), while "1.0e+308" is a float to both.
std::string number_text(const nlohmann::json& v) {
    auto text = v.dump();
    if (v.is_number_float() && text.find('.') == std::string::npos)
        if (const auto e = text.find_first_of("eE"); e != std::string::npos) text.insert(e, ".0");
    return text;
}

void emit(YAML::Emitter& out, const nlohmann::json& v) {
    if (v.is_structured() && v.empty()) out << YAML::Flow;  // `key: {}` rather than `{}` on a line of its own
    switch (v.type()) {
    case nlohmann::json::value_t::object:
        out << YAML::BeginMap;
        for (const auto& [k, item] : v.items()) {
            out << YAML::Key;
            emit_string(out, k);
            out << YAML::Value;
            emit(out, item);
        }
        out << YAML::EndMap;
        break;
    case nlohmann::json::value_t::array:
        out << YAML::BeginSeq;
        for (const auto& item : v) emit(out, item);
        out << YAML::EndSeq;
        break;
    case nlohmann::json::value_t::string: emit_string(out, v.get_ref<const std::string&>()); break;
    case nlohmann::json::value_t::null: out << YAML::Null; break;
    case nlohmann::json::value_t::boolean: out << (v.get<bool>() ? "true" : "false"); break;
    default: out << number_text(v); break;
    }
}

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
    YAML::Emitter out;
    out.SetNullFormat(YAML::LowerNull);
    emit(out, value);
    return std::string(out.c_str(), out.size()) + "\n";
}

}  // namespace ccai::cli
