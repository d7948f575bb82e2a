#include "support/pty_session.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace ccai::test {

PtySession::PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 100;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
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
