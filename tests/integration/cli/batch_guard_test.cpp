// `ccai-cli batch` against ccai-mock: constants (--set), invalid lines grouped by problem, the record of sent
// lines that keeps a second run from creating duplicates (--rerun), and --skip-existing.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <csignal>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::json_lines;
using ccai::test::slurp;
using ccai::test::write_file;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

std::map<long long, json> by_line(const std::string& text) {
    std::map<long long, json> out;
    for (const auto& r : json_lines(text)) CHECK(out.emplace(r["line"].get<long long>(), r).second);
    return out;
}

size_t requests_for(const MockProcess& mock, const std::string& op) {
    size_t n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == op;
    return n;
}

// `n` agents as CSV without a roleId column: email, first, last.
std::string agents_csv(const std::string& dir, int n, const std::string& prefix = "a") {
    std::string text = "email,first,last\n";
    for (int i = 1; i <= n; ++i) text += fmt::format("{}{}@example.com,F{},L{}\n", prefix, i, i, i);
    return write_file(dir, prefix + ".csv", text);
}

std::vector<std::string> agents_batch(const std::string& csv, std::vector<std::string> more = {}) {
    std::vector<std::string> argv{"batch", "--input", csv, "--op", "agents.create", "--map", "email=emailId",
                                  "--map", "first=firstName", "--map", "last=lastName"};
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
}

// The record of sent lines in a state directory (one account): its path.
std::string ledger_in(const std::string& state_home) {
    for (const auto& e : std::filesystem::directory_iterator(state_home + "/ccai/pacer"))
        if (e.path().extension() == ".sent") return e.path().string();
    return "";
}

}  // namespace

TEST_CASE("batch --set: 300 rows without a required field are one grouped error with a hint; --set fills it") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 300);

    auto missing = test::cli(agents_batch(csv), env);
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.empty());
    CHECK(missing.err ==
          R"({"error":{"count":300,"exit_code":2,"first_line":2,"kind":"invalid_input","lines":"2-301","message":)"
          R"("300 lines lack required field 'roleId' (lines 2-301): add a column and --map it, or --set roleId=VALUE",)"
          R"j("problem":"agents.create: the body lacks required field 'roleId' (role id)"}})j" "\n");
    CHECK(mock.log().empty());

    // Typed by the catalog as a single call's --set: canSupportChat is a boolean, maxChatSupport an integer,
    // nickName a string even when it reads as a number.
    auto set = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--set", "canSupportChat=true", "--set",
                                            "maxChatSupport=3", "--set", "nickName=007", "--set-json",
                                            "chatLanguageSupport=[{\"language\":\"en\",\"proficiency\":\"expert\"}]",
                                            "--results", dir + "/r.jsonl"}),
                         env);
    INFO(set.err);
    CHECK(set.exit_code == 0);
    CHECK(set.err.empty());
    CHECK(requests_for(mock, "agents.create") == 300);
    const auto rows = by_line(slurp(dir + "/r.jsonl"));
    REQUIRE(rows.size() == 300);
    const auto& agent = rows.at(2)["response"];
    CHECK(agent["roleId"] == "agent");
    CHECK(agent["canSupportChat"] == true);
    CHECK(agent["maxChatSupport"] == 3);
    CHECK(agent["nickName"] == "007");
    CHECK(agent["chatLanguageSupport"] == json::parse(R"([{"language":"en","proficiency":"expert"}])"));
}

TEST_CASE("batch --set: the constant replaces a line's own value; a parameter name sets the parameter") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    auto group = test::cli({"skill-groups", "create", "--body", R"({"name":"support"})"}, env);
    REQUIRE(group.exit_code == 0);
    const std::string sg = json::parse(group.out)["id"];
    // skills.create takes skillGroupId in its path (and body): --set gives it to every line.
    const auto input = write_file(dir, "in.jsonl",
        R"({"op":"skills.create","body":{"name":"French","description":"from the line"}})" "\n"
        R"({"op":"skills.create","body":{"name":"German"}})" "\n");
    auto r = test::cli({"batch", "--input", input, "--set", "skillGroupId=" + sg, "--set", "description=same for all"}, env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto rows = by_line(r.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows.at(1)["response"]["description"] == "same for all");
    CHECK(rows.at(2)["response"]["description"] == "same for all");
    CHECK(rows.at(1)["response"]["skillGroupId"] == sg);

    // A mistake in a --set is one usage error before the input is read.
    auto bad = test::cli({"batch", "--input", input, "--set", "description"}, env);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == R"({"error":{"exit_code":2,"kind":"invalid_input","message":"--set 'description': expected PATH=VALUE"}})" "\n");
    // A field the operation does not have makes every line invalid: one grouped line.
    auto unknown = test::cli({"batch", "--input", input, "--set", "skillGroupId=" + sg, "--set", "colour=red"}, env);
    CHECK(unknown.exit_code == 2);
    const auto errors = json_lines(unknown.err);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["error"]["count"] == 2);
    CHECK(errors[0]["error"]["lines"] == "1-2");
}

