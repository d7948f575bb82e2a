// Editing a profile line by line (config_edit.hpp). toml++ reads the file, to find the key's line and to
// check the result; the text itself is changed only on the lines the change is about.
#include "ccai/config_edit.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "ccai/limits.hpp"
#include "ccai/redact.hpp"
#include "ccai/utf8.hpp"
#include "config/config_files.hpp"
#include "config/setting_values.hpp"
#include "config/toml_ascii.hpp"
#include "util/file_kind.hpp"

namespace ccai {

namespace {

// --- The text, line by line ---

struct Line {
    std::string text;  // without its ending
    std::string end;   // "\n", "\r\n" or "" (the last line without one)
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) {
            lines.push_back({std::string(text), ""});
            break;
        }
        const bool crlf = nl > 0 && text[nl - 1] == '\r';
        lines.push_back({std::string(text.substr(0, crlf ? nl - 1 : nl)), crlf ? "\r\n" : "\n"});
        text.remove_prefix(nl + 1);
    }
    return lines;
}

std::string join_lines(const std::vector<Line>& lines) {
    std::string out;
    for (const auto& l : lines) out += l.text + l.end;
    return out;
}

// A new line ends as the file's lines do: CRLF in a file written on Windows.
std::string line_ending(const std::vector<Line>& lines) {
    const auto crlf = std::count_if(lines.begin(), lines.end(), [](const Line& l) { return l.end == "\r\n"; });
    const auto lf = std::count_if(lines.begin(), lines.end(), [](const Line& l) { return l.end == "\n"; });
    return crlf > lf ? "\r\n" : "\n";
}

bool blank(char c) { return c == ' ' || c == '\t'; }
bool bare_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The text of line `n` (1-based), without a byte-order mark on the first.
std::string_view line_text(const std::vector<Line>& lines, std::size_t n) {
    std::string_view t = lines.at(n - 1).text;
    if (n == 1 && t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
    return t;
}

// Where the value of a `key = value   # comment` line starts and ends, when the line is exactly that: a
// bare, "basic" or 'literal' key equal to `key`, and a one-line value (a quoted string or a bare word:
// number, boolean). Anything else (a dotted key, an array, an inline table, a multi-line string) is
// not edited.
struct ValueSpan {
    std::size_t begin = 0, end = 0;
};
std::optional<ValueSpan> value_span(std::string_view line, std::string_view key) {
    std::size_t i = 0;
    const auto skip_blanks = [&] {
        while (i < line.size() && blank(line[i])) ++i;
    };
    // A quoted string from line[i] (a quote): its end, past the closing quote.
    const auto quoted_end = [&](std::size_t at) -> std::optional<std::size_t> {
        const char q = line[at];
        if (line.substr(at, 3) == std::string_view(q == '"' ? "\"\"\"" : "'''")) return std::nullopt;  // multi-line
        for (std::size_t j = at + 1; j < line.size(); ++j) {
            if (q == '"' && line[j] == '\\') ++j;
            else if (line[j] == q) return j + 1;
        }
        return std::nullopt;
    };
    skip_blanks();
    std::string_view written;
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
        const auto end = quoted_end(i);
        if (!end) return std::nullopt;
        written = line.substr(i + 1, *end - i - 2);
        i = *end;
    } else {
        const auto start = i;
        while (i < line.size() && bare_key_char(line[i])) ++i;
        written = line.substr(start, i - start);
    }
    if (written != key) return std::nullopt;
    skip_blanks();
    if (i >= line.size() || line[i] != '=') return std::nullopt;
    ++i;
    skip_blanks();
    ValueSpan span{i, i};
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
        const auto end = quoted_end(i);
        if (!end) return std::nullopt;
        span.end = *end;
    } else {
        const auto bare_value_char = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || (c != '\0' && std::strchr("+-._:", c));
        };
        while (i < line.size() && bare_value_char(line[i])) ++i;
        if (i == span.begin) return std::nullopt;  // '[', '{' or nothing
        span.end = i;
    }
    i = span.end;
    skip_blanks();
    if (i < line.size() && line[i] != '#') return std::nullopt;
    return span;
}

