// Batch input: JSON Lines parsing, validation of every line before anything is sent, and the JSON forms of
// records, outcomes and errors.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ext/stdio_filebuf.h>

#include <fmt/format.h>

#include "batch/internal.hpp"
#include "ccai/batch.hpp"
#include "ccai/jwt.hpp"
#include "ccai/limits.hpp"
#include "ccai/redact.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::batch {

namespace detail {

Result<Unit> check_line_bounds(std::size_t bytes, bool holds_nul) {
    if (bytes > kMaxBatchLineBytes)
        return invalid_input(fmt::format("longer than {} bytes, the most a batch line may hold", kMaxBatchLineBytes));
    if (holds_nul) return invalid_input("the line holds a NUL byte");
    return Unit{};
}

// Params are strings on the wire; JSON Lines users naturally write numbers and booleans.
std::optional<std::string> param_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return std::nullopt;
}

}  // namespace detail

namespace {

Result<Unit> fill_params(Item& item, const nlohmann::json& params) {
    if (!params.is_object()) return invalid_input("\"params\" must be an object");
    for (const auto& [k, v] : params.items()) {
        auto text = detail::param_text(v);
        if (!text) return invalid_input(fmt::format("param '{}' must be a string, number or boolean", k));
        item.args.params[k] = *text;
    }
    return Unit{};
}

Result<Unit> fill_item(Item& item, const nlohmann::json& j) {
    if (!j.is_object()) return invalid_input("each line must be a JSON object");
    for (const auto& [k, v] : j.items())
        if (k != "op" && k != "params" && k != "body" && k != "file" && k != "id")
            return invalid_input(fmt::format("unknown key '{}' (expected op, params, body, file, id)", k));
    if (auto it = j.find("id"); it != j.end() && !it->is_null()) item.id = it->is_string() ? it->get<std::string>() : it->dump();
    const auto op = j.find("op");
    if (op == j.end() || !op->is_string()) return invalid_input("missing \"op\" (an operation id such as \"agents.create\")");
    item.op = op->get<std::string>();
    item.spec = find_endpoint(item.op);
    if (!item.spec) return invalid_input(fmt::format("unknown operation '{}'", item.op));
    if (auto it = j.find("params"); it != j.end())
        if (auto ok = fill_params(item, *it); !ok) return ok.error();
    if (auto it = j.find("body"); it != j.end()) item.args.body = *it;
    if (auto it = j.find("file"); it != j.end()) {
        if (!it->is_string()) return invalid_input("\"file\" must be a path");
        item.args.file = it->get<std::string>();
    }
    return Unit{};
}

// One line without its '\n', holding at most kMaxBatchLineBytes + 1 bytes: the rest of a longer line is
// read and fingerprinted but not kept, so memory stays flat whatever the line's length. False at the end.
bool next_line(std::istream& in, detail::Fingerprint& fp, std::string& text) {
    text.clear();
    char buf[16384];
    bool any = false;
    for (;;) {
        in.get(buf, sizeof buf, '\n');  // stops before the '\n'; sets failbit when it took nothing
        const auto n = static_cast<std::size_t>(in.gcount());
        any = any || n > 0;
        fp.add(std::string_view(buf, n));
        if (text.size() <= kMaxBatchLineBytes) text.append(buf, std::min(n, kMaxBatchLineBytes + 1 - text.size()));
        if (in.bad() || in.eof()) break;
        in.clear(in.rdstate() & ~std::ios::failbit);
        if (in.peek() == '\n') {
            in.ignore();
            any = true;
            break;
        }
    }
    // As std::getline: a last line without its '\n' still counts, and the fingerprint always adds one.
    if (any) fp.add("\n");
    return any;
}

// A line as JSON, or why it cannot be one.
Result<nlohmann::json> parse_line(std::string_view text) {
    if (auto ok = detail::check_line_bounds(text.size(), text.find('\0') != std::string_view::npos); !ok) return ok.error();
    if (json_depth_exceeded_at(text)) return invalid_input(json_too_deep_text());
    auto j = parse_json_bounded(text);
    if (j.is_discarded()) return invalid_input("not valid JSON");
    return j;
}

}  // namespace

namespace detail {

Result<Scan> each_jsonl(std::istream& in, const LineVisitor& visit) {
    Scan scan;
    Fingerprint fp;
    std::string text;
    bool more = true;
    for (long long number = 1; more && next_line(in, fp, text); ++number) {
        if (text.size() <= kMaxBatchLineBytes && text.find_first_not_of(" \t\r") == std::string::npos) continue;
        Item item;
        item.line = number;
        auto j = parse_line(text);
        if (!j) item.problem = j.error();
        else if (auto ok = fill_item(item, *j); !ok) item.problem = ok.error();
        ++scan.lines;
        scan.last_line = number;
        more = visit(item);
    }
    if (in.bad()) return invalid_input("could not read the input");
    scan.fingerprint = fp.value;
    return scan;
}

void validate_item(Item& item, const Config& config, const LineCheck& check) {
    if (item.problem) return;
    if (auto built = build_request(*item.spec, item.args, config); !built) item.problem = built.error();
    else if (check)
        if (auto ok = check(item); !ok) item.problem = ok.error();
}

}  // namespace detail

