#pragma once
// Private pieces of the batch runner: streaming parsers, the input fingerprint, the journal, the results file.
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/batch.hpp"
#include "util/fnv1a.hpp"

namespace ccai::batch::detail {

/// The input's fingerprint, so a journal is resumed only against the input it was made from.
using Fingerprint = ccai::detail::Fnv1a64;

/// A JSON scalar as the string a parameter carries; nullopt for objects, arrays and null.
std::optional<std::string> param_text(const nlohmann::json& v);

/// One pass over JSON Lines / CSV, one Item at a time (what read_jsonl / read_csv collect).
Result<Scan> each_jsonl(std::istream& in, const LineVisitor& visit);
Result<Scan> each_csv(std::istream& in, const CsvOptions& o, const LineVisitor& visit);

/// A batch line (a JSON Lines line, a CSV record with all its physical lines) within bounds: at most
/// kMaxBatchLineBytes, no NUL byte. Errors are invalid_input.
Result<Unit> check_line_bounds(std::size_t bytes, bool holds_nul);

/// build_request, then `check` when given, on a line without a problem yet; sets the problem when one fails.
void validate_item(Item& item, const Config& config, const LineCheck& check = {});

/// What earlier runs left in the journal about one line: 4 bytes, the only per-line memory of a run.
struct LineState {
    std::uint16_t dones = 0;   ///< "done" entries seen (saturating); the results file keeps the last one
    std::uint8_t outcome = 0;  ///< 1 + Outcome of the last "done" entry; 0: none
    bool started = false;      ///< started, and no outcome recorded after that
    [[nodiscard]] std::optional<Outcome> last() const {
        return outcome ? std::optional<Outcome>(static_cast<Outcome>(outcome - 1)) : std::nullopt;
    }
};

/// What earlier runs left in the journal, by line number.
struct JournalState {
    std::vector<LineState> lines;  ///< index = line number (0 unused); empty for a new journal
    long long journal_bytes = 0;   ///< length of the complete entries (a torn tail is cut off)
    [[nodiscard]] const LineState* at(long long line) const {
        return line > 0 && line < static_cast<long long>(lines.size()) ? &lines[static_cast<size_t>(line)] : nullptr;
    }
};

/// The files a batch writes (files.cpp). Every refusal is invalid_input naming the path and what to do.
/// The results path must name a file: not empty, no NUL, not ending in '/', ".", "..".
Result<Unit> check_output_path(const std::string& path, std::string_view what);
/// Looks at what is at `path` without opening or following it: nullopt when nothing is there; an error
/// when the run may not write it (one of `inputs`, a symlink, not a regular file, another user's, a
/// hard link).
Result<std::optional<struct stat>> inspect_output(const std::string& path, std::string_view what,
                                                  const std::vector<FileId>& inputs);
/// Opens an existing output file (`flags`: the access mode and O_APPEND) without following a symlink or
/// blocking on a FIFO, then checks what was opened with fstat, as inspect_output does.
Result<int> open_existing_output(const std::string& path, std::string_view what, int flags,
                                 const std::vector<FileId>& inputs);
/// Creates a new output file, mode 0600 (O_CREAT | O_EXCL: never an existing file, never through a symlink).
Result<int> create_output(const std::string& path, std::string_view what, int flags);
/// fsync of the directory holding `path`: makes a created or renamed entry durable.
void fsync_parent(const std::string& path);

/// Before the input is read: the results file `results` and its journal as far as a look can tell (nothing
/// is opened or created), so a wrong path fails at once. Journal::open and ResultsAppender check again.
Result<Unit> check_outputs(const std::string& results, bool resume, const std::vector<FileId>& inputs);

/// A new file that replaces `path` when committed, by rename: readers see the old file or the new one,
/// never half of one, and nothing is written through whatever the old name pointed to. It lives in
/// path's directory (rename stays on one filesystem) under an unpredictable name created O_EXCL, so
/// nothing planted at a guessed name (a symlink, a FIFO) is opened. Removed unless committed.
class Replacement {
public:
    static Result<std::unique_ptr<Replacement>> create(const std::string& path, std::string_view what);
    ~Replacement();
    Replacement(const Replacement&) = delete;
    Replacement& operator=(const Replacement&) = delete;
    [[nodiscard]] int fd() const { return fd_; }
    /// fsync, rename over `path`, fsync the directory. The descriptor stays open on the file now at `path`.
    Result<Unit> commit();
    /// Hands the descriptor over (the caller closes it).
    int release();

private:
    Replacement(int fd, std::string temp, std::string path, std::string what)
        : fd_(fd), temp_(std::move(temp)), path_(std::move(path)), what_(std::move(what)) {}
    int fd_;
    std::string temp_;  ///< "" once renamed
    std::string path_;
    std::string what_;
};

/// Complete lines ('\n'-terminated) of an open file from its start up to `limit` bytes, read with pread so
/// the descriptor's offset is left alone. A torn last line is never returned.
class LineReader {
public:
    /// `start` must be where a line starts (0, or what consumed() said before); consumed() counts from 0.
    LineReader(int fd, off_t limit, off_t start = 0) : fd_(fd), limit_(limit), read_(start), consumed_(start) {}
    /// 1: `line` holds the next line; 0: no more complete lines; -1: a read error (errno says which).
    int next(std::string& line);
    /// Bytes covered by the lines returned so far.
    [[nodiscard]] off_t consumed() const { return consumed_; }

private:
    int fd_;
    off_t limit_;
    off_t read_ = 0;
    off_t consumed_ = 0;
    std::string buf_;
    size_t pos_ = 0;
};

/// Append-only JSON Lines: a header, then {"start":N} (fsync'd before line N is sent),
/// {"done":N,"record":{...}}, and {"unsent":N} when a started line ended proven unsent (interrupted while it
/// waited to retry, every attempt refused or never delivered): --resume sends it again. Only line numbers
/// and final records go in: never a request, so never a header, secret or JWT.
class Journal {
public:
    /// Creates the journal (O_EXCL), or, with `resume`, opens an existing one (checked as
    /// open_existing_output does) and replays it into `state`, reading it one entry at a time, after
    /// checking it belongs to this input (`scan`: its fingerprint and line count). Nothing is written to
    /// it yet (see cut_torn_tail). Without `resume` an existing journal is refused.
    static Result<std::unique_ptr<Journal>> open(const std::string& path, const Scan& scan, bool resume,
                                                 const std::vector<FileId>& inputs, JournalState& state);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// Durable before it returns: a crash after this leaves the line in doubt, never forgotten.
    Result<Unit> started(long long line);
    Result<Unit> finished(const Record& record);
    /// Line `line`, started, was interrupted before any attempt could have done anything. Not synced:
    /// losing it only leaves the line in doubt.
    Result<Unit> unsent(long long line);

