// -o csv|yaml|text|table and --jq through whole commands (run_cli over a FakeTransport): values holding
// commas, quotes, tabs, newlines and non-ASCII text, the flags that go with each format, and the usage
// errors that come before any request.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "output/utf8_text.hpp"
#include "support/in_process_cli.hpp"
#include "support/csv_reader.hpp"

using nlohmann::json;
using ccai::test::Cli;

namespace {

// A page of queues whose values test every format's quoting.
constexpr const char* kPage = R"({"results":[
    {"id":"q-1","name":"Sales, \"EMEA\"","note":"line 1\nline 2\ttabbed\\","owner":{"email":"zoë@example.com"}},
    {"id":"q-2","name":"日本語 サポート","note":"","owner":{"email":"a@b"}}
  ],"page":1,"totalPages":1})";

}  // namespace

TEST_CASE("cli: -o csv is RFC 4180 with a header, --fields in the order given, --no-headers, --bom") {
    Cli cli;
    cli.transport->push(200, kPage);
    const auto r = cli({"-o", "csv", "--fields", "note,owner.email,name", "queues", "list"});
    CHECK(r.code == 0);
    const auto records = ccai::test::read_csv(r.out);
    REQUIRE(records.size() == 3);
    CHECK(records[0] == std::vector<std::string>{"note", "owner.email", "name"});
    CHECK(records[1] == std::vector<std::string>{"line 1\nline 2\ttabbed\\", "zoë@example.com", "Sales, \"EMEA\""});
    CHECK(records[2] == std::vector<std::string>{"", "a@b", "日本語 サポート"});

    cli.transport->push(200, kPage);
    const auto all = cli({"-o", "csv", "--no-headers", "--bom", "queues", "list"});
    CHECK(all.code == 0);
    REQUIRE(all.out.starts_with("\xEF\xBB\xBF"));
    const auto rows = ccai::test::read_csv(all.out.substr(3));
    REQUIRE(rows.size() == 2);  // no header
    CHECK(rows[0] == std::vector<std::string>{"q-1", "Sales, \"EMEA\"", "line 1\nline 2\ttabbed\\", "{\"email\":\"zoë@example.com\"}"});
}

TEST_CASE("cli: -o csv --bom output reads back as batch input; the byte order mark is not part of a column's name") {
    Cli cli;
    cli.transport->push(200, kPage);
    const auto listed = cli({"-o", "csv", "--bom", "--fields", "id", "queues", "list"});
    REQUIRE(listed.code == 0);
    REQUIRE(listed.out.starts_with("\xEF\xBB\xBF" "id"));
    const auto input = (cli.dir / "queues.csv").string();
    std::ofstream(input, std::ios::binary) << listed.out;
    cli.transport->answer_all(200, R"({"id":"q"})");
    const auto r = cli({"batch", "--op", "queues.get", "--input", input, "--map", "id=queueId"});
    CHECK(r.code == 0);
    CHECK(r.err == "");
    REQUIRE(cli.transport->requests.size() == 3);  // the list, then a get per row
    std::multiset<std::string> ids;
    for (size_t i = 1; i < 3; ++i) {
        const auto& url = cli.transport->requests[i].url;
        ids.insert(url.substr(url.rfind('/') + 1));
    }
    CHECK(ids == std::multiset<std::string>{"q-1", "q-2"});
}

TEST_CASE("cli: -o yaml reads back to the JSON response") {
    Cli cli;
    cli.transport->push(200, R"({"id":"0012","name":"Zoë, \"x\"\n\ty","isActive":"true","empty":"","n":7,"z":null})");
    const auto r = cli({"-o", "yaml", "queues", "get", "--queue-id", "0012"});
    CHECK(r.code == 0);
    const auto doc = YAML::Load(r.out);
    CHECK(doc["id"].Tag() == "!");  // quoted: "0012" stays a string
    CHECK(doc["id"].as<std::string>() == "0012");
    CHECK(doc["isActive"].Tag() == "!");
    CHECK(doc["empty"].Tag() == "!");
    CHECK(doc["name"].as<std::string>() == "Zoë, \"x\"\n\ty");
    CHECK(doc["n"].as<int>() == 7);
    CHECK(doc["z"].IsNull());
    CHECK(r.out.find("Zoë") != std::string::npos);  // non-ASCII as is, not escaped
}

TEST_CASE("cli: -o text escapes so one record is one line; --headers adds the column names") {
    Cli cli;
    cli.transport->push(200, kPage);
    const auto r = cli({"-o", "text", "--headers", "--fields", "id,note,name", "queues", "list"});
    CHECK(r.code == 0);
    CHECK(r.out == "id\tnote\tname\n"
                   "q-1\tline 1\\nline 2\\ttabbed\\\\\tSales, \"EMEA\"\n"
                   "q-2\t\t日本語 サポート\n");
}

TEST_CASE("cli: -o table fits the terminal, cuts with an ellipsis; --wide and a pipe show everything") {
    Cli cli;
    cli.out_tty = true;
    cli.out_columns = 30;
    cli.transport->push(200, kPage);
    const auto r = cli({"-o", "table", "queues", "list"});
    CHECK(r.code == 0);
    std::vector<std::string> lines;
    for (size_t at = 0, end; (end = r.out.find('\n', at)) != std::string::npos; at = end + 1) lines.push_back(r.out.substr(at, end - at));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with("ID   NAME"));
    for (const auto& l : lines) CHECK(ccai::cli::display_width(l) <= 30);
    CHECK(lines[1].find("…") != std::string::npos);

    cli.transport->push(200, kPage);
    const auto wide = cli({"-o", "table", "--wide", "--no-headers", "queues", "list"});
    CHECK(wide.out.find("line 1\\nline 2\\ttabbed\\\\") != std::string::npos);
    CHECK(wide.out.find("…") == std::string::npos);
    CHECK(wide.out.find("ID") == std::string::npos);

    cli.out_tty = false;
    cli.out_columns = 0;
    cli.transport->push(200, kPage);
    CHECK(cli({"-o", "table", "queues", "list"}).out.find("…") == std::string::npos);
}

