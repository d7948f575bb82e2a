#pragma once
// The `config` family's parts: each registers its subcommands under `config`.
#include "app.hpp"

namespace ccai::cli {

/// `config set`, `config get`, `config unset`.
void add_config_edit_commands(Command config, CommandLine& cl);
/// `config init`.
void add_config_init_command(Command config, CommandLine& cl);

/// The sources Config::load reads for this run: the context's, with the global flags.
ConfigSources config_sources(const Context& c);

/// An environment variable as the context's sources see it (the process's environment unless a test gave
/// its own); nullopt when unset or empty.
std::optional<std::string> environment_value(const Context& c, const char* name);

}  // namespace ccai::cli