    /// Cuts what follows the complete entries (`length`: JournalState::journal_bytes), a line torn by a
    /// kill, so the next entry is not glued to half a line and lost on replay. Before the first entry.
    Result<Unit> cut_torn_tail(off_t length);
    /// True when this run created it (there was no earlier run to resume).
    [[nodiscard]] bool created() const { return created_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    /// Removes a journal this run created and has not used: a run refused before its first line leaves
    /// nothing behind.
    void discard();
    /// Visits the entries after the header within the first `limit` bytes, read back through the journal's
    /// own descriptor; with `check`, the header must belong to that input. Returns the bytes of the
    /// complete lines read (a torn tail is not counted).
    Result<off_t> each_entry(const Scan* check, off_t limit, const std::function<void(const std::string&)>& visit) const;

private:
    Journal(int fd, std::string path, bool created) : fd_(fd), path_(std::move(path)), created_(created) {}
    Result<Unit> append(const nlohmann::json& entry, bool durable);
    int fd_;
    std::string path_;
    bool created_;
    std::mutex mu_;
};

/// The results file, open for appending: each final record goes in as it is made.
class ResultsAppender {
public:
    /// A new run: creates the file (create_output).
    static Result<std::unique_ptr<ResultsAppender>> create(const std::string& path);
    /// A resumed run: checks what is at `path` (open_existing_output), then replaces it with the journal's
    /// view (write_results), so whatever a killed run left is made consistent.
    static Result<std::unique_ptr<ResultsAppender>> resume(const std::string& path, const Journal& journal,
                                                          const JournalState& state, const std::vector<FileId>& inputs);
    ~ResultsAppender();
    ResultsAppender(const ResultsAppender&) = delete;
    ResultsAppender& operator=(const ResultsAppender&) = delete;
    Result<Unit> append(const Record& record);
    Result<Unit> sync();  ///< fsync at the end of a run

private:
    ResultsAppender(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_ = -1;
    std::string path_;
    std::mutex mu_;
};

/// Rebuilds the results file from the journal through a Replacement: the last "done" record of each line,
/// in journal order, read one entry at a time. An empty `state` gives an empty file. Returns the new
/// file's descriptor, open for appending.
Result<int> write_results(const std::string& path, const Journal& journal, const JournalState& state);

/// Replays the journal into a fresh state and rewrites the results file from it (as write_results).
Result<Unit> rebuild_results(const std::string& path, const Journal& journal, const Scan& scan);

/// Writes all of `text` to `fd`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view text);

}  // namespace ccai::batch::detail
