#pragma once
// Private pieces of the batch runner: the input fingerprint, the journal, and the results file.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

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

/// What earlier runs left in the journal.
struct JournalState {
    std::map<long long, Record> done;  ///< the last final record of each line
    std::set<long long> started;       ///< started, and no outcome recorded after that
};

/// Append-only JSON Lines: a header, then {"start":N} (fsync'd before line N is sent) and
/// {"done":N,"record":{...}}. Only line numbers and final records go in: never a request, so never a
/// header, secret or JWT.
class Journal {
public:
    /// Creates the journal (refusing to overwrite one unless `resume`), or replays an existing one into
    /// `state` after checking it belongs to this input. A torn last line (killed mid-write) is cut off.
    static Result<std::unique_ptr<Journal>> open(const std::string& path, const Input& input, bool resume,
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

/// Writes all records, ordered by line, to `path` atomically (temp file + fsync + rename).
Result<Unit> write_results(const std::string& path, const std::map<long long, Record>& records);

/// Appends one record line to an open results stream (live view while the run goes on).
class ResultsAppender {
public:
    explicit ResultsAppender(const std::string& path);
    ~ResultsAppender();
    ResultsAppender(const ResultsAppender&) = delete;
    ResultsAppender& operator=(const ResultsAppender&) = delete;
    void append(const Record& record);

private:
    int fd_ = -1;
    std::mutex mu_;
};

/// Writes all of `text` to `fd`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view text);

}  // namespace ccai::batch::detail
