#pragma once
// What `config init` and `config set` read from a person or a pipe: answers typed at the terminal, a secret
// typed without echo, or a secret piped on stdin. A secret never comes from argv, which every user of the
// host can read in `ps`.
#include <cstdio>
#include <string>

#include "ccai/error.hpp"

namespace ccai::cli {

/// True when stdin is a terminal: a person can answer questions.
bool stdin_is_terminal();

/// Writes `question` on `err` and reads one line from the terminal on stdin, without its line ending.
/// End of input (Ctrl-D) before a line is invalid input ("no answer").
Result<std::string> ask(std::FILE* err, const std::string& question);

/// ask() with the terminal's echo off, so the answer is not shown; the terminal is restored afterwards, also
/// when Ctrl-C ends the program during the question.
Result<std::string> ask_secret(std::FILE* err, const std::string& question);

/// The whole of stdin (at most 64 KiB) as a secret, one trailing line ending dropped (`echo "$S" |`);
/// empty is invalid input. `what` names it in messages ("client_secret").
Result<std::string> secret_from_stdin(const std::string& what);

}  // namespace ccai::cli
