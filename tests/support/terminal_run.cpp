#include "support/terminal_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace ccai::test {

RunResult cli_on_terminal(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                          bool stdout_on_terminal, std::chrono::milliseconds limit) {
    int master = -1, slave = -1;
    termios mode{};
    ::cfmakeraw(&mode);  // bytes as written: no "\r\n", no echo
    winsize size{};
    size.ws_col = 100;
    size.ws_row = 40;
    if (::openpty(&master, &slave, nullptr, &mode, &size) != 0) throw std::runtime_error("openpty");
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();  // the terminal becomes this process's, and its process group the foreground one
        ::ioctl(slave, TIOCSCTTY, 0);
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        ::dup2(stdout_on_terminal ? slave : out[1], 1);
        ::dup2(slave, 2);
        for (int fd : {null, master, slave, out[0], out[1]}) ::close(fd);
        for (const auto& [k, v] : env) {
            if (v.empty()) ::unsetenv(k.c_str());
            else ::setenv(k.c_str(), v.c_str(), 1);
        }
        std::vector<char*> argv = {const_cast<char*>(cli_path())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(slave);
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

}  // namespace ccai::test
