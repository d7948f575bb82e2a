// --all in every format through whole commands (run_cli over a FakeTransport): two pages whose second one
// holds fields the first did not, so the columns fixed from the first page, the one warning per new field,
// the table's widths from the first page and the json array written as it comes are all seen exactly.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "output/yaml_emitter.hpp"
#include "support/csv_reader.hpp"
#include "support/in_process_cli.hpp"

using nlohmann::json;
using ccai::test::Cli;

namespace {

constexpr const char* kPage1 =
    R"({"results":[{"id":"a-1","name":"Ann"},{"id":"a-2","name":"Bo, \"B\""}],"page":1,"totalPages":2})";
constexpr const char* kPage2 =
    R"({"results":[{"id":"a-3","name":"Long name here","extra":"x","tags":["t"]},{"id":"a-4","name":"D","extra":"y"}],"page":2,"totalPages":2})";

json all_items() {
    auto items = json::parse(kPage1)["results"];
    const auto second = json::parse(kPage2);
    for (const auto& it : second["results"]) items.push_back(it);
    return items;
}

std::string warning(int item, const std::string& field) {
    return "warning: --all: item " + std::to_string(item) + " holds the field '" + field +
           "', which is not among the columns fixed from the first page: it is not shown (name the columns with "
           "--fields, or use -o jsonl for every field)\n";
}

ccai::test::Run two_pages(Cli& cli, std::vector<std::string> args) {
    cli.transport->push(200, kPage1);
    cli.transport->push(200, kPage2);
    args.insert(args.end(), {"agents", "list", "--all"});
    return cli(args);
}

}  // namespace

TEST_CASE("cli --all -o csv: columns from the first page, one warning per field outside them, read back") {
    Cli cli;
    const auto r = two_pages(cli, {"-o", "csv"});
    CHECK(r.code == 0);
    CHECK(r.out == "id,name\r\na-1,Ann\r\na-2,\"Bo, \"\"B\"\"\"\r\na-3,Long name here\r\na-4,D\r\n");
    CHECK(r.err == warning(3, "extra") + warning(3, "tags"));  // a-4's 'extra' draws no second one
    CHECK(cli.transport->requests.size() == 2);
    const auto records = ccai::test::read_csv(r.out);
    REQUIRE(records.size() == 5);
    CHECK(records[2] == std::vector<std::string>{"a-2", "Bo, \"B\""});

    SUBCASE("--fields chose the columns: no warning, the later field shown") {
        const auto f = two_pages(cli, {"-o", "csv", "--fields", "id,extra", "--bom"});
        CHECK(f.code == 0);
        CHECK(f.out == "\xEF\xBB\xBFid,extra\r\na-1,\r\na-2,\r\na-3,x\r\na-4,y\r\n");
        CHECK(f.err.empty());
    }
    SUBCASE("--max-items cuts the first page: the columns come from what is printed, one request") {
        cli.transport->push(200, R"({"results":[{"id":"a-1"},{"id":"a-2","name":"B"}],"page":1,"totalPages":2})");
        const auto m = cli({"-o", "csv", "--no-headers", "agents", "list", "--all", "--max-items", "1"});
        CHECK(m.code == 0);
        CHECK(m.out == "a-1\r\n");
        CHECK(cli.transport->requests.size() == 3);
    }
}

TEST_CASE("cli --all -o text: tab-separated from the first page's columns, --headers") {
    Cli cli;
    const auto r = two_pages(cli, {"-o", "text", "--headers"});
    CHECK(r.code == 0);
    CHECK(r.out == "id\tname\na-1\tAnn\na-2\tBo, \"B\"\na-3\tLong name here\na-4\tD\n");
    CHECK(r.err == warning(3, "extra") + warning(3, "tags"));
}

TEST_CASE("cli --all -o table: widths from the first page; cut with an ellipsis on a terminal, whole in a pipe") {
    Cli cli;
    const auto piped = two_pages(cli, {"-o", "table"});
    CHECK(piped.code == 0);
    CHECK(piped.out == "ID   NAME\na-1  Ann\na-2  Bo, \"B\"\na-3  Long name here\na-4  D\n");
    CHECK(piped.err == warning(3, "extra"));  // a table leaves arrays out on every page: 'tags' is no news

    cli.out_columns = 10;  // ID 3 + gap 2 + NAME cut from 7 to 5
    const auto tty = two_pages(cli, {"-o", "table"});
    CHECK(tty.out == "ID   NAME\na-1  Ann\na-2  Bo, …\na-3  Long…\na-4  D\n");

    const auto wide = two_pages(cli, {"-o", "table", "--wide", "--no-headers"});
    CHECK(wide.out == "a-1  Ann\na-2  Bo, \"B\"\na-3  Long name here\na-4  D\n");
}

