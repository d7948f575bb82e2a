#pragma once
// What a command runs with: the global flags, the console, where settings come from, how clients are made;
// and run_cli, the CLI's entry point. Free of CLI11, which only the files that register commands include.
#include <cstddef>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ccai/client.hpp"

namespace ccai::cli {

class JqProgram;

/// Flags every command accepts, before or after the subcommand.
struct GlobalFlags {
    std::map<std::string, std::string> settings;  ///< config keys given as flags (host, bot_id, ...)
    std::string output;                           ///< json, jsonl, csv, yaml, table, text ("" = from config / default)
    std::string fields;                           ///< --fields a,b
    std::string jq;                               ///< --jq EXPR ("" = none)
    bool no_headers = false;                      ///< csv, table: no header row
    bool headers = false;                         ///< text: a header line
    bool bom = false;                             ///< csv: a UTF-8 byte-order mark
    bool wide = false;                            ///< table: never cut to the terminal's width
    bool verbose = false;
    bool dry_run = false;
    bool insecure = false;
    bool quiet = false;
};

/// Where a command writes, and whether a person reads it.
struct Console {
    std::FILE* out = stdout;
    std::FILE* err = stderr;
    bool out_tty = false;  ///< pretty JSON on stdout
    bool err_tty = false;  ///< progress lines and wait notices on stderr (a terminal, and we are its foreground)
    std::size_t out_columns = 0;  ///< the width of the terminal on stdout (COLUMNS, else the tty's); 0: no terminal
    /// Errors as lines for a person ("error: ...", "hint: ..."), not JSON: stderr is a terminal (run_cli then
    /// applies --error-format and CCAI_ERROR_FORMAT).
    bool err_text = false;
    /// The process's stdout and stderr, with isatty.
    static Console standard();
};

/// The line a person at a terminal sees before a retry's pause.
std::string retry_notice_text(const RetryNotice& notice, const std::string& rate_limit, const std::string& host);

/// What every command runs with.
struct Context {
    GlobalFlags flags;
    Console console;
    /// The process's Ctrl-C, for ending pacer waits (main sets it; in-process tests leave it unset).
    Interruption* interruption = nullptr;
    /// Where settings come from besides the flags (flags.settings fill its `flags`): by default the process's
    /// environment and ~/.config/ccai; tests give a map and a directory of their own.
    ConfigSources sources;
    /// Completes the options of each client a command makes: tests put a FakeTransport, a FakeClock or a
    /// pacer there. Unset: libcurl, the system clock and the configured pacer.
    std::function<void(ClientOptions&)> client_setup;
    /// The --jq program, compiled by run_cli before the command runs: a program that does not compile is a
    /// usage error before any request.
    std::shared_ptr<JqProgram> jq;
    /// The chosen command ("agents get"), for the hint under an error.
    std::string command;
    /// Whose credentials the session sends ("credentials of profile 'prod': client_id from ..., client_secret from
    /// credentials [prod] (/home/u/.config/ccai/credentials)"),
    /// set by open_session: a 401 or 403 names them, since that is where a wrong secret is fixed.
    mutable std::string credentials_in_use;

    /// Prints the error on the console's stderr (one JSON object, or lines and a hint for a person: see
    /// Console::err_text) and returns its exit code.
    int fail(const ApiError& error) const;
    /// The same with a hint of its own instead of the one for the error's kind (shown in text only).
    int fail(const ApiError& error, const std::string& hint) const;

private:
    int fail_as_is(const ApiError& error) const;
};

/// What --version and `ccai-cli version` print: "ccai-cli VERSION libcurl/... OpenSSL/...\n".
std::string version_text();

/// Loads the configuration (flags > env > profile > default).
Result<Config> load_config(const Context& context);

/// What a command needs to talk to the service.
struct Session {
    Config config;
    std::unique_ptr<Client> client;
};

/// The client for `config` (from load_config: each command loads it once), with --verbose logging and, on a
/// terminal, wait notices (`wait_notices` false: a batch shows its own progress instead).
/// `on_wait`, when given, hears of every long pacer wait (batch's progress line), in place of the notices.
Result<Session> open_session(const Context& context, Config config, bool wait_notices = true,
                             std::function<void(Duration)> on_wait = {});

/// Parses `argv`, runs the chosen command and returns the documented exit code. Usage errors go to the
/// console's stderr like every error (exit 2); --help, `help` and --version print on its stdout.
int run_cli(Context& context, int argc, const char* const* argv);

}  // namespace ccai::cli