// The line of a `[profile]` header (blanks and a comment allowed around it), or 0.
std::size_t header_line(const std::vector<Line>& lines, std::string_view profile, std::size_t& count) {
    std::size_t found = 0;
    count = 0;
    for (std::size_t n = 1; n <= lines.size(); ++n) {
        auto t = line_text(lines, n);
        while (!t.empty() && blank(t.front())) t.remove_prefix(1);
        if (!t.starts_with('[') || t.starts_with("[[")) continue;
        t.remove_prefix(1);
        while (!t.empty() && blank(t.front())) t.remove_prefix(1);
        if (!t.starts_with(profile)) continue;
        t.remove_prefix(profile.size());
        while (!t.empty() && blank(t.front())) t.remove_prefix(1);
        if (!t.starts_with(']')) continue;
        t.remove_prefix(1);
        while (!t.empty() && blank(t.front())) t.remove_prefix(1);
        if (!t.empty() && t.front() != '#') continue;
        found = n;
        ++count;
    }
    return found;
}

// --- Values ---

// How a value is written: true/false and whole numbers bare, the rest as a "basic string".
std::string toml_text(const SettingSpec* spec, const std::string& value) {
    if (spec && ((spec->kind == SettingKind::boolean && (value == "true" || value == "false")) ||
                 (spec->kind == SettingKind::whole && !value.empty() && value.size() < 16 && (value == "0" || value[0] != '0') &&
                  std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))))  // TOML: no leading zero
        return value;
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

void put(toml::table& table, const std::string& key, const SettingSpec* spec, const std::string& value) {
    const auto text = toml_text(spec, value);
    if (text == "true" || text == "false") table.insert_or_assign(key, text == "true");
    else if (!text.starts_with('"')) table.insert_or_assign(key, static_cast<int64_t>(std::stoll(text)));
    else table.insert_or_assign(key, value);
}

const SettingSpec* spec_of(std::string_view key) {
    for (const auto& s : setting_specs())
        if (s.key == key) return &s;
    return nullptr;
}

Result<toml::table> parse(std::string_view text, const std::string& path) {
    if (auto at = detail::first_non_ascii_outside_values(text))
        return config_error(fmt::format("{}:{}:{}: non-ASCII text outside a comment or a quoted value: the file is left "
                                        "as it is; fix it by hand first",
                                        path, at->line, at->column));
    try {
        return toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        return config_error(fmt::format("{}:{}:{}: {}: the file is left as it is; fix it by hand first", path,
                                        e.source().begin.line, e.source().begin.column, e.description()));
    }
}

ApiError not_editable(const std::string& path, std::size_t line, std::string_view why) {
    return config_error(line ? fmt::format("{}:{}: {}: the file is left as it is; change it by hand", path, line, why)
                             : fmt::format("{}: {}: the file is left as it is; change it by hand", path, why));
}

// One change to the text (lines), with `doc` its parse.
Result<Unit> apply(std::vector<Line>& lines, const toml::table& doc, const std::string& path, const std::string& profile,
                   const SettingChange& change) {
    const auto* spec = spec_of(change.key);
    const auto* node = doc.get(profile);
    const auto nl = line_ending(lines);
    if (!node) {
        if (!change.value) return Unit{};
        if (!lines.empty() && lines.back().end.empty()) lines.back().end = nl;
        if (!lines.empty() && !lines.back().text.empty()) lines.push_back({"", nl});
        lines.push_back({fmt::format("[{}]", profile), nl});
        lines.push_back({fmt::format("{} = {}", change.key, toml_text(spec, *change.value)), nl});
        return Unit{};
    }
    const auto* table = node->as_table();
    if (!table) return not_editable(path, node->source().begin.line, fmt::format("'{}' is not a [{}] table", profile, profile));
    if (table->is_inline())
        return not_editable(path, node->source().begin.line,
                            fmt::format("[{}] is written as an inline table ({} = {{ ... }}), which is not edited line by line", profile, profile));
    std::size_t headers = 0;
    const auto header = header_line(lines, profile, headers);
    if (headers != 1)
        return not_editable(path, 0, headers == 0 ? fmt::format("the settings of '{}' are not under a [{}] line", profile, profile)
                                                  : fmt::format("[{}] appears on more than one line", profile));
    for (const auto& [k, v] : *table) {
        if (k.str() != change.key) continue;
        const auto at = k.source().begin.line;
        if (v.source().begin.line != at || v.source().end.line != at)
            return not_editable(path, at, fmt::format("{} spans lines {} to {}", change.key, at, v.source().end.line));
        const auto span = at >= 1 && at <= lines.size() ? value_span(line_text(lines, at), change.key) : std::nullopt;
        if (!span) return not_editable(path, at, fmt::format("the line of {} holds more than `{} = value # comment`", change.key, change.key));
        if (!change.value) {
            lines.erase(lines.begin() + static_cast<long>(at - 1));
            return Unit{};
        }
        auto& text = lines[at - 1].text;
        const std::size_t bom = at == 1 && text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        text.replace(bom + span->begin, span->end - span->begin, toml_text(spec, *change.value));
        return Unit{};
    }
    if (!change.value) return Unit{};
    // After the table's last value (or its header): comments and blank lines before the next table stay there.
    // A [profile.sub] table, or an [[profile.list]] array of tables, comes under its own header further on:
    // its lines are not the profile's own.
    const auto own_header = [](const toml::node& v) {
        if (const auto* t = v.as_table()) return !t->is_inline();
        const auto* a = v.as_array();
        return a && !a->empty() && a->is_array_of_tables() && !a->front().as_table()->is_inline();
    };
    std::size_t last = header;
    for (const auto& [k, v] : *table)
        if (!own_header(v)) last = std::max<std::size_t>(last, v.source().end.line);
    if (last > lines.size()) return not_editable(path, 0, "toml++ places a value past the end of the file");
    if (lines[last - 1].end.empty()) lines[last - 1].end = nl;
    lines.insert(lines.begin() + static_cast<long>(last),
                 Line{fmt::format("{} = {}", change.key, toml_text(spec, *change.value)), nl});
    return Unit{};
}


