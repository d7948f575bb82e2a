// `ccai-cli help [GROUP [ACTION]]`, which prints what `GROUP ACTION --help` does, and `ccai-cli version`,
// which prints what --version does: the words people type first when a flag does not come to mind.
#include <cstdio>

#include <fmt/format.h>

#include "app.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

void add_help_commands(CommandLine& cl) {
    auto& words = cl.own<std::vector<std::string>>();
    auto help = cl.root().add_command("help", "show the help of a command: help, help GROUP, help GROUP ACTION");
    help.option("command", words, "the group and action whose help to show");
    help.on_chosen([&cl, &words] {
        cl.action = [&c = cl.context, &words] {
            // A tree of its own, as completion's: every command in it, none of them chosen.
            Context blank;
            CommandLine tree(blank);
            const auto shown = tree.parser().help_for(words);
            if (shown.kind == ParseOutcome::Kind::usage_error) {
                c.command = fmt::format("{}", fmt::join(shown.command_path, " "));  // the hint names the help that exists
                return c.fail(invalid_input(shown.message));
            }
            std::fputs(shown.out.c_str(), c.console.out);
            return static_cast<int>(kOk);
        };
    });
    cl.root().add_command("version", "print the version, and the libcurl and TLS library it uses (as --version)")
        .on_chosen([&cl] {
            cl.action = [&c = cl.context] {
                std::fputs(version_text().c_str(), c.console.out);
                return static_cast<int>(kOk);
            };
        });
}

}  // namespace ccai::cli
