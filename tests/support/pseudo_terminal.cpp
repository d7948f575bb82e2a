#include "support/pseudo_terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace ccai::test {

namespace {

// How the program meets the terminal.
struct Wiring {
    bool raw = false;              ///< bytes as written: no "\r\n", no echo (else the terminal's usual mode)
    unsigned short rows = 24;
    bool stdin_on_terminal = true;  ///< else /dev/null
    bool stdout_on_terminal = true; ///< else `out_pipe`
    int out_pipe = -1;             ///< the write end stdout goes to when it is not on the terminal
};

struct Started {
    pid_t pid = -1;
    int master = -1;
};

// Starts `argv` (searched in PATH) as the leader of a new session whose controlling terminal is a new
// pseudo-terminal, 100 columns wide, so that its process group is the foreground one; stderr is always on it.
Started start_on_terminal(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, const Wiring& w) {
    int master = -1, slave = -1;
    termios mode{};
    ::cfmakeraw(&mode);
    winsize size{};
    size.ws_col = 100;
    size.ws_row = w.rows;
    if (::openpty(&master, &slave, nullptr, w.raw ? &mode : nullptr, &size) != 0) throw std::runtime_error("openpty");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
        ::setsid();  // the terminal becomes this process's, and its process group the foreground one
        ::ioctl(slave, TIOCSCTTY, 0);
        const int null = w.stdin_on_terminal ? -1 : ::open("/dev/null", O_RDONLY);
        ::dup2(w.stdin_on_terminal ? slave : null, 0);
        ::dup2(w.stdout_on_terminal ? slave : w.out_pipe, 1);
        ::dup2(slave, 2);
        for (int fd : {null, master, slave, w.out_pipe})
            if (fd > 2) ::close(fd);
        for (const auto& [k, v] : env) {
            if (v.empty()) ::unsetenv(k.c_str());
            else ::setenv(k.c_str(), v.c_str(), 1);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(slave);
    return {pid, master};
}

}  // namespace

RunResult cli_on_terminal(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                          bool stdout_on_terminal, std::chrono::milliseconds limit) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> argv = {cli_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    Wiring w;
    w.raw = true;
    w.rows = 40;
    w.stdin_on_terminal = false;
    w.stdout_on_terminal = stdout_on_terminal;
    w.out_pipe = out[1];
    const auto [pid, master] = start_on_terminal(argv, env, w);
    ::close(out[1]);
    RunResult r;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    // The terminal reads EIO once the child and every process it left behind have closed it.
    pollfd fds[2] = {{out[0], POLLIN, 0}, {master, POLLIN, 0}};
    char buf[65536];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            r.timed_out = true;
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            } else {
                (i == 0 || stdout_on_terminal ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

PtySession::PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    const auto started = start_on_terminal(argv, env, Wiring{});
    pid_ = started.pid;
    master_ = started.master;
}

PtySession::~PtySession() {
    if (pid_ > 0 && status_ < 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
}

bool PtySession::read_some(std::chrono::milliseconds limit) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char buf[4096];
    const auto n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the program closed the terminal (it ended)
    shown_.append(buf, static_cast<std::size_t>(n));
    return true;
}

bool PtySession::expect(const std::string& text, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (const auto at = shown_.find(text, consumed_); at != std::string::npos) {
            consumed_ = at + text.size();
            return true;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !read_some(left)) return false;
    }
}

void PtySession::type(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(master_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("writing to the terminal failed");
        done += static_cast<std::size_t>(n);
    }
}

bool PtySession::echoes() const {
    termios t{};
    return ::tcgetattr(master_, &t) == 0 && (t.c_lflag & ECHO) != 0;
}

int PtySession::wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (status_ < 0) {
        int st = 0;
        const pid_t r = ::waitpid(pid_, &st, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        // Drain the terminal meanwhile: a program blocked writing to a full terminal never ends.
        if (!read_some(std::chrono::milliseconds(50))) ::usleep(10000);
    }
    while (read_some(std::chrono::milliseconds(0))) {
    }
    return status_;
}

}  // namespace ccai::test