TEST_CASE("batch: invalid lines are grouped per problem with line ranges; --errors-limit stops the check") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto input = write_file(dir, "in.jsonl",
        R"({"op":"skill-groups.create","body":{}})" "\n"
        R"({"op":"skill-groups.create","body":{}})" "\n"
        "{oops\n"
        R"({"op":"skill-groups.create","body":{"name":"fine"}})" "\n"
        R"({"op":"skill-groups.create","body":{}})" "\n"
        "{oops\n");
    auto r = test::cli({"batch", "--input", input}, env);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          R"({"error":{"count":3,"exit_code":2,"first_line":1,"kind":"invalid_input","lines":"1-2, 5","message":)"
          R"("3 lines lack required field 'name' (lines 1-2, 5): add it to each line's \"body\", or --set name=VALUE",)"
          R"j("problem":"skill-groups.create: the body lacks required field 'name' (skill group name)"}})j" "\n"
          R"({"error":{"count":2,"exit_code":2,"first_line":3,"kind":"invalid_input","lines":"3, 6","message":)"
          R"("2 lines (lines 3, 6): not valid JSON: each line must be one JSON object","problem":"not valid JSON"}})" "\n");
    CHECK(mock.log().empty());

    auto limited = test::cli({"batch", "--input", input, "--errors-limit", "2"}, env);
    CHECK(limited.exit_code == 2);
    const auto errors = json_lines(limited.err);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0]["error"]["count"] == 2);
    CHECK(errors[1]["error"]["message"] ==
          "stopped reading at line 2 after 2 invalid lines (--errors-limit 2): the lines after it were not checked, "
          "and nothing was sent");
    for (const auto* bad : {"0", "-1", "x", "99999999999"}) {
        auto refused = test::cli({"batch", "--input", input, "--errors-limit", bad}, env);
        CHECK(refused.exit_code == 2);
        CHECK(refused.err.find("--errors-limit") != std::string::npos);
    }
    // --skip-invalid sends the valid line; the grouped lines say they were skipped.
    auto skipped = test::cli({"batch", "--input", input, "--skip-invalid"}, env);
    CHECK(skipped.exit_code == 10);
    CHECK(json_lines(skipped.err).at(0)["error"]["skipped"] == true);
    CHECK(requests_for(mock, "skill-groups.create") == 1);
}

