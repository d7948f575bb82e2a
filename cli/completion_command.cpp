// `ccai-cli completion bash|zsh|fish` and `ccai-cli reference [--format markdown|man]`: printed from the
// command tree as registered, read when the command runs (after every command family is registered).
#include <cstdio>

#include "app.hpp"
#include "completion_model.hpp"
#include "exit_codes.hpp"

#ifndef CCAI_VERSION
#define CCAI_VERSION "0.0.0"
#endif

namespace ccai::cli {

void add_completion_command(CLI::App& app, GlobalFlags&, Action& action) {
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
    completion->callback([&app, &action] {
        action = [&app] {
            const auto tree = build_command_tree(app);
            const std::string script = shell == "bash"  ? bash_completion(tree)
                                       : shell == "zsh" ? zsh_completion(tree)
                                                        : fish_completion(tree);
            std::fwrite(script.data(), 1, script.size(), stdout);
            return static_cast<int>(kOk);
        };
    });

    static std::string format = "markdown";
    auto* reference = app.add_subcommand("reference", "print the command reference (markdown, or a man page)");
    reference->fallthrough();
    reference->add_option("--format", format, "markdown (docs/commands.md) or man (ccai-cli.1)")
        ->check(CLI::IsMember({"markdown", "man"}));
    reference->callback([&app, &action] {
        action = [&app] {
            const auto tree = build_command_tree(app);
            const std::string text = format == "man" ? man_reference(tree, CCAI_VERSION) : markdown_reference(tree);
            std::fwrite(text.data(), 1, text.size(), stdout);
            return static_cast<int>(kOk);
        };
    });
}

}  // namespace ccai::cli