// --- Files ---

using detail::file_kind;

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// The directory of the settings files: created (0700, parents too) when missing; else it must be one, be
// ours and not be writable by others, who could otherwise swap the file between our check and our rename.
Result<Unit> settings_directory(const std::string& dir) {
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) return config_error(fmt::format("{}: {}", dir, std::strerror(errno)));
        std::error_code ec;
        std::filesystem::path made;
        for (const auto& part : std::filesystem::path(dir)) {
            made /= part;
            if (::mkdir(made.c_str(), 0700) != 0 && errno != EEXIST)
                return config_error(fmt::format("cannot create {}: {}", made.string(), std::strerror(errno)));
        }
        return Unit{};
    }
    if (!S_ISDIR(st.st_mode)) return config_error(fmt::format("{} is {}, not a directory", dir, file_kind(st.st_mode)));
    if (st.st_uid != ::geteuid())
        return config_error(fmt::format("{} is owned by uid {}, not by you (uid {}): settings are written only in your "
                                        "own directory",
                                        dir, st.st_uid, ::geteuid()));
    if ((st.st_mode & 022) != 0)
        return config_error(fmt::format("{} can be written by group or others (mode {:o}); run: chmod 700 {}", dir,
                                        st.st_mode & 0777, dir));
    return Unit{};
}

