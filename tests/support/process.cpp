#include "support/process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>
#include <cstring>
#include <stdexcept>

namespace ccai::test {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

void set_env(const std::map<std::string, std::string>& env) {
    for (const auto& [k, v] : env) {
        if (v.empty()) ::unsetenv(k.c_str());
        else ::setenv(k.c_str(), v.c_str(), 1);
    }
}

// A negative limit: no limit.
RunResult run_limited(std::chrono::milliseconds limit, const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env, const std::string& input) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err)) throw std::runtime_error("pipe");
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        set_env(env);
        auto args = c_argv(argv);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    // Feed stdin and drain both outputs together so a chatty child never blocks on a full pipe.
    size_t written = 0;
    if (input.empty()) close(in[1]);
    RunResult r;
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {input.empty() ? -1 : in[1], POLLOUT, 0}};
    int open_fds = 2;
    char buf[65536];
    signal(SIGPIPE, SIG_IGN);
    while (open_fds > 0) {
        int wait_ms = -1;
        if (limit.count() >= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                ::kill(pid, SIGKILL);
                r.timed_out = true;
                for (auto& p : fds)
                    if (p.fd >= 0) close(p.fd), p.fd = -1;
                break;
            }
            wait_ms = static_cast<int>(left.count());
        }
        if (poll(fds, 3, wait_ms) == 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
                const ssize_t n = read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                } else {
                    (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
                }
            }
        }
        if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t n = write(fds[2].fd, input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<size_t>(n);
            if (n <= 0 || written == input.size()) {
                close(fds[2].fd);
                fds[2].fd = -1;
            }
        }
    }
    if (fds[2].fd >= 0) close(fds[2].fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace

const char* cli_path() {
    const char* given = std::getenv("CCAI_TEST_CLI");
    return given && *given ? given : CCAI_CLI_PATH;
}

const char* mock_path() {
#ifdef CCAI_MOCK_PATH
    const char* given = std::getenv("CCAI_TEST_MOCK");
    return given && *given ? given : CCAI_MOCK_PATH;
#else
    return "ccai-mock";
#endif
}

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, const std::string& input) {
    return run_limited(std::chrono::milliseconds(-1), argv, env, input);
}

RunResult run_for(std::chrono::milliseconds limit, const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const std::string& input) {
    return run_limited(limit, argv, env, input);
}

RunResult cli_for(std::chrono::milliseconds limit, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env, const std::string& input) {
    std::vector<std::string> argv{cli_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_limited(limit, argv, env, input);
}

RunResult cli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, const std::string& input) {
    std::vector<std::string> argv{cli_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env, input);
}

Background::Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                       bool read_first_line) {
    int out[2];
    if (pipe(out)) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
        dup2(read_first_line ? out[1] : open("/dev/null", O_WRONLY), 1);
        close(out[0]);
        close(out[1]);
        set_env(env);
        auto args = c_argv(argv);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    if (!read_first_line) {
        close(out[0]);
        return;
    }
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') first_line_ += c;
    close(out[0]);  // later output goes to a closed pipe: servers under test log to files, not stdout
}

Background::~Background() {
    if (pid_ > 0) kill(SIGTERM);
}

void Background::kill(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string temp_dir() {
    std::string tmpl = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : "/tmp") + "/ccai-test-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
    return tmpl;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

int exit_code_of(Background& process, std::chrono::milliseconds timeout) {
    siginfo_t info{};
    const bool exited = wait_for([&] {
        info = {};
        return ::waitid(P_PID, static_cast<id_t>(process.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
    }, timeout);
    if (!exited) return -1;
    return info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

}  // namespace ccai::test