TEST_CASE("batch: a second run of the same creates sends nothing, whatever its results file; --rerun sends again") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 14);
    auto first = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--results", dir + "/one.jsonl"}), env);
    REQUIRE(first.exit_code == 0);
    REQUIRE(requests_for(mock, "agents.create") == 14);

    auto again = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--results", dir + "/two.jsonl"}), env);
    CHECK(again.exit_code == 0);
    CHECK(again.err ==
          "batch: 14 line(s) skipped (already sent, or existing): see \"skipped\" in their results; --rerun sends "
          "lines already sent\n");
    CHECK(requests_for(mock, "agents.create") == 14);
    const auto rows = by_line(slurp(dir + "/two.jsonl"));
    REQUIRE(rows.size() == 14);
    const auto& skipped = rows.at(2);
    CHECK(skipped["outcome"] == "skipped");
    CHECK(skipped["skipped"]["reason"] == "already_sent");
    const std::string at = skipped["skipped"]["sent_at"];
    CHECK(std::regex_match(at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK(skipped["skipped"]["message"] ==
          "already sent on " + at + " by a batch of this account: not sent again (--rerun sends it)");

    // A changed line is another line: only it is sent.
    auto changed = test::cli(agents_batch(csv, {"--set", "roleId=supervisor"}), env);
    CHECK(changed.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 28);

    auto rerun = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--rerun"}), env);
    CHECK(rerun.exit_code == 0);
    CHECK(rerun.err.empty());
    CHECK(requests_for(mock, "agents.create") == 42);

    // Read-only and idempotent lines are not guarded.
    const auto reads = write_file(dir, "reads.jsonl", R"({"op":"skill-groups.list"})" "\n");
    for (int i = 0; i < 2; ++i) CHECK(test::cli({"batch", "--input", reads}, env).exit_code == 0);
    CHECK(requests_for(mock, "skill-groups.list") == 2);

    // The record: private, one file per account beside the pacer's state.
    const auto ledger = ledger_in(env["XDG_STATE_HOME"]);
    REQUIRE(!ledger.empty());
    struct stat st {};
    REQUIRE(::stat(ledger.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("batch: the record is of what is sent: the same input to another bot is sent, to the same bot skipped") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 3);
    REQUIRE(test::cli(agents_batch(csv, {"--set", "roleId=agent"}), env).exit_code == 0);
    auto other = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--bot-id", "st-other-bot"}), env);
    INFO(other.err);
    CHECK(other.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 6);
    for (const auto& row : json_lines(other.out)) CHECK(row["outcome"] == "ok");
    auto same = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--bot-id", "st-other-bot"}), env);
    CHECK(same.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 6);
    for (const auto& row : json_lines(same.out)) CHECK(row["outcome"] == "skipped");
}

TEST_CASE("batch: a line a killed batch was sending is in doubt (exit 10), not skipped; --rerun sends it") {
    MockProcess mock({"--rate-limit", "none", "--latency", "3000"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 1);
    auto argv = agents_batch(csv, {"--set", "roleId=agent"});
    {
        auto with_path = argv;
        with_path.insert(with_path.begin(), test::cli_path());
        test::Background run(with_path, env, false);
        // Killed once its claim is written: the request is then on the wire, waiting for the slow answer.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        for (bool claimed = false; !claimed && std::chrono::steady_clock::now() < deadline;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (std::filesystem::exists(env["XDG_STATE_HOME"] + "/ccai/pacer")) {
                if (const auto ledger = ledger_in(env["XDG_STATE_HOME"]); !ledger.empty()) {
                    const auto text = slurp(ledger);
                    claimed = text.find("\nc ") != std::string::npos;
                }
            }
        }
        run.kill(SIGKILL);
    }
    auto again = test::cli(argv, env);
    CHECK(again.exit_code == 10);
    const auto rows = json_lines(again.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["outcome"] == "in-doubt");
    CHECK(rows[0]["error"]["reason"] == "maybe_sent");
    const std::string at = rows[0]["error"]["sent_at"];
    CHECK(rows[0]["error"]["message"] ==
          "maybe sent on " + at + " by a batch of this account (outcome unknown: it may exist now, or another batch "
          "is sending it): not sent again; check whether it exists (e.g. with the group's list or get), then --rerun "
          "sends it");
    auto rerun = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--rerun"}), env);
    CHECK(rerun.exit_code == 0);
    const auto sent = json_lines(rerun.out);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0]["outcome"] == "ok");  // sent: skipped or in doubt otherwise
}

