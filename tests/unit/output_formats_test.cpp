// The output formats one by one, without a command around them: the CSV writer, the YAML emitter, text
// escaping, the table's cutting to width, and the jq wrapper.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "output/csv_writer.hpp"
#include "output/jq_program.hpp"
#include "output/table_layout.hpp"
#include "output/text_writer.hpp"
#include "output/utf8_text.hpp"
#include "output/yaml_emitter.hpp"
#include "support/csv_reader.hpp"

using namespace ccai::cli;
using nlohmann::json;

namespace {

// What a writer puts on a FILE*, as a string.
template <class Fn>
std::string written(Fn&& write) {
    char* data = nullptr;
    size_t size = 0;
    std::FILE* f = ::open_memstream(&data, &size);
    REQUIRE(f);
    write(f);
    std::fclose(f);
    std::string out(data, size);
    std::free(data);
    return out;
}

// YAML read back into JSON: scalars as a YAML 1.2 reader resolves them, so a string that should have been
// quoted comes back as a number, a boolean or null and the round trip fails.
json from_yaml(const YAML::Node& n) {
    switch (n.Type()) {
    case YAML::NodeType::Map: {
        json o = json::object();
        for (const auto& kv : n) o[kv.first.as<std::string>()] = from_yaml(kv.second);
        return o;
    }
    case YAML::NodeType::Sequence: {
        json a = json::array();
        for (const auto& item : n) a.push_back(from_yaml(item));
        return a;
    }
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: {
        if (n.Tag() == "!") return n.as<std::string>();  // quoted: a string whatever it spells
        const auto s = n.as<std::string>();
        if (s == "true" || s == "false") return s == "true";
        if (s == "null" || s == "~" || s.empty()) return nullptr;
        const auto parsed = json::parse(s, nullptr, false);
        return parsed.is_number() ? parsed : json(s);
    }
    default: return nullptr;
    }
}

json yaml_round_trip(const json& v) { return from_yaml(YAML::Load(to_yaml(v))); }

std::vector<std::string> jq_outputs(const std::string& program, const json& input, std::optional<std::string>* error = nullptr) {
    auto compiled = JqProgram::compile(program);
    REQUIRE(std::holds_alternative<JqProgram>(compiled));
    std::vector<std::string> out;
    const auto e = std::get<JqProgram>(compiled).run(input, [&](std::string_view s) {
        out.emplace_back(s);
        return true;
    });
    if (error) *error = e;
    else CHECK_MESSAGE(!e, e.value_or(""));
    return out;
}

}  // namespace

TEST_CASE("csv: fields are quoted only when RFC 4180 requires it, quotes doubled") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field("tab\there") == "tab\there");
    CHECK(csv_record({"a", "b,c"}) == "a,\"b,c\"\r\n");
    CHECK(csv_record({""}) == "\"\"\r\n");  // not an empty line, which readers skip
}

TEST_CASE("csv: a header, then one record per row; nested values as compact JSON; read back by a strict reader") {
    const json rows = json::parse(R"([
        {"id": "a,1", "name": "Zoë \"the\" agent\nsecond line", "tags": ["x", "y"], "meta": {"k": 1}, "n": null, "ok": true},
        {"id": "b", "name": "\t日本語", "extra": 12345678901234567890}
    ])");
    const auto text = written([&](std::FILE* f) { write_csv(f, rows, {}, CsvOptions{}); });
    const auto records = ccai::test::read_csv(text);
    REQUIRE(records.size() == 3);
    // Columns in the order -o json prints the keys, first seen first.
    CHECK(records[0] == std::vector<std::string>{"id", "meta", "n", "name", "ok", "tags", "extra"});
    CHECK(records[1] == std::vector<std::string>{"a,1", "{\"k\":1}", "", "Zoë \"the\" agent\nsecond line", "true", "[\"x\",\"y\"]", ""});
    CHECK(records[2] == std::vector<std::string>{"b", "", "", "\t日本語", "", "", "12345678901234567890"});
}