TEST_CASE("cli --all -o json is one array written as it comes; jsonl, yaml and --jq item by item") {
    Cli cli;
    const auto items = all_items();
    const auto compact = two_pages(cli, {"-o", "json"});
    CHECK(compact.code == 0);
    CHECK(compact.out == items.dump() + "\n");  // what -o json prints for the whole list
    CHECK(compact.err.empty());

    cli.out_tty = true;
    CHECK(two_pages(cli, {"-o", "json"}).out == items.dump(2) + "\n");
    cli.out_tty = false;

    std::string lines;
    for (const auto& it : items) lines += it.dump() + "\n";
    CHECK(two_pages(cli, {}).out == lines);  // JSON Lines when nothing names a format
    CHECK(two_pages(cli, {"-o", "jsonl"}).out == lines);

    const auto yaml = two_pages(cli, {"-o", "yaml"});
    CHECK(yaml.code == 0);
    CHECK(yaml.out == ccai::cli::to_yaml(items));
    const auto doc = YAML::Load(yaml.out);
    REQUIRE(doc.size() == 4);
    CHECK(doc[1]["name"].as<std::string>() == "Bo, \"B\"");
    CHECK(doc[2]["tags"][0].as<std::string>() == "t");

    CHECK(two_pages(cli, {"--jq", ".id"}).out == "a-1\na-2\na-3\na-4\n");
    CHECK(two_pages(cli, {"-o", "json", "--fields", "name"}).out ==
          R"([{"name":"Ann"},{"name":"Bo, \"B\""},{"name":"Long name here"},{"name":"D"}])"
          "\n");
}

TEST_CASE("cli --all: the output setting picks the format; an empty list; a failing later page keeps json valid") {
    Cli cli;
    cli.env["CCAI_OUTPUT"] = "csv";
    CHECK(two_pages(cli, {}).out.starts_with("id,name\r\na-1,Ann\r\n"));
    cli.env.erase("CCAI_OUTPUT");

    const char* empty = R"({"results":[],"page":1,"totalPages":1})";
    for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"-o", "json"}, "[]\n"},
             {{"-o", "yaml"}, "[]\n"},
             {{"-o", "csv"}, ""},
             {{"-o", "csv", "--fields", "id,name"}, "id,name\r\n"},
             {{"-o", "table", "--fields", "id"}, "ID\n"},
             {{"-o", "jsonl"}, ""}}) {
        CAPTURE(args[1]);
        cli.transport->push(200, empty);
        auto words = args;
        words.insert(words.end(), {"agents", "list", "--all"});
        const auto r = cli(words);
        CHECK(r.code == 0);
        CHECK(r.out == expected);
    }

    cli.transport->push(200, kPage1);
    cli.transport->push(404, R"({"errors":[{"msg":"gone","code":404}]})");
    const auto failed = cli({"-o", "json", "agents", "list", "--all"});
    CHECK(failed.code == 5);
    CHECK(json::parse(failed.out) == json::parse(kPage1)["results"]);
    CHECK(failed.error()["message"].get<std::string>().find("gone") != std::string::npos);

    // The first page failing prints nothing at all, not even an empty array.
    cli.transport->push(404, R"({"errors":[{"msg":"gone","code":404}]})");
    const auto none = cli({"-o", "json", "agents", "list", "--all"});
    CHECK(none.code == 5);
    CHECK(none.out.empty());
}

TEST_CASE("cli --all: a secret the server echoes is masked in every format") {
    Cli cli;
    for (const std::string format : {"csv", "text", "table", "json", "jsonl", "yaml"}) {
        CAPTURE(format);
        cli.transport->push(200, R"({"results":[{"id":"a-1","note":"s3cret-value"}],"page":1,"totalPages":1})");
        const auto r = cli({"-o", format, "agents", "list", "--all"});
        CHECK(r.code == 0);
        CHECK(r.out.find("s3cret-value") == std::string::npos);
        CHECK(r.out.find("***") != std::string::npos);
    }
}

