#pragma once
// The response cache's files: one directory per family (resource_family()) under the checked cache directory,
// one file per answer named by its key's hash, written whole and renamed into place, read back only when
// it is a private regular file of ours in the exact format. Anything else is a miss, never an error: a
// cache must not stop a call.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ccai/clock.hpp"
#include "ccai/pacer.hpp"

namespace ccai::detail {

/// One stored answer. `sent_ms`: wall time (ms since the epoch) when its request went out.
struct CacheEntry {
    int status = 200;
    std::string content_type;
    std::string body;
    std::int64_t sent_ms = 0;
};

/// The file's bytes: "ccai-cache 1\n<sent_ms> <status> <body bytes>\n<content-type>\n<body>".
std::string encode_cache_entry(const CacheEntry& entry);
/// The entry, when `text` is exactly one in that format with a body of at most `max_body` bytes.
std::optional<CacheEntry> decode_cache_entry(std::string_view text, std::size_t max_body);

/// A family's name as a directory name: lower-case letters, digits and '-' only (catalog groups are).
bool valid_family(std::string_view family);

/// A key as a file name: 64 lower-case hex digits.
bool is_cache_key(std::string_view name);

/// What CacheStore::sweep removes (ages in ms, by the file's mtime) and how much it may cost.
struct SweepLimits {
    std::int64_t entry_ms = 24 * 3600 * 1000;  ///< answers past the longest TTL anyone may set
    std::int64_t tmp_ms = 3600 * 1000;         ///< temporary files a killed writer left
    std::int64_t lock_ms = 60 * 1000;          ///< lock files nobody holds, older than the lock wait
    std::int64_t every_ms = 60 * 1000;         ///< at most one sweep per this time (a stamp file's mtime)
    std::size_t max_files = 20000;             ///< directory entries looked at per sweep
};

/// The files of one cache directory. Every operation opens the directory again and checks it (ours, mode
/// 700, not a symbolic link), so a directory replaced after the client started is not used.
class CacheStore {
public:
    CacheStore(std::string dir, std::size_t max_body) : dir_(std::move(dir)), max_body_(max_body) {}
    /// The entry stored under `key` (64 hex digits) in `family`, or nullopt.
    std::optional<CacheEntry> load(std::string_view family, const std::string& key) const;
    /// Stores `entry` atomically (a private temporary file renamed over the old one); false when it could not.
    bool save(std::string_view family, const std::string& key, const CacheEntry& entry) const;
    /// Removes the entry `key` and its lock file (an entry past any TTL: nobody can use it any more).
    void remove(std::string_view family, const std::string& key) const;
    /// When `family`'s entries were last dropped (ms since the epoch), 0 when never: an answer whose request
    /// went out before that may predate the write and is not used.
    std::int64_t dropped_at(std::string_view family) const;
    /// Removes old answers, temporary files and unheld lock files (`limits`), unless another sweep ran
    /// within limits.every_ms; returns how many files it removed. Called after a save.
    std::size_t sweep(std::int64_t now_ms, const SweepLimits& limits = {}) const;
    /// Drops `family`'s entries ("" drops every family) and records `now_ms` as the time they were dropped;
    /// returns how many answers it removed.
    std::size_t drop(std::string_view family, std::int64_t now_ms) const;

    /// An exclusive lock on `key` (an open file description lock on `<key>.lock`: threads of one process
    /// exclude each other too, and the kernel drops it when its holder dies). Waits in slices of `clock` up
    /// to `wait`; not held when that passes, on an interruption, or when the file cannot be used.
    class Lock {
    public:
        Lock() = default;
        explicit Lock(int fd) : fd_(fd) {}
        Lock(Lock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
        Lock& operator=(Lock&&) = delete;
        ~Lock();
        [[nodiscard]] bool held() const { return fd_ >= 0; }

    private:
        int fd_ = -1;
    };
    /// `on_wait` is called once, when the lock is found held by another.
    Lock lock(std::string_view family, const std::string& key, Clock& clock, Duration wait, Interruption* interruption,
              const std::function<void()>& on_wait = {}) const;

private:
    /// The family's directory, opened (created 0700 with `create`) and checked; -1 when it cannot be used.
    int open_family(std::string_view family, bool create) const;

    std::string dir_;
    std::size_t max_body_;
};

/// Opens `dir` as a directory without following a symbolic link and checks it is ours and private: the
/// descriptor, or why not (a message naming the fix). -1 with an empty message when it does not exist.
struct OpenedDir {
    int fd = -1;
    std::string problem;
};
OpenedDir open_private_dir(const std::string& dir, int parent_fd = -1);

/// Removes the files of an opened family directory but its drop marker; returns how many were answers.
std::size_t empty_cache_family(int family_fd);

}  // namespace ccai::detail
