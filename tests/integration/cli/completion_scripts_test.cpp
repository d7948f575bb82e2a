// Shell completions: the committed scripts are what the binary prints, the bash script completes groups,
// actions, flags and values in a real bash, the zsh script under zsh's own completion system (compinit, a
// TAB typed on a terminal), and the fish script in fish.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/process.hpp"
#include "support/pseudo_terminal.hpp"
#include "support/test_files.hpp"

using namespace ccai::test;

namespace {

std::string source_file(const std::string& rel) { return std::string(CCAI_SOURCE_DIR) + "/" + rel; }

std::string cli_dir() {
    std::string p = ccai::test::cli_path();
    return p.substr(0, p.rfind('/'));
}

bool have(const std::string& program) { return run({"sh", "-c", "command -v " + program}).exit_code == 0; }

// A config dir with two profiles, and ccai-cli first on PATH (the script runs `ccai-cli config profiles`).
const std::map<std::string, std::string>& shell_env() {
    static const std::map<std::string, std::string> env = [] {
        const auto dir = temp_dir();
        run({"mkdir", "-p", dir + "/ccai"});
        std::ofstream(dir + "/ccai/config.toml") << "[default]\nhost = \"https://a.example\"\n\n[staging]\nhost = \"https://b.example\"\n";
        return std::map<std::string, std::string>{{"XDG_CONFIG_HOME", dir},
                                                  {"PATH", cli_dir() + ":" + std::getenv("PATH")},
                                                  {"CCAI_PROFILE", ""}};
    }();
    return env;
}

// Sources the script in bash, sets COMP_WORDS/COMP_CWORD (the last word is the one being completed)
// and returns COMPREPLY.
std::vector<std::string> bash_complete(const std::vector<std::string>& words) {
    std::vector<std::string> argv{"bash", "--norc", "--noprofile", "-c",
                                  "source \"$1\" || exit 99; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                                  "COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _ccai_cli; printf '%s\\n' \"${COMPREPLY[@]}\"",
                                  "bash", source_file("completions/ccai-cli.bash")};
    argv.insert(argv.end(), words.begin(), words.end());
    const auto r = run(argv, shell_env());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Shells list files in the directory's order.
std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + " ";
    return out;
}

}  // namespace

TEST_CASE("completion: committed scripts are what ccai-cli prints") {
    for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
             {"bash", "completions/ccai-cli.bash"}, {"zsh", "completions/_ccai-cli"}, {"fish", "completions/ccai-cli.fish"}}) {
        CAPTURE(shell);
        const auto r = cli({"completion", shell});
        REQUIRE(r.exit_code == 0);
        CHECK_MESSAGE(r.out == slurp(source_file(file)),
                      file << " is out of date with the command tree; regenerate it with scripts/update-goldens.sh "
                              "(or: ccai-cli completion " << shell << " > " << file << ")");
    }
}