TEST_CASE("cli: --jq prints the program's outputs as jq -r does, on the redacted response") {
    Cli cli;
    cli.transport->push(200, kPage);
    const auto r = cli({"--jq", ".results[] | [.id, .name] | @tsv", "queues", "list"});
    CHECK(r.code == 0);
    CHECK(r.out == "q-1\tSales, \"EMEA\"\nq-2\t日本語 サポート\n");

    cli.transport->push(200, R"({"id":"q-1","echo":"s3cret-value"})");
    const auto secret = cli({"--jq", ".echo, .id", "-o", "json", "queues", "get", "--queue-id", "q-1"});
    CHECK(secret.code == 0);
    CHECK(secret.out == "***\nq-1\n");
    // The environment's secret, which redaction knows from the configuration.
    cli.transport->push(200, "{}");
    const auto env = cli({"--jq", "\"s3cret-value\"", "queues", "get", "--queue-id", "q-1"});
    CHECK(env.out == "***\n");
}

TEST_CASE("cli: a --jq program that does not compile is exit 2 and nothing is sent") {
    Cli cli;
    const auto r = cli({"--jq", ".results[", "queues", "list"});
    CHECK(r.code == 2);
    CHECK(r.error().at("message").get<std::string>().find("--jq: jq: error: syntax error") != std::string::npos);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: --jq with a row format or --fields is a usage error before any request") {
    Cli cli;
    for (const auto* format : {"csv", "table", "yaml", "text"}) {
        const auto r = cli({"--jq", ".", "-o", format, "queues", "list"});
        CHECK(r.code == 2);
        CHECK(r.error().at("message").get<std::string>().find("--jq") != std::string::npos);
    }
    CHECK(cli({"--jq", ".", "--fields", "id", "queues", "list"}).code == 2);
    CHECK(cli({"--headers", "--no-headers", "queues", "list"}).code == 2);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: a --jq run-time error is exit 1 with jq's message, after the outputs before it") {
    Cli cli;
    cli.transport->push(200, kPage);
    const auto r = cli({"--jq", ".results[] | .id, (.name | .x)", "queues", "list"});
    CHECK(r.code == 1);
    CHECK(r.out == "q-1\n");
    CHECK(r.error().at("message").get<std::string>().find("jq: error: Cannot index string") != std::string::npos);
}

TEST_CASE("cli: --jq with --all runs on each item, page after page") {
    Cli cli;
    cli.transport->push(200, R"({"results":[{"id":1,"x":"a"},{"id":2,"x":"b"}],"page":1,"totalPages":2})");
    cli.transport->push(200, R"({"results":[{"id":3,"x":"c"}],"page":2,"totalPages":2})");
    const auto r = cli({"agents", "list", "--all", "--jq", "select(.id != 2) | .x"});
    CHECK(r.code == 0);
    CHECK(r.out == "a\nc\n");
    CHECK(cli.transport->requests.size() == 2);
}

TEST_CASE("cli: --dry-run with --jq runs the program on the request it would send") {
    Cli cli;
    const auto r = cli({"--dry-run", "--jq", ".method, .headers.auth", "queues", "get", "--queue-id", "q-1"});
    CHECK(r.code == 0);
    CHECK(r.out == "GET\n***\n");
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: odd values from the server in every row format: NUL, empty, huge, long, nested") {
    Cli cli;
    cli.out_tty = true;
    cli.out_columns = 40;
    const std::string body = R"({"results":[{"id":"q","nul":"a\u0000b","empty":{},"list":[],"n":1e308,"big":)"
                             "123456789012345678901234567890"
                             R"(,"long":")" + std::string(5000, 'x') + R"("}],"page":1,"totalPages":1})";
    for (const std::string format : {"csv", "yaml", "table", "text", "json", "jsonl"}) {
        CAPTURE(format);
        cli.transport->push(200, body);
        const auto r = cli({"-o", format, "queues", "list"});
        CHECK(r.code == 0);
        if (format == "table") CHECK(r.out.size() < 200);
        if (format == "csv") CHECK(ccai::test::read_csv(r.out).at(1).size() == 7);
        if (format == "text") CHECK(r.out.find("a\\0b") != std::string::npos);
        if (format == "yaml") CHECK(YAML::Load(r.out)["results"][0]["nul"].as<std::string>() == std::string("a\0b", 3));
    }
}

TEST_CASE("cli: a body that is not UTF-8 is printed as a string, and never as a broken UTF-8 sequence") {
    Cli cli;
    for (const std::string format : {"csv", "yaml", "table", "text"}) {
        CAPTURE(format);
        cli.transport->push(200, "{\"id\":\"bad\xff\xfe\"}");
        const auto r = cli({"-o", format, "queues", "get", "--queue-id", "q"});
        CHECK(r.code == 0);
        CHECK(r.out.find("bad\xEF\xBF\xBD\xEF\xBF\xBD") != std::string::npos);
        CHECK(r.out.find('\xff') == std::string::npos);
    }
}

TEST_CASE("cli: an output setting of table gives way to --jq, also for pacer status") {
    Cli cli;
    cli.env["CCAI_OUTPUT"] = "table";
    const auto r = cli({"pacer", "status", "--jq", ".backend"});
    CHECK(r.code == 0);
    CHECK(r.out == "memory\n");
}