TEST_CASE("csv: --fields sets the columns and their order, dotted paths included; --no-headers and --bom") {
    const json rows = json::parse(R"([{"id": 1, "profile": {"email": "a@x"}, "name": "A"}])");
    const auto text = written([&](std::FILE* f) { write_csv(f, rows, {"name", "profile.email", "missing", "id"}, CsvOptions{}); });
    CHECK(text == "name,profile.email,missing,id\r\nA,a@x,,1\r\n");
    CHECK(written([&](std::FILE* f) { write_csv(f, rows, {"id"}, CsvOptions{false, false}); }) == "1\r\n");
    CHECK(written([&](std::FILE* f) { write_csv(f, rows, {"id"}, CsvOptions{true, true}); }) == "\xEF\xBB\xBFid\r\n1\r\n");
}

TEST_CASE("csv: empty lists, scalars, a NUL byte and invalid UTF-8") {
    CHECK(written([](std::FILE* f) { write_csv(f, json::array(), {}, CsvOptions{}); }).empty());
    CHECK(written([](std::FILE* f) { write_csv(f, json::array(), {"id"}, CsvOptions{}); }) == "id\r\n");
    CHECK(written([](std::FILE* f) { write_csv(f, json::array({"a", 1, nullptr}), {}, CsvOptions{}); }) == "a\r\n1\r\n\"\"\r\n");
    const auto nul = written([](std::FILE* f) { write_csv(f, json::array({json{{"v", std::string("a\0b", 3)}}}), {}, CsvOptions{}); });
    CHECK(nul == std::string("v\r\na\0b\r\n", 8));
    const auto bad = written([](std::FILE* f) { write_csv(f, json::array({json{{"v", "\xff\xfe"}}}), {}, CsvOptions{}); });
    CHECK(bad == "v\r\n\xEF\xBF\xBD\xEF\xBF\xBD\r\n");
}

TEST_CASE("yaml: strings that spell another type stay strings; every JSON value reads back the same") {
    const json v = json::parse(R"({
        "zip": "0012", "flag": "true", "no": "no", "nil": "null", "tilde": "~", "empty": "", "neg": "-5", "float": "1.5",
        "inf": ".inf", "date": "2024-01-01", "colon": "a: b", "hash": "# not a comment", "lead": " space",
        "multi": "line 1\nline 2\n", "tab": "a\tb", "quote": "say \"hi\"", "unicode": "Zoë — 日本語 😀",
        "nul": "a\u0000b", "n": 12, "big": 12345678901234567890, "neg_n": -3, "pi": 3.25, "t": true, "f": false, "z": null,
        "obj": {}, "arr": [], "nested": [[1, [2, {"k": [null]}]], {"a": {"b": {"c": "d"}}}],
        "key with: colon": 1, "123": "numeric key", "true": "bool key"
    })");
    CHECK(yaml_round_trip(v) == v);
    for (const auto& s : {"0012", "true", "null", "", "yes", "off", "1e3", "-", "0x1F"}) CHECK(yaml_round_trip(json(s)) == json(s));
    CHECK(yaml_round_trip(json::array()) == json::array());
    CHECK(yaml_round_trip(nullptr) == nullptr);
}

TEST_CASE("yaml: block style, keys in -o json's order, non-ASCII written as is") {
    const auto text = to_yaml(json::parse(R"({"b": "Zoë", "a": [1, "0012"], "c": {}})"));
    CHECK(text == "a:\n  - 1\n  - \"0012\"\nb: Zoë\nc: {}\n");
    CHECK(to_yaml(json("\xff")) == "\xEF\xBF\xBD\n");  // invalid UTF-8 replaced, as -o json does
    // Line breaks only to a YAML 1.1 reader (NEL, LINE and PARAGRAPH SEPARATOR) are escaped, in keys too.
    CHECK(to_yaml(json("a\xC2\x85" "b")) == "\"a\\x85b\"\n");
    CHECK(to_yaml(json{{"k\xE2\x80\xA8", "\xE2\x80\xA9Zoë"}}) == "\"k\\u2028\": \"\\u2029Zo\\xeb\"\n");
    CHECK(yaml_round_trip(json{{"k\xE2\x80\xA8", "\xE2\x80\xA9Zoë\xC2\x85"}}) == json{{"k\xE2\x80\xA8", "\xE2\x80\xA9Zoë\xC2\x85"}});
    CHECK(to_yaml(json::parse("[1e308, 1.5e-7, 2.5, -0.0, 18446744073709551615]")) ==
          "- 1.0e+308\n- 1.5e-07\n- 2.5\n- -0.0\n- 18446744073709551615\n");
}

