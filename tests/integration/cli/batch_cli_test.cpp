// `ccai-cli batch` end to end against ccai-mock: results, invalid lines, CSV mapping, stderr when piped,
// and the contacts import upload.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::json_lines;
using ccai::test::slurp;
using ccai::test::write_file;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

// Results come in the order lines finish: look them up by line, each exactly once.
std::map<long long, json> by_line(const std::vector<json>& rows) {
    std::map<long long, json> out;
    for (const auto& r : rows) CHECK(out.emplace(r["line"].get<long long>(), r).second);
    return out;
}

size_t requests_for(const MockProcess& mock, const std::string& op) {
    size_t n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == op;
    return n;
}

}  // namespace

TEST_CASE("batch cli: JSON Lines to stdout, one record per line; exit 10 when a line fails; quiet when piped") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto input = write_file(dir, "in.jsonl",
        R"({"op":"skill-groups.create","body":{"name":"alpha"},"id":"a"})" "\n"
        R"({"op":"skill-groups.create","body":{"name":"beta"},"id":"b"})" "\n"
        R"({"op":"skill-groups.get","params":{"skillGroupId":"nope"},"id":"c"})" "\n");
    auto r = test::cli({"batch", "--input", input}, env);
    CHECK(r.exit_code == 10);
    CHECK(r.err.empty());  // piped stderr: no progress, no summary
    const auto rows = json_lines(r.out);
    REQUIRE(rows.size() == 3);
    std::map<long long, json> by_line;
    for (const auto& row : rows) by_line[row["line"].get<long long>()] = row;
    CHECK(by_line[1]["outcome"] == "ok");
    CHECK(by_line[1]["response"]["name"] == "alpha");
    CHECK(by_line[3]["outcome"] == "failed");
    CHECK(by_line[3]["status"] == 404);
    CHECK(by_line[3]["error"]["kind"] == "not_found");

    auto verbose = test::cli({"batch", "--input", input, "--verbose", "--results", dir + "/r.jsonl"}, env);
    CHECK(verbose.exit_code == 10);
    CHECK(verbose.err.find("{\"summary\":") != std::string::npos);
    CHECK(json_lines(slurp(dir + "/r.jsonl")).size() == 3);
}

TEST_CASE("batch cli: every invalid line is reported with its line number and nothing is sent (exit 2)") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto input = write_file(dir, "in.jsonl",
        R"({"op":"skill-groups.create","body":{"name":"ok"}})" "\n"
        R"({"op":"skill-groups.create","body":{}})" "\n"
        "{oops\n"
        R"({"op":"skills.nope"})" "\n");
    auto r = test::cli({"batch", "--input", input, "--results", dir + "/r.jsonl"}, env);
    CHECK(r.exit_code == 2);
    // One report line per distinct problem (here each has one line).
    std::vector<long long> lines;
    for (const auto& e : json_lines(r.err)) {
        lines.push_back(e["error"]["first_line"]);
        CHECK(e["error"]["count"] == 1);
    }
    CHECK(lines == std::vector<long long>{2, 3, 4});
    CHECK(mock.log().empty());

    auto skipped = test::cli({"batch", "--input", input, "--results", dir + "/r.jsonl", "--skip-invalid"}, env);
    CHECK(skipped.exit_code == 10);
    auto rows = by_line(json_lines(slurp(dir + "/r.jsonl")));  // in the order lines finished
    REQUIRE(rows.size() == 4);
    CHECK(rows[1]["outcome"] == "ok");
    for (int i = 2; i <= 4; ++i) CHECK(rows[i]["outcome"] == "invalid");
    CHECK(requests_for(mock, "skill-groups.create") == 1);
}

TEST_CASE("batch cli: CSV columns mapped to body fields and parameters reach the service") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    auto group = test::cli({"skill-groups", "create", "--body", R"({"name":"support"})"}, env);
    REQUIRE(group.exit_code == 0);
    const std::string sg = json::parse(group.out)["id"];
    const auto csv = write_file(dir, "skills.csv",
        "key,skill,group,about,notes\n"
        "s1,French," + sg + ",\"speaks French, fluently\",x\n"
        "s2,\"German \"\"de\"\"\"," + sg + ",,y\n");
    auto r = test::cli({"batch", "--input", csv, "--op", "skills.create", "--id-column", "key", "--map", "skill=name",
                        "--map", "group=skillGroupId", "--map", "about=description", "--map", "notes=",
                        "--results", dir + "/r.jsonl"},
                       env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    auto rows = by_line(json_lines(slurp(dir + "/r.jsonl")));
    REQUIRE(rows.size() == 2);
    CHECK(rows[2]["id"] == "s1");  // CSV: the record's first physical line (the header is line 1)
    CHECK(rows[3]["id"] == "s2");
    auto list = test::cli({"skills", "list", "--skill-group-id", sg, "--all"}, env);
    REQUIRE(list.exit_code == 0);
    std::set<std::string> names;
    for (const auto& item : json_lines(list.out)) names.insert(item["name"]);
    CHECK(names == std::set<std::string>{"French", "German \"de\""});
}

TEST_CASE("batch cli: contacts import uploads the file; a missing file is exit 2 before any request") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = write_file(dir, "contacts.csv",
        "firstName,lastName,salutation,cellPhoneNumber,cellPhoneCountryCode,cellPhoneExtension\n"
        "Ann,Lee,Ms,5550101,1,\nBo,Park,Mr,5550102,1,\n");
    auto ok = test::cli({"contacts", "import", "--file", csv}, env);
    REQUIRE(ok.exit_code == 0);
    CHECK(json::parse(ok.out).size() == 2);
    const auto before = mock.log().size();
    auto missing = test::cli({"contacts", "import", "--file", dir + "/missing.csv"}, env);
    CHECK(mock.log().size() == before);
    CHECK(missing.exit_code == 2);
    CHECK(json::parse(missing.err).at("error").at("message") ==
          "contacts.import: --file '" + dir + "/missing.csv': not a readable file");
}
