#pragma once
// Private pieces of the batch runner: streaming parsers, the input fingerprint, the journal, the results file.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/batch.hpp"

namespace ccai::batch::detail {

/// FNV-1a 64: stable across builds and platforms, unlike std::hash, so a journal outlives the binary.
struct Fingerprint {
    std::uint64_t value = 14695981039346656037ULL;
    void add(std::string_view bytes);
};

/// A JSON scalar as the string a parameter carries; nullopt for objects, arrays and null.
std::optional<std::string> param_text(const nlohmann::json& v);

/// One pass over JSON Lines / CSV, one Item at a time (what read_jsonl / read_csv collect).
Result<Scan> each_jsonl(std::istream& in, const LineVisitor& visit);
Result<Scan> each_csv(std::istream& in, const CsvOptions& o, const LineVisitor& visit);

/// build_request on a line without a problem yet; sets the problem when it fails.
void validate_item(Item& item, const Config& config);

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

/// Append-only JSON Lines: a header, then {"start":N} (fsync'd before line N is sent) and
/// {"done":N,"record":{...}}. Only line numbers and final records go in: never a request, so never a
/// header, secret or JWT.
class Journal {
public:
    /// Creates the journal (refusing to overwrite one unless `resume`), or replays an existing one into
    /// `state`, reading it one entry at a time, after checking it belongs to this input (`scan`: its
    /// fingerprint and line count). A torn last line (killed mid-write) is cut off.
    static Result<std::unique_ptr<Journal>> open(const std::string& path, const Scan& scan, bool resume,
                                                 JournalState& state);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// Durable before it returns: a crash after this leaves the line in doubt, never forgotten.
    Result<Unit> started(long long line);
    Result<Unit> finished(const Record& record);

private:
    explicit Journal(int fd) : fd_(fd) {}
    Result<Unit> append(const nlohmann::json& entry, bool durable);
    int fd_;
    std::mutex mu_;
};

/// Rebuilds the results file from the journal, atomically (temp file + fsync + rename): the last "done"
/// record of each line, in journal order, read one entry at a time. An empty `state` gives an empty file.
Result<Unit> write_results(const std::string& path, const std::string& journal_path, const JournalState& state);

/// Replays the journal into a fresh state and rewrites the results file from it (as write_results).
Result<Unit> rebuild_results(const std::string& path, const std::string& journal_path, const Scan& scan);

/// The results file, open for appending: each final record goes in as it is made.
class ResultsAppender {
public:
    static Result<std::unique_ptr<ResultsAppender>> open(const std::string& path);
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

/// Writes all of `text` to `fd`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view text);

}  // namespace ccai::batch::detail
