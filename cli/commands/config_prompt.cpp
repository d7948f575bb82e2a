#include "commands/config_prompt.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "ccai/limits.hpp"
#include "ccai/redact.hpp"

namespace ccai::cli {

namespace {

constexpr std::size_t kMaxAnswer = 4096;  // a host, an id or a secret: longer is a paste gone wrong

// The terminal's settings while echo is off, for the Ctrl-C handler to put back.
termios g_saved{};
volatile sig_atomic_t g_echo_off = 0;
struct sigaction g_previous{};

extern "C" void restore_and_reraise(int sig) {
    if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &g_saved);
    ::sigaction(sig, &g_previous, nullptr);
    ::raise(sig);
}

// One line from fd 0, byte by byte (nothing read past the line stays in a buffer of ours).
Result<std::string> read_line() {
    std::string line;
    for (;;) {
        char c = 0;
        const auto n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return invalid_input(fmt::format("cannot read the answer: {}", std::strerror(errno)));
        if (n == 0) {
            if (line.empty()) return invalid_input("no answer: the input ended");
            break;
        }
        if (c == '\n') break;
        if (line.size() >= kMaxAnswer) {
            secure_clear(line);
            return invalid_input(fmt::format("the answer is longer than {} characters", kMaxAnswer));
        }
        line += c;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) != 0; }

Result<std::string> ask(std::FILE* err, const std::string& question) {
    std::fputs(question.c_str(), err);
    std::fflush(err);
    return read_line();
}

Result<std::string> ask_secret(std::FILE* err, const std::string& question) {
    // Echo goes off before the question shows, so nothing typed after it is echoed; and without flushing the
    // input (TCSADRAIN, not TCSAFLUSH), so an answer typed as soon as the question shows is not thrown away.
    termios quiet{};
    const bool terminal = ::tcgetattr(STDIN_FILENO, &g_saved) == 0;
    struct sigaction on_interrupt{};
    if (terminal) {
        on_interrupt.sa_handler = restore_and_reraise;
        sigemptyset(&on_interrupt.sa_mask);
        ::sigaction(SIGINT, &on_interrupt, &g_previous);
        quiet = g_saved;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        quiet.c_lflag |= ECHONL;  // the Enter key still moves to the next line
        g_echo_off = ::tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0;
    }
    std::fputs(question.c_str(), err);
    std::fflush(err);
    auto line = read_line();
    if (terminal) {
        if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &g_saved);
        g_echo_off = 0;
        ::sigaction(SIGINT, &g_previous, nullptr);
    }
    return line;
}

Result<std::string> secret_from_stdin(const std::string& what) {
    auto text = read_bounded(STDIN_FILENO, 64 * 1024, "stdin");
    if (!text) return invalid_input(fmt::format("{} from stdin: {}", what, text.error().message));
    if (text->ends_with('\n')) text->pop_back();
    if (text->ends_with('\r')) text->pop_back();
    if (text->empty()) return invalid_input(fmt::format("{}: stdin is empty; pipe the value in, e.g. echo \"$SECRET\" | ccai-cli config set {}", what, what));
    return std::move(*text);
}

}  // namespace ccai::cli