Result<Input> read_jsonl(std::istream& in) {
    Input input;
    auto scan = detail::each_jsonl(in, [&](Item& item) {
        input.items.push_back(std::move(item));
        return true;
    });
    if (!scan) return scan.error();
    input.fingerprint = scan->fingerprint;
    return input;
}

void validate(Item& item, const Config& config, const LineCheck& check) { detail::validate_item(item, config, check); }

void validate(Input& input, const Config& config, const LineCheck& check) {
    for (auto& item : input.items) detail::validate_item(item, config, check);
}

Result<Scan> validate(const Source& source, const Config& config, const std::function<void(const Item&)>& on_invalid,
                      const LineCheck& check) {
    long long invalid = 0;
    auto scan = source.each([&](Item& item) {
        detail::validate_item(item, config, check);
        if (item.problem) {
            ++invalid;
            if (on_invalid) on_invalid(item);
        }
        return true;
    });
    if (scan) scan->invalid = invalid;
    return scan;
}

Source Source::jsonl(Opener open) {
    Source s;
    s.open_ = std::move(open);
    return s;
}

Source Source::csv(Opener open, CsvOptions options) {
    Source s;
    s.open_ = std::move(open);
    s.csv_ = std::move(options);
    return s;
}

namespace {

// An input stream that owns its descriptor.
class FdStream : public std::istream {
public:
    explicit FdStream(int fd) : std::istream(nullptr), buf_(fd, std::ios::in, 65536) { rdbuf(&buf_); }

private:
    __gnu_cxx::stdio_filebuf<char> buf_;
};

// A file nobody else can open, gone when its descriptor closes (also after SIGKILL when O_TMPFILE works).
Result<int> anonymous_temp_file(std::string_view label) {
    const char* env = std::getenv("TMPDIR");
    std::string dir = env && *env ? env : "/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {  // a file system without O_TMPFILE: a private name, removed at once
        std::string name = dir + "/ccai-batch-input-XXXXXX";
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(name.c_str());
    }
    if (fd < 0) return invalid_input(fmt::format("{}: no temporary file for a copy of it in {} ({})", label, dir, std::strerror(errno)));
    return fd;
}

// The bytes of a pipe, kept for the passes after the first: a pipe can be read only once.
struct PipeCopy {
    int fd = -1;
    PipeCopy() = default;
    PipeCopy(const PipeCopy&) = delete;
    PipeCopy& operator=(const PipeCopy&) = delete;
    ~PipeCopy() {
        if (fd >= 0) ::close(fd);
    }
};

Result<Unit> copy_all(int from, int to, std::string_view label) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(from, buf, sizeof buf);
        if (n == 0) return Unit{};
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return invalid_input(fmt::format("{}: cannot be read ({})", label, std::strerror(errno)));
        if (!detail::write_all(to, std::string_view(buf, static_cast<std::size_t>(n))))
            return invalid_input(fmt::format("{}: cannot copy it to a temporary file ({})", label, std::strerror(errno)));
    }
}

// Each pass reads the file from its start. A pipe (`--input <(command)`, /dev/stdin) is copied to an
// anonymous temporary file on the first pass, and later passes read that copy.
Source::Opener file_opener(const std::string& path) {
    auto copy = std::make_shared<PipeCopy>();
    return [path, copy]() -> Result<std::unique_ptr<std::istream>> {
        if (copy->fd < 0) {
            auto fd = open_input_file(path, path);
            if (!fd) return fd.error();
            struct stat st{};
            if (::fstat(*fd, &st) == 0 && S_ISREG(st.st_mode)) return std::unique_ptr<std::istream>(std::make_unique<FdStream>(*fd));
            auto tmp = anonymous_temp_file(path);
            if (!tmp) {
                ::close(*fd);
                return tmp.error();
            }
            auto copied = copy_all(*fd, *tmp, path);
            ::close(*fd);
            if (!copied) {
                ::close(*tmp);
                return copied.error();
            }
            copy->fd = *tmp;
        }
        // Passes run one after another: each rewinds the shared offset and reads through its own descriptor.
        const int fd = ::dup(copy->fd);
        if (fd < 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
            if (fd >= 0) ::close(fd);
            return invalid_input(fmt::format("{}: cannot read its temporary copy ({})", path, std::strerror(errno)));
        }
        return std::unique_ptr<std::istream>(std::make_unique<FdStream>(fd));
    };
}

}  // namespace

