#pragma once
// The record of lines sent, per account, that keeps a later batch from creating the same thing twice. It lives
// beside the file pacer's state (same directory, same checks) as two files named after the account's hash:
// NAME.sent, the entries, and NAME.sent.lock, the fcntl lock every reader and writer takes (the entries
// file is replaced by rename when compacted, so the lock cannot live on it).
//
// NAME.sent is text: a header line "ccai-sent 1", then one entry per line, "K FINGERPRINT SECONDS":
//   c  claimed: a batch is about to send the line (written once the pacer granted its slot)
//   s  sent: the service answered 2xx
//   r  released: the call failed with an answer, or was never sent
// A claim with neither "s" nor "r" after it is a line whose outcome is unknown (a batch killed mid-call, or
// one sending it right now): the line is reported in doubt, not sent again. FINGERPRINT is 32 hex digits of
// SHA-256 over the prepared request as canonical JSON (method, full URL, headers, body, upload file); SECONDS
// is the wall clock.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <sys/types.h>

#include "ccai/batch.hpp"
#include "ccai/http.hpp"

namespace ccai::batch::detail {

using LineKey = std::array<std::uint64_t, 2>;

/// The fingerprint of what a line really sends: the prepared request's method, full URL (host, path with the
/// bot and org filled from the profile, query), headers, body and upload file (path, size, modification time),
/// as canonical JSON (sorted keys), hashed. So one input sent to another bot or host is another line.
LineKey line_key(const HttpRequest& request);

/// The most entries the file keeps: past it, opening compacts it to the newest kLedgerKeep. About 46 bytes
/// an entry on disk (the file stays under 25 MB); in memory 64 bytes an entry (hash node, bucket, allocator),
/// measured with mallinfo2 for 500,000 entries: 32 MB, and compacting adds 12 MB for a moment.
inline constexpr std::size_t kLedgerMaxEntries = 500'000;
inline constexpr std::size_t kLedgerKeep = 400'000;
/// A larger file was not written by ccai-cli: refused rather than read.
inline constexpr off_t kLedgerMaxBytes = 64LL << 20;

class Ledger {
public:
    /// Opens (creating the directory and files as needed) and reads the record of `guard.scope`.
    static Result<std::unique_ptr<Ledger>> open(const DuplicateGuard& guard);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    /// What the record says of a line.
    struct Seen {
        bool sent = false;     ///< "s": sent with success
        long long at = 0;      ///< when (seconds since the epoch)
    };
    /// The line's entry, entries other batches wrote since the last look included; nullopt: never sent.
    Result<std::optional<Seen>> lookup(const LineKey& key);
    /// Atomically: nullopt and a claim written when the line is free (or `force`), else what is there.
    Result<std::optional<Seen>> claim(const LineKey& key, bool force);
    /// Ends this run's claim: sent (ok) or released (an answer that proves nothing was done, or never sent).
    Result<Unit> resolve(const LineKey& key, bool sent);
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    Ledger(int dir_fd, int lock_fd, std::string dir, std::string name, std::function<long long()> now)
        : dir_fd_(dir_fd), lock_fd_(lock_fd), dir_(std::move(dir)), name_(std::move(name)), path_(dir_ + "/" + name_),
          now_(std::move(now)) {}
    struct Entry {
        long long at = 0;
        bool sent = false;
    };
    struct KeyHash {
        std::size_t operator()(const LineKey& k) const { return static_cast<std::size_t>(k[0] ^ (k[1] * 31)); }
    };
    Result<Unit> lock(bool exclusive);
    void unlock();
    Result<Unit> refresh();
    Result<Unit> read_from(int fd, off_t from, off_t size);
    Result<Unit> append(char kind, const LineKey& key, long long at);
    Result<Unit> compact_if_large();
    ApiError damaged(const std::string& why) const;

    int dir_fd_;
    int lock_fd_;
    std::string dir_;
    std::string name_;
    std::string path_;
    std::function<long long()> now_;
    std::unordered_map<LineKey, Entry, KeyHash> entries_;
    // What has been read: the file (by inode) and how far. Another file there (compacted) is read again whole.
    ino_t inode_ = 0;
    off_t read_ = 0;
    long long lines_ = 0;  // lines read, the header included (for messages)
};

}  // namespace ccai::batch::detail
