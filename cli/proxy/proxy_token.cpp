#include "proxy/proxy_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "ccai/redact.hpp"

namespace ccai::cli::proxy {

Result<std::string> check_token(std::string token, std::string_view origin) {
    if (token.ends_with('\n')) token.pop_back();
    if (token.ends_with('\r')) token.pop_back();
    if (std::any_of(token.begin(), token.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
        return config_error(fmt::format("the proxy token ({}) holds a space, a line break or a control character", origin));
    if (token.size() < kMinTokenLength)
        return config_error(fmt::format("the proxy token ({}) is shorter than {} characters: make a longer one, e.g. "
                                        "openssl rand -hex 32", origin, kMinTokenLength));
    register_secret(token);  // masked in every message from now on
    return token;
}

Result<std::string> read_token_file(const std::string& path) {
    // O_NOFOLLOW: a symlink could point at a file another user controls. O_NONBLOCK: a FIFO must not hang.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return config_error(fmt::format("--token-file {}: cannot be opened ({}){}", path, std::strerror(errno),
                                        errno == ELOOP ? "; it is a symlink: name the file itself" : ""));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return config_error(fmt::format("--token-file {}: {}", path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return config_error(fmt::format("--token-file {}: not a regular file", path));
    if (st.st_uid != ::geteuid())
        return config_error(fmt::format("--token-file {} is owned by uid {}, not by you (uid {}): it must be yours, mode 600",
                                        path, st.st_uid, ::geteuid()));
    if ((st.st_mode & 077) != 0)
        return config_error(fmt::format("--token-file {} is readable by group or others (mode {:o}); run: chmod 600 {}",
                                        path, st.st_mode & 0777, path));
    constexpr std::size_t kMax = 4096;
    std::string text(kMax + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const auto n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return config_error(fmt::format("--token-file {}: {}", path, std::strerror(errno)));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    if (got > kMax) {
        secure_clear(text);
        return config_error(fmt::format("--token-file {} is larger than {} bytes: it should hold one token", path, kMax));
    }
    auto token = check_token(std::move(text), "--token-file " + path);
    return token;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    constexpr std::string_view kScheme = "Bearer ";
    if (token.empty() || authorization.size() < kScheme.size()) return false;
    // The scheme is case-insensitive (RFC 9110); what follows is compared in full, whatever differs first.
    bool ok = true;
    for (size_t i = 0; i < kScheme.size(); ++i)
        ok &= std::tolower(static_cast<unsigned char>(authorization[i])) == std::tolower(static_cast<unsigned char>(kScheme[i]));
    const auto given = authorization.substr(kScheme.size());
    unsigned char diff = given.size() == token.size() ? 0 : 1;
    for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return ok && diff == 0;
}

}  // namespace ccai::cli::proxy