Source Source::jsonl_file(const std::string& path) { return jsonl(file_opener(path)); }
Source Source::csv_file(const std::string& path, CsvOptions options) { return csv(file_opener(path), std::move(options)); }

Result<Scan> Source::each(const LineVisitor& visit) const {
    if (!open_) return invalid_input("no input");
    auto in = open_();
    if (!in) return in.error();
    LineVisitor transformed;
    if (transform_)
        transformed = [&](Item& item) {
            if (!item.problem)
                if (auto ok = transform_(item); !ok) item.problem = ok.error();
            return visit(item);
        };
    const auto& v = transform_ ? transformed : visit;
    return csv_ ? detail::each_csv(**in, *csv_, v) : detail::each_jsonl(**in, v);
}

Source Source::with_transform(ItemTransform transform) const {
    Source s = *this;
    s.transform_ = std::move(transform);
    return s;
}

std::vector<const Item*> invalid_items(const Input& input) {
    std::vector<const Item*> out;
    for (const auto& item : input.items)
        if (item.problem) out.push_back(&item);
    return out;
}

std::string_view to_string(Outcome o) {
    switch (o) {
        case Outcome::ok: return "ok";
        case Outcome::failed: return "failed";
        case Outcome::in_doubt: return "in-doubt";
        case Outcome::invalid: return "invalid";
        case Outcome::skipped: return "skipped";
    }
    return "failed";
}

std::optional<Outcome> outcome_from_string(std::string_view t) {
    for (auto o : {Outcome::ok, Outcome::failed, Outcome::in_doubt, Outcome::invalid, Outcome::skipped})
        if (to_string(o) == t) return o;
    return std::nullopt;
}

nlohmann::json Record::to_json() const {
    nlohmann::json j = {{"line", line}, {"id", id.empty() ? nlohmann::json() : nlohmann::json(id)}, {"op", op},
                        {"outcome", to_string(outcome)}, {"status", status}};
    if (outcome == Outcome::ok) j["response"] = response;
    else if (outcome == Outcome::skipped) j["skipped"] = skipped;
    else j["error"] = error;
    j["attempts"] = attempts;
    j["pacer_wait_ms"] = pacer_wait_ms;
    return redact_json(std::move(j));  // results and journal files are output: no secret, no token
}

namespace {

// Absent (null), or an integer within [lo, hi].
bool integer_within(const nlohmann::json& v, long long lo, long long hi) {
    if (v.is_null()) return true;
    if (v.is_number_unsigned()) return v.get<unsigned long long>() <= static_cast<unsigned long long>(hi);
    return v.is_number_integer() && v.get<long long>() >= lo && v.get<long long>() <= hi;
}

}  // namespace

std::optional<Record> Record::from_json(const nlohmann::json& j) {
    // Read back from files a person or a crash may have damaged: a field of another type is no record,
    // never an exception (json::value() with a typed default throws on one).
    if (!j.is_object()) return std::nullopt;
    const auto field = [&](const char* key) { return j.value(key, nlohmann::json()); };
    const auto line = field("line"), outcome_text = field("outcome"), op = field("op"), id = field("id");
    const auto status = field("status"), attempts = field("attempts"), wait = field("pacer_wait_ms");
    const auto outcome = outcome_text.is_string() ? outcome_from_string(outcome_text.get<std::string>()) : std::nullopt;
    if (!outcome || line.is_null() || !integer_within(line, LLONG_MIN, LLONG_MAX) || !(op.is_null() || op.is_string()) ||
        !integer_within(status, INT_MIN, INT_MAX) || !integer_within(attempts, INT_MIN, INT_MAX) ||
        !integer_within(wait, LLONG_MIN, LLONG_MAX))
        return std::nullopt;
    Record r;
    r.line = line.get<long long>();
    r.id = id.is_string() ? id.get<std::string>() : "";
    r.op = op.is_string() ? op.get<std::string>() : "";
    r.outcome = *outcome;
    r.status = status.is_null() ? 0 : status.get<int>();
    r.response = field("response");
    r.error = field("error");
    r.skipped = field("skipped");
    r.attempts = attempts.is_null() ? 0 : attempts.get<int>();
    r.pacer_wait_ms = wait.is_null() ? 0 : wait.get<long long>();
    return r;
}

nlohmann::json Summary::to_json() const {
    return {{"total", counts.total},       {"ok", counts.ok},         {"failed", counts.failed},
            {"in_doubt", counts.in_doubt}, {"invalid", counts.invalid}, {"skipped", counts.skipped}, {"not_started", not_started},
            {"retries", counts.retries},   {"sent", counts.sent_this_run}, {"interrupted", interrupted}};
}

}  // namespace ccai::batch