TEST_CASE("batch: a 5xx does not prove nothing was created: the next run reports the line in doubt") {
    MockProcess mock({"--rate-limit", "none", "--fail-rate", "1"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto argv = agents_batch(agents_csv(dir, 1), {"--set", "roleId=agent"});
    auto first = test::cli(argv, env);
    CHECK(first.exit_code == 10);
    const auto one = json_lines(first.out);
    REQUIRE(one.size() == 1);
    CHECK(one[0]["outcome"] == "failed");
    CHECK(one[0]["status"] == 503);
    auto second = test::cli(argv, env);
    CHECK(second.exit_code == 10);
    const auto two = json_lines(second.out);
    REQUIRE(two.size() == 1);
    CHECK(two[0]["outcome"] == "in-doubt");  // not sent again: a sent line would fail with 503 again
    CHECK(two[0]["error"]["reason"] == "maybe_sent");
}

TEST_CASE("batch: two runs of one input at once create each line once") {
    MockProcess mock({"--rate-limit", "none", "--latency", "20"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 30);
    test::RunResult a, b;
    std::thread ta([&] { a = test::cli_for(std::chrono::seconds(60), agents_batch(csv, {"--set", "roleId=agent"}), env); });
    std::thread tb([&] { b = test::cli_for(std::chrono::seconds(60), agents_batch(csv, {"--set", "roleId=agent"}), env); });
    ta.join();
    tb.join();
    CHECK(requests_for(mock, "agents.create") == 30);
    // A line the other run is still sending is in doubt (exit 10); one it finished is skipped.
    size_t ok = 0, other = 0;
    for (const auto* r : {&a, &b}) {
        size_t doubt = 0;
        for (const auto& row : json_lines(r->out)) {
            (row["outcome"] == "ok" ? ok : other) += 1;
            doubt += row["outcome"] == "in-doubt";
            if (row["outcome"] != "ok") CHECK((row["outcome"] == "skipped" || row["outcome"] == "in-doubt"));
        }
        CHECK(r->exit_code == (doubt > 0 ? 10 : 0));
    }
    CHECK(ok == 30);
    CHECK(other == 30);
}

TEST_CASE("batch: a damaged, hostile or misplaced record of sent lines stops the run before anything is sent") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 3);
    REQUIRE(test::cli(agents_batch(csv, {"--set", "roleId=agent"}), env).exit_code == 0);
    const auto ledger = ledger_in(env["XDG_STATE_HOME"]);
    REQUIRE(!ledger.empty());
    const auto sent = requests_for(mock, "agents.create");
    const auto kept = ledger + ".kept";
    std::filesystem::copy_file(ledger, kept);
    const auto other = agents_csv(dir, 2, "b");
    const auto refused = [&](const std::string& why) {
        auto r = test::cli(agents_batch(other, {"--set", "roleId=agent"}), env);
        CHECK(r.exit_code == 3);
        CHECK(r.out.empty());
        CHECK(test::error_of(r)["message"].get<std::string>().find(why) != std::string::npos);
        CHECK(requests_for(mock, "agents.create") == sent);
    };
    SUBCASE("a line that is not an entry") {
        std::ifstream lines(kept);
        int n = 1;
        for (std::string l; std::getline(lines, l);) ++n;
        std::ofstream(ledger, std::ios::app) << "s not-hex 12\n";
        refused(fmt::format("is damaged (line {} is not an entry): the batch sends nothing more. Move it away (mv {} {}.bad)", n,
                            ledger, ledger));
    }
    SUBCASE("a date past what a number holds") {
        std::ofstream(ledger, std::ios::app) << "s 0123456789abcdef0123456789abcdef 99999999999999999999\n";
        refused("is not an entry");
    }
    SUBCASE("another header") {
        std::ofstream(ledger) << "hello\n";
        refused("is damaged (its first line is not \"ccai-sent 1\")");
    }
    SUBCASE("huge") {
        std::filesystem::resize_file(ledger, 65LL << 20);
        refused("more than the 67108864 ccai-cli ever writes");
    }
    SUBCASE("a symlink") {
        std::filesystem::remove(ledger);
        std::filesystem::create_symlink(kept, ledger);
        refused("is a symbolic link: remove it");
        refused("Removing it forgets every line it records as sent: a later batch would send them again");
    }
    SUBCASE("a hard link") {
        std::filesystem::remove(ledger);
        std::filesystem::create_hard_link(kept, ledger);
        refused("has 2 hard links");
    }
    SUBCASE("a FIFO") {
        std::filesystem::remove(ledger);
        REQUIRE(::mkfifo(ledger.c_str(), 0600) == 0);
        refused("is a FIFO: remove it");
    }
    if (::geteuid() == 0) {
        SUBCASE("another user's") {
            REQUIRE(::chown(ledger.c_str(), 65534, 65534) == 0);
            refused("belongs to uid 65534");
        }
    }
    // Whatever was refused, the record kept its entries: nothing of it was lost.
    std::ifstream in(kept);
    std::string header;
    std::getline(in, header);
    CHECK(header == "ccai-sent 1");
}

TEST_CASE("batch: a record torn by a kill is cut at its last whole entry, and read-write for its owner only") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto csv = agents_csv(dir, 2);
    REQUIRE(test::cli(agents_batch(csv, {"--set", "roleId=agent"}), env).exit_code == 0);
    const auto ledger = ledger_in(env["XDG_STATE_HOME"]);
    std::ofstream(ledger, std::ios::app) << "s 0123";  // a writer killed mid-entry
    ::chmod(ledger.c_str(), 0644);
    auto again = test::cli(agents_batch(csv, {"--set", "roleId=agent"}), env);
    CHECK(again.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 2);  // the entries before the torn one still count
    auto more = test::cli(agents_batch(agents_csv(dir, 1, "c"), {"--set", "roleId=agent"}), env);
    CHECK(more.exit_code == 0);
    const auto text = slurp(ledger);
    CHECK(text.find("s 0123") == std::string::npos);
    struct stat st {};
    REQUIRE(::stat(ledger.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("batch --skip-existing: lists once, skips lines that exist; refused where no list can find the field") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    REQUIRE(test::cli({"agents", "create", "--body",
                       R"({"emailId":"a2@example.com","firstName":"F","lastName":"L","roleId":"agent"})"}, env)
                .exit_code == 0);
    const auto csv = agents_csv(dir, 3);
    const auto before = requests_for(mock, "agents.list");
    auto r = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--skip-existing", "emailId"}), env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(requests_for(mock, "agents.list") == before + 1);  // one page holds every agent
    CHECK(requests_for(mock, "agents.create") == 3);         // the one above, and lines 2 and 4
    const auto rows = by_line(r.out);
    REQUIRE(rows.size() == 3);
    CHECK(rows.at(2)["outcome"] == "ok");
    CHECK(rows.at(3)["outcome"] == "skipped");
    CHECK(rows.at(3)["skipped"] == json{{"reason", "exists"},
                                        {"message", "emailId 'a2@example.com' already exists (--skip-existing): not sent"}});
    CHECK(rows.at(4)["outcome"] == "ok");

    // A duplicate within the input is skipped too once its first line is created; emails compare without case.
    const auto dups = write_file(dir, "dups.csv", "email,first,last\nd1@example.com,F,L\nD1@Example.COM,F,L\n");
    auto d = test::cli(agents_batch(dups, {"--set", "roleId=agent", "--skip-existing", "emailId", "--concurrency", "1"}), env);
    CHECK(d.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 4);
    const auto drows = by_line(d.out);
    REQUIRE(drows.size() == 2);
    CHECK(drows.at(2)["outcome"] == "ok");
    CHECK(drows.at(3)["outcome"] == "skipped");
    auto upper = test::cli(agents_batch(csv, {"--set", "roleId=agent", "--skip-existing", "emailId", "--rerun"}), env);
    CHECK(upper.exit_code == 0);
    CHECK(requests_for(mock, "agents.create") == 4);  // every line's email now exists

    auto no_list = test::cli({"batch", "--input", csv, "--op", "skills.create", "--skip-existing", "name", "--map",
                              "email=name", "--map", "first=", "--map", "last="}, env);
    CHECK(no_list.exit_code == 2);
    CHECK(no_list.err ==
          R"({"error":{"exit_code":2,"kind":"invalid_input","message":"--skip-existing name: skills.list needs )"
          R"(skillGroupId for each line, which one listing cannot cover"}})" "\n");
    auto not_create = test::cli({"batch", "--input", csv, "--op", "agents.update", "--skip-existing", "emailId", "--map",
                                 "email=emailId", "--map", "first=", "--map", "last="}, env);
    CHECK(not_create.exit_code == 2);
    CHECK(not_create.err ==
          R"({"error":{"exit_code":2,"kind":"invalid_input","message":"--skip-existing applies to create operations, )"
          R"(and agents.update is not one"}})" "\n");
}

TEST_CASE("batch: -o and --jq do not apply to results and are refused, not ignored") {
    const auto dir = test::temp_dir();
    const auto input = write_file(dir, "in.jsonl", R"({"op":"skill-groups.list"})" "\n");
    auto env = test::cli_env("http://127.0.0.1:1");
    auto o = test::cli({"batch", "--input", input, "-o", "table"}, env);
    CHECK(o.exit_code == 2);
    CHECK(test::error_of(o)["message"] ==
          "batch: -o table does not apply: batch results are JSON Lines (one record per line); convert them with jq, "
          "e.g. ccai-cli batch ... | jq -r '[.line,.outcome] | @csv'");
    auto jq = test::cli({"batch", "--input", input, "--jq", ".id"}, env);
    CHECK(jq.exit_code == 2);
    CHECK(test::error_of(jq)["message"] ==
          "batch: --jq does not apply to batch results; filter them with jq: ccai-cli batch ... | jq 'select(.outcome != \"ok\")'");
    CHECK(test::cli({"batch", "--input", input, "-o", "jsonl", "--dry-run"}, env).exit_code == 0);
}
