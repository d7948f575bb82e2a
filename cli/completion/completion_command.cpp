// `ccai-cli completion bash|zsh|fish` and `ccai-cli reference [--format markdown|man]`: printed from the
// whole command tree, made afresh when the command runs (the tree that parsed the call holds only the
// commands named on its line).
#include <cstdio>

#include "app.hpp"
#include "completion/completion_model.hpp"
#include "ccai/version.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

namespace {
CommandTree whole_command_tree() {
    Context context;
    CommandLine cl(context);
    return build_command_tree(cl.parser().describe());
}

int write_out(const Context& c, const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), c.console.out);
    return kOk;
}

void add_completion(CommandLine& cl) {
    auto& shell = cl.own<std::string>();
    auto completion = cl.root().add_command("completion", "print a shell completion script (bash, zsh or fish)");
    completion.option("shell", shell, "the shell").required().one_of({"bash", "zsh", "fish"});
    completion.footer(
        "Load it in the current shell:\n"
        "  bash:  source <(ccai-cli completion bash)\n"
        "  zsh:   source <(ccai-cli completion zsh)\n"
        "  fish:  ccai-cli completion fish | source\n"
        "Packages install them in share/bash-completion/completions, share/zsh/site-functions and\n"
        "share/fish/vendor_completions.d. Completing never calls the API; --profile reads config.toml.");
    completion.on_chosen([&cl, &shell] {
        cl.action = [&c = cl.context, &shell] {
            const auto tree = whole_command_tree();
            return write_out(c, shell == "bash"  ? bash_completion(tree)
                                : shell == "zsh" ? zsh_completion(tree)
                                                 : fish_completion(tree));
        };
    });
}

void add_reference(CommandLine& cl) {
    auto& format = cl.own<std::string>();
    format = "markdown";
    auto reference = cl.root().add_command("reference", "print the command reference (markdown, or a man page)");
    reference.option("--format", format, "markdown (docs/commands.md) or man (ccai-cli.1)").one_of({"markdown", "man"});
    reference.on_chosen([&cl, &format] {
        cl.action = [&c = cl.context, &format] {
            const auto tree = whole_command_tree();
            return write_out(c, format == "man" ? man_reference(tree, std::string(version())) : markdown_reference(tree));
        };
    });
}
}  // namespace

void add_completion_command(CommandLine& cl) {
    add_completion(cl);
    add_reference(cl);
}

}  // namespace ccai::cli