// Holds an exclusive lock on `path`.lock for as long as `lock` lives: parallel edits of one file (a script
// setting up several profiles at once) take turns instead of one overwriting another's. The lock file gets the
// checks the settings file gets: a regular file of ours, never reached through a symbolic link.
Result<Unit> lock_beside(const std::string& path, Fd& lock) {
    const auto lock_path = path + ".lock";
    lock.fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
    if (lock.fd < 0) {
        struct stat lst{};
        if (errno == ELOOP && ::lstat(lock_path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
            return config_error(fmt::format("{} is a symbolic link: ccai-cli does not write through one; remove it", lock_path));
        return config_error(fmt::format("{}: cannot be opened ({})", lock_path, std::strerror(errno)));
    }
    struct stat st{};
    if (::fstat(lock.fd, &st) != 0) return config_error(fmt::format("{}: {}", lock_path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        return config_error(fmt::format("{} is {}: it must be a regular file; remove it", lock_path, file_kind(st.st_mode)));
    if (st.st_uid != ::geteuid())
        return config_error(fmt::format("{} is owned by uid {}, not by you (uid {}): remove it", lock_path, st.st_uid,
                                        ::geteuid()));
    // Edits take milliseconds: a lock held for long is a stuck process, said rather than waited on forever.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return config_error(fmt::format("cannot lock {}: {}", lock_path, std::strerror(errno)));
        if (std::chrono::steady_clock::now() > deadline)
            return config_error(fmt::format("{} is still locked by another process after 30 s: nothing was written; "
                                            "try again when it has finished",
                                            lock_path));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Unit{};
}

struct Existing {
    std::string text;
    bool exists = false;
    struct stat st{};
};

// The file as it is now, opened without following a symbolic link and checked on the descriptor it is read from.
Result<Existing> read_existing(const std::string& path, bool secrets) {
    Existing e;
    Fd f{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) {
        if (errno == ENOENT) return e;
        struct stat lst{};
        if (errno == ELOOP && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
            return config_error(fmt::format("{} is a symbolic link: ccai-cli does not write through one; change the file "
                                            "it points to by hand, or replace the link with a file",
                                            path));
        return config_error(fmt::format("{}: cannot be opened ({})", path, std::strerror(errno)));
    }
    if (::fstat(f.fd, &e.st) != 0) return config_error(fmt::format("{}: {}", path, std::strerror(errno)));
    if (!S_ISREG(e.st.st_mode)) return config_error(fmt::format("{} is {}: it must be a regular file", path, file_kind(e.st.st_mode)));
    if (e.st.st_uid != ::geteuid())
        return config_error(fmt::format("{} is owned by uid {}, not by you (uid {}): it is not changed", path, e.st.st_uid,
                                        ::geteuid()));
    if (secrets && (e.st.st_mode & 077) != 0)
        return config_error(fmt::format("{} is readable by group or others (mode {:o}); run: chmod 600 {}", path,
                                        e.st.st_mode & 0777, path));
    auto text = read_bounded(f.fd, std::size_t{1} << 20, path);
    if (!text) return config_error(fmt::format("{}: larger than 1 MiB, which no settings file is: it is not changed", path));
    e.text = std::move(*text);
    e.exists = true;
    return e;
}

Result<Unit> write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return config_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return Unit{};
}

// Replaces `path` with `text`: a temporary file next to it, its mode set, written and flushed, then renamed
// over the old one (a crash leaves the old file or the new one, never half of one). The directory is
// flushed too, so the rename survives a power loss.
Result<Unit> replace_file(const std::string& path, const std::string& text, const Existing& before) {
    const std::filesystem::path target(path);
    const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    Fd f{::mkstemp(temp.data())};  // O_EXCL, mode 0600
    if (f.fd < 0) return config_error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
    struct Cleanup {
        std::string path;
        bool keep = false;
        ~Cleanup() {
            if (!keep) ::unlink(path.c_str());
        }
    } cleanup{temp};
    const mode_t mode = before.exists ? (before.st.st_mode & 07777) : 0600;
    if (::fchmod(f.fd, mode) != 0) return config_error(fmt::format("cannot set the mode of {}: {}", temp, std::strerror(errno)));
    if (auto ok = write_all(f.fd, text, temp); !ok) return ok.error();
    if (::fsync(f.fd) != 0) return config_error(fmt::format("cannot flush {}: {}", temp, std::strerror(errno)));
    // Someone else's edit between our read and now would be lost: refused instead.
    struct stat now{};
    const bool still = ::lstat(path.c_str(), &now) == 0;
    if (still != before.exists ||
        (still && (now.st_ino != before.st.st_ino || now.st_dev != before.st.st_dev || now.st_size != before.st.st_size ||
                   now.st_mtim.tv_sec != before.st.st_mtim.tv_sec || now.st_mtim.tv_nsec != before.st.st_mtim.tv_nsec)))
        return config_error(fmt::format("{} changed while it was being edited: nothing was written; try again", path));
    if (::rename(temp.c_str(), path.c_str()) != 0)
        return config_error(fmt::format("cannot replace {}: {}", path, std::strerror(errno)));
    cleanup.keep = true;
    Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd >= 0) ::fsync(d.fd);
    return Unit{};
}

}  // namespace

Result<const SettingSpec*> find_setting(std::string_view key) {
    std::string name(key);
    std::replace(name.begin(), name.end(), '-', '_');
    // `client_secret=hunter2`: the part after '=' may be a secret, so it is never repeated.
    if (const auto eq = name.find('='); eq != std::string::npos) {
        name.resize(eq);
        const auto* spec = spec_of(name);
        if (spec && spec->secret)
            return invalid_input(fmt::format("{}=...: give the key and the value separately; secrets are read from stdin "
                                             "or a prompt: ccai-cli config set {}",
                                             spec->key, spec->key));
        if (spec)
            return invalid_input(fmt::format("{}=...: give the key and the value separately: ccai-cli config set {} VALUE",
                                             spec->key, spec->key));
        return invalid_input(fmt::format("unknown setting {} (the text after '=' is not shown); give the key and the "
                                         "value separately; {}",
                                         quoted_excerpt(name, 64), detail::unknown_key_hint(name)));
    }
    if (const auto* spec = spec_of(name)) return spec;
    return invalid_input(fmt::format("unknown setting {}; {}", quoted_excerpt(key, 64), detail::unknown_key_hint(key)));
}

Result<Unit> check_setting_value(const SettingSpec& spec, const std::string& value) {
    if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return invalid_input(fmt::format("{}: the value holds a control character (a line break, a tab, a NUL): a setting "
                                         "is one line of text",
                                         spec.key));
    if (invalid_utf8_at(value)) return invalid_input(fmt::format("{}: the value is not valid UTF-8", spec.key));
    Config one;
    one.set(std::string(spec.key), value, "the command line");
    if (auto ok = detail::validate_setting(one, spec.key); !ok) return invalid_input(ok.error().message);
    return Unit{};
}

std::string settings_file_for(const std::string& dir, const SettingSpec& spec) {
    return dir + (spec.secret ? "/credentials" : "/config.toml");
}

bool is_profile_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), bare_key_char);
}