TEST_CASE("completion: an unknown shell is a usage error") {
    const auto r = cli({"completion", "tcsh"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
}

TEST_CASE("completion: bash completes groups, actions, flags and values") {
    if (!have("bash")) {
        MESSAGE("bash is not installed; skipping");
        return;
    }
    SUBCASE("groups and utility commands at the top") {
        const auto r = bash_complete({"ccai-cli", ""});
        for (const char* g : {"skills", "queues", "agents", "api", "config", "pacer", "completion", "reference"})
            CHECK_MESSAGE(has(r, g), g << " missing from: " << joined(r));
        CHECK(bash_complete({"ccai-cli", "sk"}) == std::vector<std::string>{"skills", "skill-groups"});
    }
    SUBCASE("actions of a group") {
        const auto r = bash_complete({"ccai-cli", "skills", ""});
        for (const char* a : {"create", "list", "get", "update", "delete"}) CHECK_MESSAGE(has(r, a), a << " missing from: " << joined(r));
        CHECK_FALSE(has(r, "skills"));
    }
    SUBCASE("flags of an action, the global ones included") {
        const auto r = bash_complete({"ccai-cli", "skills", "get", "--"});
        for (const char* f : {"--skill-id", "--help", "--output", "--profile", "--dry-run", "--host"})
            CHECK_MESSAGE(has(r, f), f << " missing from: " << joined(r));
        CHECK_FALSE(has(r, "--body"));  // skills get takes no body
        const auto create = bash_complete({"ccai-cli", "skills", "create", "--"});
        CHECK(has(create, "--body"));
        CHECK(has(create, "--set"));
        // A leaf with an empty word offers its own flags, without the global ones.
        const auto leaf = bash_complete({"ccai-cli", "skills", "get", ""});
        CHECK(has(leaf, "--skill-id"));
        CHECK_FALSE(has(leaf, "--host"));
    }
    SUBCASE("enum values from the catalog and from CLI11 checks") {
        CHECK(bash_complete({"ccai-cli", "conversations", "list", "--status", ""}) ==
              std::vector<std::string>{"ACTIVE", "CLOSED", "IDLE", "OPEN", "OVERDUE", "TERMINATED"});
        CHECK(bash_complete({"ccai-cli", "skills", "get", "-o", "j"}) == std::vector<std::string>{"json", "jsonl"});
        // bash splits "--output=j" at '='.
        CHECK(bash_complete({"ccai-cli", "skills", "get", "--output", "=", "j"}) == std::vector<std::string>{"json", "jsonl"});
        CHECK(bash_complete({"ccai-cli", "skills", "get", "--output", "="}) == std::vector<std::string>{"json", "jsonl", "csv", "yaml", "table", "text"});
        CHECK(bash_complete({"ccai-cli", "completion", ""}) == std::vector<std::string>{"bash", "zsh", "fish"});
        CHECK(bash_complete({"ccai-cli", "reference", "--format", ""}) == std::vector<std::string>{"markdown", "man"});
    }
    SUBCASE("body field paths for --set") {
        const auto r = bash_complete({"ccai-cli", "skills", "create", "--set", ""});
        CHECK_MESSAGE(has(r, "name="), joined(r));
    }
    SUBCASE("free-text values complete to nothing") {
        CHECK(bash_complete({"ccai-cli", "skills", "get", "--skill-id", ""}).empty());
        CHECK(bash_complete({"ccai-cli", "--host", ""}).empty());
    }
    SUBCASE("--profile lists the profiles of config.toml") {
        CHECK(bash_complete({"ccai-cli", "--profile", ""}) == std::vector<std::string>{"default", "staging"});
        CHECK(bash_complete({"ccai-cli", "skills", "list", "--profile", "st"}) == std::vector<std::string>{"staging"});
    }
    SUBCASE("option values are skipped when finding the command") {
        CHECK(bash_complete({"ccai-cli", "--profile", "staging", "-o", "json", "skills", "cr"}) == std::vector<std::string>{"create"});
        CHECK(bash_complete({"ccai-cli", "--output", "=", "json", "skills", "cr"}) == std::vector<std::string>{"create"});
    }
}

// A directory with two JSON files, for completing paths.
const std::string& files_dir() {
    static const std::string dir = [] {
        const auto d = temp_dir();
        std::ofstream(d + "/agent.json") << "{}";
        std::ofstream(d + "/queue.json") << "{}";
        return d;
    }();
    return dir;
}

TEST_CASE("completion: bash completes files after --body @ and --file, booleans, setting choices, --set list fields, --op ids and help's words") {
    const auto& d = files_dir();
    CHECK(sorted(bash_complete({"ccai-cli", "queues", "create", "--body", "@" + d + "/"})) ==
          std::vector<std::string>{"@" + d + "/agent.json", "@" + d + "/queue.json"});
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--body", "@" + d + "/q"}) == std::vector<std::string>{"@" + d + "/queue.json"});
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--body", "@-"}) == std::vector<std::string>{"@-"});
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--body", "{"}).empty());  // inline JSON: nothing to offer
    CHECK(bash_complete({"ccai-cli", "contacts", "import", "--file", d + "/a"}) == std::vector<std::string>{d + "/agent.json"});
    CHECK(bash_complete({"ccai-cli", "agents", "list", "--include-queues", ""}) == std::vector<std::string>{"true", "false"});
    CHECK(bash_complete({"ccai-cli", "--jwt-jti", ""}) == std::vector<std::string>{"true", "false"});
    CHECK(bash_complete({"ccai-cli", "agents", "list", "--priority", ""}) == std::vector<std::string>{"interactive", "bulk"});
    // A field of the elements of a list, then its values: the catalog's boolean as true and false.
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--set", "agents[].i"}) ==
          std::vector<std::string>{"agents[].isPreferredAgent=", "agents[].isPreferredAgent=true", "agents[].isPreferredAgent=false"});
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--set", "agents[].u"}) == std::vector<std::string>{"agents[].userId="});
    CHECK(bash_complete({"ccai-cli", "queues", "create", "--set", "enableTransferRules=t"}) ==
          std::vector<std::string>{"enableTransferRules=true"});
    CHECK(bash_complete({"ccai-cli", "batch", "--op", "skill-groups.c"}) == std::vector<std::string>{"skill-groups.create"});
    CHECK(bash_complete({"ccai-cli", "he"}) == std::vector<std::string>{"help"});
    // help GROUP ACTION: the words after help complete as the command they name, and nothing after an action.
    CHECK(bash_complete({"ccai-cli", "help", "skill-g"}) == std::vector<std::string>{"skill-groups"});
    CHECK(bash_complete({"ccai-cli", "help", "agents", "g"}) == std::vector<std::string>{"get", "get-by-custom-id"});
    CHECK(bash_complete({"ccai-cli", "help", "agents", "get", ""}).empty());
    CHECK(bash_complete({"ccai-cli", "--error-format", ""}) == std::vector<std::string>{"auto", "json", "text"});
    // config set, get and unset: the keys of the settings table.
    CHECK(bash_complete({"ccai-cli", "config", "set", "error_"}) == std::vector<std::string>{"error_format"});
    CHECK(bash_complete({"ccai-cli", "config", "get", "bot"}) == std::vector<std::string>{"bot_id"});
    CHECK(bash_complete({"ccai-cli", "config", "unset", "client_"}) == std::vector<std::string>{"client_id", "client_secret"});
}

// The completion system's own setup in a real interactive zsh (zsh -f, compinit), with our _ccai-cli first in
// fpath, and compadd wrapped so that every match compsys adds is also written to $CCAI_CAPTURE, one a line,
// unquoted and with the prefixes it is added with: what TAB would offer. Matching, compset and _files are zsh's
// own. Markers on the terminal say when the setup and each completion are done.
constexpr const char* kZshCapture = R"ZSH(
PS1='> '
fpath=("$CCAI_COMPLETIONS" $fpath)
autoload -U compinit
compinit -u -D
compadd() {
    # compsys's own queries (-O, -A, -D) only compute matches: let them through unrecorded.
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
        builtin compadd "$@"
        return
    fi
    local -a __hits
    local -A __opts
    builtin compadd -A __hits "$@"
    zparseopts -E -A __opts P: p: s:
    local hit
    for hit in $__hits; do
        print -r -- "$IPREFIX${__opts[-P]}${__opts[-p]}${(Q)hit}${__opts[-s]}" >> $CCAI_CAPTURE
    done
    builtin compadd "$@"
}
ccai_capture_done() { print -r -- 'CCAI-CAPTURE''-DONE' }
comppostfuncs=(ccai_capture_done)
bindkey '^I' complete-word
print -r -- 'CCAI-CAPTURE''-READY'
)ZSH";

// Types the words (the last one is the one being completed) on the command line of an interactive zsh on a
// pseudo-terminal, presses TAB, and returns the matches compsys offered. HOME and ZDOTDIR are a directory of
// the test's; every wait has a time limit, and the shell is killed at the end.
std::vector<std::string> zsh_complete(const std::vector<std::string>& words) {
    static const std::string dir = [] {
        const auto d = temp_dir();
        std::ofstream(d + "/capture.zsh") << kZshCapture;
        return d;
    }();
    const auto capture = dir + "/matches";
    std::ofstream(capture, std::ios::trunc).flush();
    auto env = shell_env();
    env["HOME"] = dir;
    env["ZDOTDIR"] = dir;
    env["TERM"] = "xterm";
    env["CCAI_COMPLETIONS"] = source_file("completions");
    env["CCAI_CAPTURE"] = capture;
    PtySession zsh({"zsh", "-f", "-i"}, env);
    zsh.type("source " + dir + "/capture.zsh\n");
    REQUIRE_MESSAGE(zsh.expect("CCAI-CAPTURE-READY"), zsh.shown());
    REQUIRE_MESSAGE(zsh.expect("> "), zsh.shown());
    std::string line;
    for (const auto& w : words) line += (line.empty() ? "" : " ") + w;
    zsh.type(line + "\t");
    REQUIRE_MESSAGE(zsh.expect("CCAI-CAPTURE-DONE"), zsh.shown());
    std::vector<std::string> out;
    std::istringstream in(slurp(capture));
    for (std::string match; std::getline(in, match);)
        if (!match.empty()) out.push_back(match);
    return out;
}

TEST_CASE("completion: zsh completes commands, flags and values under compsys") {
    if (!have("zsh")) {
        MESSAGE("zsh is not installed (apt-get install zsh); skipping");
        return;
    }
    const auto& d = files_dir();
    CHECK(zsh_complete({"ccai-cli", "sk"}) == std::vector<std::string>{"skills", "skill-groups"});
    CHECK(zsh_complete({"ccai-cli", "agents", "l"}) == std::vector<std::string>{"list"});
    CHECK(has(zsh_complete({"ccai-cli", "skills", "get", "--"}), "--skill-id"));
    CHECK(zsh_complete({"ccai-cli", "skills", "get", "-o", ""}) ==
          std::vector<std::string>{"json", "jsonl", "csv", "yaml", "table", "text"});
    CHECK(zsh_complete({"ccai-cli", "--profile", ""}) == std::vector<std::string>{"default", "staging"});
    CHECK(sorted(zsh_complete({"ccai-cli", "queues", "create", "--body", "@" + d + "/"})) ==
          std::vector<std::string>{"@" + d + "/agent.json", "@" + d + "/queue.json"});
    CHECK(zsh_complete({"ccai-cli", "contacts", "import", "--file", d + "/q"}) == std::vector<std::string>{d + "/queue.json"});
    CHECK(zsh_complete({"ccai-cli", "agents", "list", "--include-queues", ""}) == std::vector<std::string>{"true", "false"});
    CHECK(zsh_complete({"ccai-cli", "queues", "create", "--set", "agents[].isPreferredAgent="}) ==
          std::vector<std::string>{"agents[].isPreferredAgent=", "agents[].isPreferredAgent=true", "agents[].isPreferredAgent=false"});
    CHECK(zsh_complete({"ccai-cli", "queues", "create", "--body", "@-"}) == std::vector<std::string>{"@-"});
    CHECK(zsh_complete({"ccai-cli", "batch", "--op", "skill-groups.c"}) == std::vector<std::string>{"skill-groups.create"});
    CHECK(zsh_complete({"ccai-cli", "help", "agents", "g"}) == std::vector<std::string>{"get", "get-by-custom-id"});
    CHECK(zsh_complete({"ccai-cli", "help", "agents", "get", ""}).empty());
    CHECK(zsh_complete({"ccai-cli", "config", "set", "error_"}) == std::vector<std::string>{"error_format"});
}

TEST_CASE("completion: zsh script parses") {
    if (!have("zsh")) {
        MESSAGE("zsh is not installed (apt-get install zsh); skipping");
        return;
    }
    const auto r = run({"zsh", "-n", source_file("completions/_ccai-cli")});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("completion: fish script parses and completes") {
    if (!have("fish")) {
        MESSAGE("fish is not installed (apt-get install fish); skipping");
        return;
    }
    const auto file = source_file("completions/ccai-cli.fish");
    const auto syntax = run({"fish", "-n", file});
    REQUIRE_MESSAGE(syntax.exit_code == 0, syntax.err);
    auto complete = [&](const std::string& line) {
        const auto r = run({"fish", "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", file, line}, shell_env());
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        std::vector<std::string> out;
        std::istringstream in(r.out);
        for (std::string l; std::getline(in, l);) out.push_back(l.substr(0, l.find('\t')));
        return out;
    };
    CHECK(complete("ccai-cli sk") == std::vector<std::string>{"skills", "skill-groups"});
    CHECK(has(complete("ccai-cli skills "), "create"));
    CHECK(has(complete("ccai-cli skills get --"), "--skill-id"));
    // fish sorts the values.
    CHECK(complete("ccai-cli skills get --output=") == std::vector<std::string>{"--output=csv", "--output=json", "--output=jsonl", "--output=table", "--output=text", "--output=yaml"});
    CHECK(complete("ccai-cli --profile ") == std::vector<std::string>{"default", "staging"});
    const auto& d = files_dir();
    CHECK(complete("ccai-cli queues create --body @" + d + "/") ==
          std::vector<std::string>{"@" + d + "/agent.json", "@" + d + "/queue.json"});
    CHECK(complete("ccai-cli contacts import --file " + d + "/q") == std::vector<std::string>{d + "/queue.json"});
    CHECK(complete("ccai-cli agents list --include-queues ") == std::vector<std::string>{"false", "true"});
    CHECK(complete("ccai-cli queues create --set agents[].isPreferredAgent=") ==
          std::vector<std::string>{"agents[].isPreferredAgent=", "agents[].isPreferredAgent=false", "agents[].isPreferredAgent=true"});
    CHECK(complete("ccai-cli batch --op skill-groups.c") == std::vector<std::string>{"skill-groups.create"});
    CHECK(complete("ccai-cli help agents g") == std::vector<std::string>{"get", "get-by-custom-id"});
    CHECK(complete("ccai-cli help agents get ").empty());
}
