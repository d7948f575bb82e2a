#pragma once
// Programs run on a pseudo-terminal, for what only happens at a terminal: isatty() true on stderr (errors as
// text, progress lines), questions, a secret typed without echo. One way of starting a program there serves
// both a run read to its end (cli_on_terminal) and an interactive session (PtySession).
#include <sys/types.h>

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

/// A program whose stdin, stdout and stderr are a new terminal in its usual (cooked, echoing) mode. The test
/// reads what the terminal shows and types answers, with a time limit on every wait so a program that
/// stops asking fails the test instead of hanging it.
class PtySession {
public:
    /// Starts `argv` (searched in PATH) on the terminal; `env` as in run() (empty: unset).
    PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
    ~PtySession();  ///< kills the program if it still runs
    PtySession(const PtySession&) = delete;
    PtySession& operator=(const PtySession&) = delete;

    /// Reads what the terminal shows until `text` appears after what earlier expects consumed; false when
    /// the program ends or `limit` passes first.
    bool expect(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(20));
    /// Types `text` (include "\n" for Enter).
    void type(const std::string& text);
    /// Waits for the program to end and returns its exit code (128+N when killed by signal N; -1 on timeout).
    int wait(std::chrono::milliseconds limit = std::chrono::seconds(20));
    /// Everything the terminal has shown so far.
    const std::string& shown() const { return shown_; }
    /// Whether the terminal echoes what is typed now (its settings outlive the program while the session lasts).
    bool echoes() const;

private:
    bool read_some(std::chrono::milliseconds limit);

    pid_t pid_ = -1;
    int master_ = -1;
    std::string shown_;
    std::size_t consumed_ = 0;
    int status_ = -1;
};

}  // namespace ccai::test