Result<Unit> check_profile_name(std::string_view name) {
    if (!is_profile_name(name))
        return invalid_input(fmt::format("profile {}: a profile name is letters, digits, '_' and '-'", quoted_excerpt(name, 64)));
    return Unit{};
}

Result<std::string> edit_profile_text(std::string_view text, const std::string& path, const std::string& profile,
                                      std::span<const SettingChange> changes) {
    if (auto ok = check_profile_name(profile); !ok) return ok.error();
    auto original = parse(text, path);
    if (!original) return original.error();
    toml::table expected = *original;
    std::string current(text);
    for (const auto& change : changes) {
        auto doc = parse(current, path);
        if (!doc) return doc.error();
        auto lines = split_lines(current);
        if (auto ok = apply(lines, *doc, path, profile, change); !ok) return ok.error();
        current = join_lines(lines);
        if (change.value) {
            if (!expected.contains(profile)) expected.insert(profile, toml::table{});
            if (auto* t = expected.get_as<toml::table>(profile)) put(*t, change.key, spec_of(change.key), *change.value);
        } else if (auto* t = expected.get_as<toml::table>(profile)) {
            t->erase(change.key);
        }
    }
    // The result read back must be the original with exactly these changes: nothing else moved or broke.
    auto result = parse(current, path);
    if (!result || *result != expected)
        return not_editable(path, 0, "the change could not be made on its line alone");
    return current;
}

Result<std::optional<std::map<std::string, std::string>>> read_profile_values(const std::string& path,
                                                                             const std::string& profile, bool secrets) {
    std::map<std::string, std::string> values;
    auto found = detail::read_profile(path, profile, secrets, values, nullptr);
    if (!found) return found.error();
    if (!*found) return std::optional<std::map<std::string, std::string>>();
    return std::optional(std::move(values));
}

Result<bool> edit_settings_file(const std::string& path, const std::string& profile, std::span<const SettingChange> changes,
                                bool secrets) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (auto ok = settings_directory(parent.empty() ? "." : parent.string()); !ok) return ok.error();
    Fd lock;  // released (closed) on every way out
    if (auto ok = lock_beside(path, lock); !ok) return ok.error();
    auto before = read_existing(path, secrets);
    if (!before) return before.error();
    if (!before->exists && std::none_of(changes.begin(), changes.end(), [](const SettingChange& c) { return c.value.has_value(); }))
        return false;  // nothing to remove from a file that is not there
    auto edited = edit_profile_text(before->text, path, profile, changes);
    // The texts of a credentials file hold secrets: cleansed on every way out.
    struct Cleanse {
        bool on;
        std::string& a;
        std::string* b;
        ~Cleanse() {
            if (!on) return;
            secure_clear(a);
            if (b) secure_clear(*b);
        }
    } cleanse{secrets, before->text, edited ? &*edited : nullptr};
    if (!edited) return edited.error();
    if (before->exists && *edited == before->text) return false;
    if (auto ok = replace_file(path, *edited, *before); !ok) return ok.error();
    return true;
}

}  // namespace ccai
