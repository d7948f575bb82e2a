// `--all -o FORMAT` against ccai-mock over each pagination style of the catalog: the JSON Lines are the
// reference, and each other format must print exactly those items (json as one array byte for byte, csv read
// back by a strict RFC 4180 reader, text and table line for line, yaml read back by yaml-cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include <yaml-cpp/yaml.h>

#include "support/cli_support.hpp"
#include "support/csv_reader.hpp"

using namespace ccai;
using ccai::mock::testing::call;
using ccai::mock::testing::MockProcess;
using ccai::mock::testing::sms_campaign;
using ccai::mock::testing::voice_campaign;
using nlohmann::json;

namespace {

struct Case {
    std::string style;               // the catalog's pagination style
    std::vector<std::string> args;   // the list command, --all added
    std::size_t page;                // items on the first page: the table's widths come from these
};

std::string cell(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

test::RunResult all(const std::map<std::string, std::string>& env, std::vector<std::string> args,
                    std::vector<std::string> format) {
    args.push_back("--all");
    args.insert(args.end(), format.begin(), format.end());
    auto r = test::cli(args, env);
    INFO(args[0], " ", args[1], " ", format.empty() ? "" : format.back(), ": ", r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());  // every item has the first page's fields: no warning
    return r;
}

// The item as YAML read it back: every field of the JSON there with the same text.
void check_yaml_item(const YAML::Node& node, const json& item) {
    REQUIRE(node.IsMap());
    CHECK(node.size() == item.size());
    for (const auto& [k, v] : item.items()) {
        CAPTURE(k);
        const auto n = node[k];
        REQUIRE(n.IsDefined());
        if (v.is_structured()) CHECK(n.size() == v.size());
        else if (v.is_null()) CHECK(n.IsNull());
        else CHECK(n.as<std::string>() == cell(v));
    }
}

void check_every_format(const std::map<std::string, std::string>& env, const Case& c) {
    CAPTURE(c.style);
    // The reference: JSON Lines, each item once.
    const auto jsonl = all(env, c.args, {});
    std::vector<json> items;
    std::set<std::string> seen;
    for (const auto& l : lines_of(jsonl.out)) {
        CHECK(seen.insert(l).second);
        items.push_back(json::parse(l));
    }
    REQUIRE(items.size() > c.page);  // more than one page
    CHECK(all(env, c.args, {"-o", "jsonl"}).out == jsonl.out);

    // json: one array, the same text -o json prints for a whole list.
    CHECK(all(env, c.args, {"-o", "json"}).out == json(items).dump() + "\n");

    std::vector<std::string> cols, scalar_cols;
    for (const auto& [k, v] : items[0].items()) {
        cols.push_back(k);
        if (!v.is_structured()) scalar_cols.push_back(k);
    }

    // csv: a header, then one record per item, read back.
    const auto records = test::read_csv(all(env, c.args, {"-o", "csv"}).out);
    REQUIRE(records.size() == items.size() + 1);
    CHECK(records[0] == cols);
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::vector<std::string> expected;
        for (const auto& k : cols) expected.push_back(cell(items[i][k]));
        CHECK(records[i + 1] == expected);
    }

    // text: tab-separated, line for line (the mock's values hold no character that -o text escapes).
    std::string text;
    for (const auto& it : items) {
        std::string line;
        for (const auto& k : cols) {
            const auto v = cell(it[k]);
            REQUIRE(v.find_first_of("\t\n\r\\") == std::string::npos);
            line += (&k == &cols.front() ? "" : "\t") + v;
        }
        text += line + "\n";
    }
    CHECK(all(env, c.args, {"-o", "text"}).out == text);

    // table (piped, so nothing is cut): widths from the header and the first page; wider cells further on
    // are written whole.
    std::vector<std::size_t> widths;
    for (const auto& k : scalar_cols) widths.push_back(k.size());
    for (std::size_t i = 0; i < c.page; ++i)
        for (std::size_t j = 0; j < scalar_cols.size(); ++j) widths[j] = std::max(widths[j], cell(items[i][scalar_cols[j]]).size());
    const auto table_line = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t j = 0; j < cells.size(); ++j) {
            line += cells[j];
            if (j + 1 < cells.size()) line.append((widths[j] > cells[j].size() ? widths[j] - cells[j].size() : 0) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        return line + "\n";
    };
    std::vector<std::string> header;
    for (auto k : scalar_cols) {
        std::transform(k.begin(), k.end(), k.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        header.push_back(k);
    }
    std::string table = table_line(header);
    for (const auto& it : items) {
        std::vector<std::string> cells;
        for (const auto& k : scalar_cols) cells.push_back(cell(it[k]));
        table += table_line(cells);
    }
    CHECK(all(env, c.args, {"-o", "table"}).out == table);

    // yaml: one sequence of the items.
    const auto doc = YAML::Load(all(env, c.args, {"-o", "yaml"}).out);
    REQUIRE(doc.IsSequence());
    REQUIRE(doc.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) check_yaml_item(doc[i], items[i]);
}

json must(const Result<json>& r) {
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    return *r;
}

}  // namespace

TEST_CASE("--all in every format over every pagination style: the same items as JSON Lines, exactly") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    auto sdk = mock.sdk();
    // Stored items for the styles whose lists the mock keeps (its read-only lists hold 37 synthetic items).
    for (int i = 0; i < 23; ++i) {
        must(call(*sdk, "skill-groups.create", {}, json{{"name", "sg" + std::to_string(i)}}));
        must(call(*sdk, "sms-campaigns.create-simple", {}, sms_campaign("c" + std::to_string(i))));
    }
    const auto campaign = must(call(*sdk, "voice-campaigns.create-progressive", {}, voice_campaign("v", "Dial")))["data"]["_id"].get<std::string>();
    must(call(*sdk, "contact-lists.create", {}, json{{"name", "Dial"}, {"description", "d"}, {"source", "passiveApi"}}));
    json contacts = json::array();
    for (int i = 0; i < 14; ++i) contacts.push_back({{"phoneNumber", "+1555000" + std::to_string(100 + i)}});
    must(call(*sdk, "contact-lists.add-contacts", {}, json{{"contact_list_name", "Dial"}, {"data", contacts}}));
    const json user = {{"_id", "u-1"}, {"name", "Ann"}};
    const auto kase = must(call(*sdk, "cases.create", {}, json{{"caseTmp", "ctm-1"}, {"name", "Case"}, {"desc", "d"},
                                                               {"userInfo", user}, {"source", "rtm"}, {"dueDate", "2025-01-01T00:00:00Z"}}));
    for (int i = 0; i < 13; ++i)
        must(call(*sdk, "tasks.create", {}, json{{"caseId", kase["_id"]}, {"caseRefId", kase["refId"]}, {"taskTmp", "ttm-1"},
                                                 {"name", "t" + std::to_string(i)}, {"userInfo", user},
                                                 {"source", "rtm"}, {"dueDate", "2025-01-01T00:00:00Z"}}));

