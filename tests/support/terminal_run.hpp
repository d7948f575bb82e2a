#pragma once
// Running ccai-cli the way a person at a terminal does: its stderr (and, when asked, its stdout) on a
// pseudo-terminal, so that isatty() is true there, while stdout stays a pipe to be read exactly.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace ccai::test {

/// Runs ccai-cli with `args` and `env` (as cli() does), stderr on a pseudo-terminal whose output is not
/// post-processed (no "\n" -> "\r\n"), stdout on a pipe (`stdout_on_terminal`: on the terminal too, so
/// `out` then holds both), stdin from /dev/null. Killed after `limit`.
RunResult cli_on_terminal(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                          bool stdout_on_terminal = false,
                          std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace ccai::test
