// Help: `help [GROUP [ACTION]]` is `--help`; every action's help lists its environment variables and ends
// with examples made from the catalog, which run as they are; catalog-authoring notes stay out.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ccai/endpoint.hpp"
#include "support/in_process_cli.hpp"

using namespace ccai;
using test::Cli;

namespace {

// The words of an example line as a POSIX shell splits them (single quotes only: the examples use no other).
std::vector<std::string> shell_words(const std::string& line) {
    std::vector<std::string> out;
    std::string word;
    bool in_word = false, quoted = false;
    for (const char c : line) {
        if (quoted) {
            if (c == '\'') quoted = false;
            else word += c;
        } else if (c == '\'') {
            quoted = in_word = true;
        } else if (c == ' ') {
            if (in_word) out.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) out.push_back(word);
    return out;
}

// The example lines at the end of an action's help.
std::vector<std::string> examples_of(const std::string& help) {
    const auto at = help.rfind("\nExample");
    REQUIRE(at != std::string::npos);
    std::vector<std::string> out;
    std::size_t line = help.find('\n', at + 1) + 1;
    while (line < help.size()) {
        const auto end = help.find('\n', line);
        const auto text = help.substr(line, end - line);
        REQUIRE(text.starts_with("  ccai-cli "));
        out.push_back(text.substr(2));
        if (end == std::string::npos) break;
        line = end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("help: `help`, `help GROUP` and `help GROUP ACTION` print what --help prints") {
    Cli cli;
    const auto same = [&](std::vector<std::string> words) {
        auto with_flag = words;
        with_flag.push_back("--help");
        words.insert(words.begin(), "help");
        const auto a = cli(words), b = cli(with_flag);
        CHECK(a.code == 0);
        CHECK(b.code == 0);
        CHECK(a.err.empty());
        CHECK(!a.out.empty());
        CHECK(a.out == b.out);
    };
    same({});
    same({"agents"});
    same({"agents", "get"});
    same({"config", "list"});
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("help: an unknown group or action gets a suggestion") {
    Cli cli;
    const auto r = cli({"help", "agents", "lst"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == R"({"error":{"exit_code":2,"kind":"invalid_input","message":"unknown action 'lst' for agents; did you mean 'list'?"}})" "\n");
    const auto g = cli({"help", "agnts"});
    CHECK(g.code == 2);
    CHECK(g.err == R"({"error":{"exit_code":2,"kind":"invalid_input","message":"unknown command 'agnts' for ccai-cli; did you mean 'agents'?"}})" "\n");
}

TEST_CASE("help: a group lists its actions under \"Actions:\"") {
    Cli cli;
    const auto r = cli({"agents", "--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("\nActions:\n  create ") != std::string::npos);
    CHECK(r.out.find("API groups") == std::string::npos);
    // The program's own help still lists the groups under theirs.
    CHECK(cli({"--help"}).out.find("\nAPI groups:\n") != std::string::npos);
}

TEST_CASE("help: `version` prints what --version prints") {
    Cli cli;
    const auto a = cli({"version"}), b = cli({"--version"});
    CHECK(a.code == 0);
    CHECK(b.code == 0);
    CHECK(a.out == b.out);
    CHECK(a.out.starts_with("ccai-cli 0.1.0 libcurl/"));
    CHECK(a.out.ends_with("\n"));
    CHECK(a.out.find('\n') == a.out.size() - 1);
}

TEST_CASE("help: an action's help, exactly: fields, request, environment, then examples") {
    Cli cli;
    const auto r = cli({"agents", "get", "--help"});
    CHECK(r.code == 0);
    const auto tail = r.out.substr(r.out.find("\nGET "));
    CHECK(tail ==
          "\nGET /agentassist/api/v1/public/{botId}/agents/{agentId}   (docs: get-a-specific-agent.md)\n"
          "\nEnvironment: CCAI_HOST, CCAI_ACCOUNT_ID, CCAI_BOT_ID, CCAI_CLIENT_ID, CCAI_CLIENT_SECRET, CCAI_TOKEN, "
          "CCAI_RATE_LIMIT, CCAI_PACER, CCAI_OUTPUT, CCAI_PROFILE, CCAI_ERROR_FORMAT; a flag wins over its variable, "
          "and `ccai-cli config list` shows the rest.\n"
          "\nExample:\n"
          "  ccai-cli agents get --agent-id AGENT_ID\n");
}

TEST_CASE("help: every action's help ends with examples that run, lists its variables, and holds no catalog notes") {
    for (const auto& spec : endpoints()) {
        CAPTURE(spec.id());
        Cli cli;
        const auto help = cli({std::string(spec.group()), std::string(spec.action()), "--help"});
        REQUIRE(help.code == 0);
        CHECK(help.out.find("\nEnvironment: CCAI_HOST, ") != std::string::npos);
        for (const char* note : {"Source:", "file id", "commit ", "Notes:"}) CHECK(help.out.find(note) == std::string::npos);
        const auto examples = examples_of(help.out);
        CHECK(!examples.empty());
        for (const auto& line : examples) {
            CAPTURE(line);
            auto words = shell_words(line);
            REQUIRE(words.front() == "ccai-cli");
            words.erase(words.begin());
            if (words.size() >= 2 && words[words.size() - 2] == ">") words.resize(words.size() - 2);
            const bool from_file = std::any_of(words.begin(), words.end(), [](const std::string& w) {
                return w.starts_with("@") || w == "--file";
            });
            if (from_file) continue;  // the file is the user's to write
            words.push_back("--dry-run");
            const auto dry = cli(words);
            CHECK_MESSAGE(dry.code == 0, dry.err);
        }
    }
}
