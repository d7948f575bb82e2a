// `ccai-cli completion bash|zsh|fish` and `ccai-cli reference [--format markdown|man]`: printed from the
// whole command tree, made afresh when the command runs (the tree that parsed the call holds only the
// commands named on its line).
#include <cstdio>

#include "app.hpp"
#include "completion_model.hpp"
#include "ccai/version.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

namespace {
CommandTree whole_command_tree() {
    GlobalFlags flags;
    Action action;
    return build_command_tree(*make_app(flags, action));
}

int write_stdout(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kOk;
}

void add_completion(CLI::App& app, Action& action) {
    static std::string shell;
    auto* completion = app.add_subcommand("completion", "print a shell completion script (bash, zsh or fish)");
    completion->fallthrough();
    completion->add_option("shell", shell, "the shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    completion->footer(
        "Load it in the current shell:\n"
        "  bash:  source <(ccai-cli completion bash)\n"
        "  zsh:   source <(ccai-cli completion zsh)\n"
        "  fish:  ccai-cli completion fish | source\n"
        "Packages install them in share/bash-completion/completions, share/zsh/site-functions and\n"
        "share/fish/vendor_completions.d. Completing never calls the API; --profile reads config.toml.");
    completion->callback([&action] {
        action = [] {
            const auto tree = whole_command_tree();
            return write_stdout(shell == "bash"  ? bash_completion(tree)
                                : shell == "zsh" ? zsh_completion(tree)
                                                 : fish_completion(tree));
        };
    });
}

void add_reference(CLI::App& app, Action& action) {
    static std::string format = "markdown";
    auto* reference = app.add_subcommand("reference", "print the command reference (markdown, or a man page)");
    reference->fallthrough();
    reference->add_option("--format", format, "markdown (docs/commands.md) or man (ccai-cli.1)")
        ->check(CLI::IsMember({"markdown", "man"}));
    reference->callback([&action] {
        action = [] {
            const auto tree = whole_command_tree();
            return write_stdout(format == "man" ? man_reference(tree, std::string(version())) : markdown_reference(tree));
        };
    });
}
}  // namespace

void add_completion_command(CLI::App& app, GlobalFlags&, Action& action) {
    add_completion(app, action);
    add_reference(app, action);
}

}  // namespace ccai::cli