TEST_CASE("yaml: deep nesting is emitted, up to the SDK's limit on a response's depth") {
    json v = "leaf";
    for (int i = 0; i < 300; ++i) v = json::array({v});
    CHECK(yaml_round_trip(v) == v);
    // yaml-cpp's reader stops at 500 levels (its own guard); the emitter goes as deep as a response may.
    for (int i = 300; i < 512; ++i) v = json::array({v});
    const auto text = to_yaml(v);
    CHECK(text.find("leaf") != std::string::npos);
}

TEST_CASE("text: tab, newline, CR, backslash and NUL are escaped, one record per line") {
    CHECK(escape_text("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e");
    CHECK(escape_text(std::string("x\0y", 3)) == "x\\0y");
    CHECK(escape_text("\x1b[2Jred\x07\x7f") == "\\x1b[2Jred\\x07\\x7f");  // a terminal sees no escape sequence
    CHECK(escape_text("Zoë 日本") == "Zoë 日本");
    const json rows = json::parse(R"([{"id": "a", "note": "x\ty\nz"}, {"id": "b", "extra": [1]}])");
    // Columns in the order first seen; a row without one has an empty cell there.
    CHECK(written([&](std::FILE* f) { write_text(f, rows, {}, false); }) == "a\tx\\ty\\nz\t\nb\t\t[1]\n");
    CHECK(written([&](std::FILE* f) { write_text(f, rows, {}, true); }) == "id\tnote\textra\na\tx\\ty\\nz\t\nb\t\t[1]\n");
    CHECK(written([&](std::FILE* f) { write_text(f, rows, {"note", "id"}, true); }) == "note\tid\nx\\ty\\nz\ta\n\tb\n");
}

TEST_CASE("table: cells are cut to the width by code point, with an ellipsis, never inside a character") {
    CHECK(display_width("Zoë") == 3);
    CHECK(display_width("日本語") == 3);
    CHECK(display_width("\xff" "a") == 2);  // an invalid byte counts as one column
    CHECK(fit_width("abcdef", 4) == "abc…");
    CHECK(fit_width("abcd", 4) == "abcd");
    CHECK(fit_width("ÄÖÜßé", 3) == "ÄÖ…");
    CHECK(fit_width("😀😀😀", 2) == "😀…");
    CHECK(fit_width("abc", 1) == "…");
    CHECK(fit_width("abc", 0) == "");
    CHECK(valid_utf8("a\xC3") == "a\xEF\xBF\xBD");  // a sequence cut short by the server
    CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");              // overlong
}

TEST_CASE("table: the widest columns give way first; narrow ones keep their width") {
    CHECK(fit_columns({5, 10}, 2, 0) == std::vector<size_t>{5, 10});
    CHECK(fit_columns({5, 10}, 2, 17) == std::vector<size_t>{5, 10});
    CHECK(fit_columns({5, 10}, 2, 12) == std::vector<size_t>{5, 5});
    CHECK(fit_columns({5, 30, 40}, 2, 40) == std::vector<size_t>{5, 16, 15});  // the spare column to the first
    CHECK(fit_columns({20, 20, 20}, 2, 5) == std::vector<size_t>{3, 3, 3});  // no room: the minimum, wider than asked
    CHECK(fit_columns({}, 2, 10).empty());
}

TEST_CASE("table: a row stays on one line and within the width; --no-headers; no limit when not a terminal") {
    const json rows = json::parse(R"([{"id": "q-1", "name": "Zoë's queue\twith a tab and a long tail", "obj": {"x": 1}}])");
    const auto cut = written([&](std::FILE* f) { write_table(f, rows, {}, TableOptions{24, true}); });
    CHECK(cut == "ID   NAME\nq-1  Zoë's queue\\twith …\n");
    for (size_t at = 0, end; (end = cut.find('\n', at)) != std::string::npos; at = end + 1)
        CHECK(display_width(cut.substr(at, end - at)) <= 24);
    const auto whole = written([&](std::FILE* f) { write_table(f, rows, {}, TableOptions{0, false}); });
    CHECK(whole == "q-1  Zoë's queue\\twith a tab and a long tail\n");
    const auto scalars = written([&](std::FILE* f) { write_table(f, json::array({"abcdefgh", 12}), {}, TableOptions{5, true}); });
    CHECK(scalars == "abcd…\n12\n");
}

TEST_CASE("jq: outputs as jq -r prints them: strings raw, the rest compact JSON, one per output") {
    const json in = json::parse(R"({"items": [{"id": "a\tb", "n": 1}, {"id": "Zoë", "n": 2.5}], "empty": {}})");
    CHECK(jq_outputs(".items[].id", in) == std::vector<std::string>{"a\tb", "Zoë"});
    CHECK(jq_outputs(".items[0]", in) == std::vector<std::string>{"{\"id\":\"a\\tb\",\"n\":1}"});
    CHECK(jq_outputs(".items | map(.n) | add", in) == std::vector<std::string>{"3.5"});
    CHECK(jq_outputs(".empty, .missing, [], true", in) == std::vector<std::string>{"{}", "null", "[]", "true"});
    CHECK(jq_outputs("empty", in).empty());
    CHECK(jq_outputs(R"("a\u0000b")", in) == std::vector<std::string>{std::string("a\0b", 3)});
}

TEST_CASE("jq: a program that does not compile gives jq's message; a run-time error comes after the outputs before it") {
    auto bad = JqProgram::compile(".items[");
    REQUIRE(std::holds_alternative<std::string>(bad));
    const auto& message = std::get<std::string>(bad);
    CHECK(message.find("syntax error") != std::string::npos);
    CHECK(message.find("compile error") != std::string::npos);
    CHECK(std::holds_alternative<std::string>(JqProgram::compile("nosuchfunction(1)")));
    // What jq's command line sets up and libjq would otherwise crash without: modules, input.
    auto module = JqProgram::compile(R"(import "nosuchmodule" as m; .)");
    REQUIRE(std::holds_alternative<std::string>(module));
    CHECK(std::get<std::string>(module).find("module not found") != std::string::npos);
    for (const char* search : {"$ORIGIN/lib", "./lib", "lib"}) {  // search paths relative to an origin find nothing
        CAPTURE(search);
        auto origin = JqProgram::compile(std::string(R"(import "m" as m {search: ")") + search + R"("}; .)");
        REQUIRE(std::holds_alternative<std::string>(origin));
        CHECK(std::get<std::string>(origin).find("module not found") != std::string::npos);
    }
    CHECK(jq_outputs("[inputs]", json::object()) == std::vector<std::string>{"[]"});

    std::optional<std::string> error;
    CHECK(jq_outputs("1, (.a | .b), 2", json{{"a", "text"}}, &error) == std::vector<std::string>{"1"});
    REQUIRE(error);
    CHECK(error->find("Cannot index string with") != std::string::npos);
    CHECK(jq_outputs(R"(error({"not": "a string"}))", json::object(), &error).empty());
    CHECK(error == "jq: error: {\"not\":\"a string\"} (not a string)");
    CHECK(jq_outputs(R"("x" | halt_error(1))", json::object(), &error).empty());
    CHECK(error == "x");
    CHECK(jq_outputs(R"({"code": 3} | halt_error)", json::object(), &error).empty());
    CHECK(error == "{\"code\":3}");
    CHECK(jq_outputs("1, halt, 2", json::object(), &error) == std::vector<std::string>{"1"});
    CHECK(!error);
    CHECK(jq_outputs("input", json::object(), &error).empty());
    CHECK(error);
}

TEST_CASE("jq: one compiled program runs again and again; a sink that fails stops an endless program") {
    auto compiled = JqProgram::compile(".n * 2");
    REQUIRE(std::holds_alternative<JqProgram>(compiled));
    auto& program = std::get<JqProgram>(compiled);
    for (int i = 0; i < 3; ++i) {
        std::string got;
        CHECK(!program.run(json{{"n", i}}, [&](std::string_view s) { return got = s, true; }));
        CHECK(got == std::to_string(i * 2));
    }
    auto endless = JqProgram::compile("repeat(1)");
    REQUIRE(std::holds_alternative<JqProgram>(endless));
    int seen = 0;
    CHECK(!std::get<JqProgram>(endless).run(nullptr, [&](std::string_view) { return ++seen < 1000; }));
    CHECK(seen == 1000);
}