    const std::vector<Case> cases = {
        {"skip-limit", {"conversations", "list", "--limit", "10"}, 10},
        {"skip-limit (documented in the body)",
         {"wfm", "get-contact-volume", "--body", R"({"toTimeStamp":"2024-01-02T00:00:00Z","limit":8})"}, 8},
        {"offset, counting items",
         {"analytics", "agent-status-summary", "--limit", "10", "--body",
          R"({"filter":{"dateFilter":{"startDate":"2024-01-01","endDate":"2024-01-02"}},"granularity":"daily"})"}, 10},
        {"offset, counting pages",
         {"analytics", "call-details", "--limit", "10", "--body", R"({"startDate":"2024-01-01","endDate":"2024-01-02","timeZoneOffset":0})"}, 10},
        {"offset in the query, no paging fields in the answer", {"wfm", "list-agents", "--limit", "5"}, 5},
        {"page", {"skill-groups", "list"}, 10},
        {"page/skip-limit in request body", {"campaigns", "list", "--body", R"({"type":"sms","limit":5})"}, 5},
        {"page in request body", {"voice-campaigns", "list-contacts", "--campaign-id", campaign, "--body", R"({"limit":4})"}, 4},
        {"skip-limit in request body", {"tasks", "list", "--body", R"({"limit":5})"}, 5},
        {"offset in request body", {"quality", "auto-qa", "--body", R"({"startDate":"2024-01-01T00:00:00.000Z","endDate":"2024-01-02T00:00:00.000Z","limit":10})"}, 10},
    };
    for (const auto& c : cases) check_every_format(env, c);
}

TEST_CASE("--all -o csv over 1,000 synthetic items: every record once, in order, a header and nothing else") {
    MockProcess mock({"--rate-limit", "none", "--list-items", "1000"});
    auto env = test::cli_env(mock);
    // --fields before the command: conversations list has a query parameter of that name.
    const auto r = test::cli({"-o", "csv", "--fields", "_id,userId", "conversations", "list", "--limit", "100", "--all"}, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto records = test::read_csv(r.out);
    REQUIRE(records.size() == 1001);
    CHECK(records[0] == std::vector<std::string>{"_id", "userId"});
    for (int i = 1; i <= 1000; ++i) CHECK(records[static_cast<std::size_t>(i)][1] == "u-mock-" + std::to_string(i));
}

TEST_CASE("--all stops fetching pages when its output cannot be written, and says so (exit 1)") {
    MockProcess mock({"--rate-limit", "none", "--list-items", "1000"});
    auto env = test::cli_env(mock);
    // stdout open for reading only: every write fails (EBADF), as on a pipe whose reader left while SIGPIPE is
    // ignored.
    const auto r = test::run({"/bin/sh", "-c", "exec \"$0\" \"$@\" 1</dev/null", test::cli_path(), "conversations", "list",
                              "--limit", "10", "--all", "-o", "csv"}, env);
    CHECK(r.exit_code == 1);
    CHECK(test::error_of(r)["message"].get<std::string>().starts_with("--all: the output could not be written ("));
    long long pages = 0;
    for (const auto& e : mock.log()) pages += e.value("op", "") == "conversations.list";
    CHECK(pages <= 2);  // not the 100 pages of the list
}