TEST_CASE("cli --all: a server that invents a field per item gets 20 fields named, then one line, not one per item") {
    Cli cli;
    json page2 = {{"page", 2}, {"totalPages", 2}, {"results", json::array()}};
    for (int i = 0; i < 30; ++i) page2["results"].push_back({{"id", "b-" + std::to_string(i)}, {"f" + std::to_string(100 + i), i}});
    cli.transport->push(200, kPage1);
    cli.transport->push(200, page2.dump());
    const auto r = cli({"-o", "csv", "--no-headers", "agents", "list", "--all"});
    CHECK(r.code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 32);
    std::string expected;
    for (int i = 0; i < 20; ++i) expected += warning(3 + i, "f" + std::to_string(100 + i));
    expected += "warning: --all: more fields are not among the columns; they are not named one by one (name the columns "
                "with --fields, or use -o jsonl for every field)\n";
    CHECK(r.err == expected);
}

namespace {

std::string kind_warning(int item, const std::string& what) {
    return "warning: --all: item " + std::to_string(item) + " is " + what + " (use -o jsonl to see every item as it is)\n";
}

std::string not_object(int item, const std::string& kind) {
    return kind_warning(item, kind + ", not an object: its value is shown in the first column (id)");
}

}  // namespace

TEST_CASE("cli --all: items that are not objects are shown in the first column, never as empty rows, and warned about") {
    Cli cli;
    const auto mixed = [&](std::vector<std::string> args) {
        cli.transport->push(200, R"({"results":[{"id":"a-1","name":"x"}],"page":1,"totalPages":2})");
        cli.transport->push(200, R"({"results":[42,"str",null,[1,2],{"id":"b"},7],"page":2,"totalPages":2})");
        args.insert(args.end(), {"agents", "list", "--all"});
        return cli(args);
    };
    // One warning per kind, naming the first item of it (the second number, item 7, draws none).
    const auto warnings = not_object(2, "a number") + not_object(3, "a string") + not_object(4, "null") +
                          not_object(5, "an array");
    const auto csv = mixed({"-o", "csv"});
    CHECK(csv.code == 0);
    CHECK(csv.out == "id,name\r\na-1,x\r\n42,\r\nstr,\r\nnull,\r\n\"[1,2]\",\r\nb,\r\n7,\r\n");
    CHECK(csv.err == warnings);
    const auto text = mixed({"-o", "text"});
    CHECK(text.out == "a-1\tx\n42\t\nstr\t\nnull\t\n[1,2]\t\nb\t\n7\t\n");
    CHECK(text.err == warnings);
    const auto table = mixed({"-o", "table"});
    CHECK(table.out == "ID   NAME\na-1  x\n42\nstr\nnull\n[1,2]\nb\n7\n");
    CHECK(table.err == warnings);
    const auto fields = mixed({"-o", "csv", "--fields", "name"});
    CHECK(fields.out == "name\r\nx\r\n42\r\nstr\r\nnull\r\n\"[1,2]\"\r\n\"\"\r\n7\r\n");
    CHECK(fields.err == kind_warning(2, "a number, not an object: its value is shown in the first column (name)") +
                            kind_warning(3, "a string, not an object: its value is shown in the first column (name)") +
                            kind_warning(4, "null, not an object: its value is shown in the first column (name)") +
                            kind_warning(5, "an array, not an object: its value is shown in the first column (name)"));
}

TEST_CASE("cli --all: an object after a first page of scalars is one JSON cell, and warned about") {
    Cli cli;
    cli.transport->push(200, R"({"results":[1,"two"],"page":1,"totalPages":2})");
    cli.transport->push(200, R"({"results":[{"id":"b","n":3},{"id":"c"}],"page":2,"totalPages":2})");
    const auto r = cli({"-o", "csv", "agents", "list", "--all"});
    CHECK(r.code == 0);
    CHECK(r.out == "1\r\ntwo\r\n\"{\"\"id\"\":\"\"b\"\",\"\"n\"\":3}\"\r\n\"{\"\"id\"\":\"\"c\"\"}\"\r\n");
    CHECK(r.err == kind_warning(3, "an object, but the first page held no object to take columns from: it is shown "
                                   "as JSON in one cell"));
}
