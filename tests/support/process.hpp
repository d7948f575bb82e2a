#pragma once
// Running real programs from tests: ccai-cli, ccai-mock, redis-server.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ccai::test {

struct RunResult {
    int exit_code = -1;  ///< 128+N when killed by signal N
    std::string out;
    std::string err;
    bool timed_out = false;  ///< run_for / cli_for: killed (SIGKILL) when its time ran out
};

/// The ccai-cli and ccai-mock that integration tests run: $CCAI_TEST_CLI / $CCAI_TEST_MOCK when set (the
/// sanitized build's binaries, under this build's tests), else this build's own.
const char* cli_path();
const char* mock_path();

/// Runs a program to completion with extra environment variables and optional stdin.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
              const std::string& input = "");

/// Runs ccai-cli (the built binary) with the given arguments.
RunResult cli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
              const std::string& input = "");

/// run / cli with a time limit, for what could hang: a hang becomes a failure (timed_out) instead of a
/// test that never ends.
RunResult run_for(std::chrono::milliseconds limit, const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {}, const std::string& input = "");
RunResult cli_for(std::chrono::milliseconds limit, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {}, const std::string& input = "");

/// A background process whose stdout's first line is read (e.g. "listening on http://127.0.0.1:PORT").
class Background {
public:
    /// With `read_first_line` false, stdout goes to /dev/null and the constructor returns at once.
    Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               bool read_first_line = true);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    const std::string& first_line() const { return first_line_; }
    pid_t pid() const { return pid_; }
    void kill(int sig);  ///< signal it and reap it

private:
    pid_t pid_ = -1;
    std::string first_line_;
};

/// Polls `done` every 10 ms until it holds (true) or `timeout` passes (false).
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout);

/// The exit code (128+N when killed by signal N) of a Background process that is exiting on its own, or -1
/// when it has not within `timeout`. Leaves it to Background to reap (WNOWAIT: the zombie keeps its pid, so
/// Background's own kill-and-reap later cannot hit another process).
int exit_code_of(Background& process, std::chrono::milliseconds timeout);

/// A free TCP port on 127.0.0.1.
int free_port();

/// A fresh temporary directory (removed at exit of the test process is not guaranteed; names are unique).
std::string temp_dir();

}  // namespace ccai::test
