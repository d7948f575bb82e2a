#pragma once
// stdin as a batch input: read twice (validate, then send), so it is first copied to a file of our own.
#include <string>

#include "ccai/batch.hpp"

namespace ccai::cli {

/// A copy of stdin in a file that has no name (O_TMPFILE, or a file unlinked as soon as it is made): it
/// is gone when the process ends, however it ends (SIGKILL included), and no other process can open it by
/// name or swap it between the two passes.
class StdinSpool {
public:
    StdinSpool() = default;
    ~StdinSpool();
    StdinSpool(const StdinSpool&) = delete;
    StdinSpool& operator=(const StdinSpool&) = delete;

    /// Copies everything from `in_fd` into the spool, in $TMPDIR (default /tmp).
    Result<Unit> fill(int in_fd);
    /// Each call opens a stream over the copy from its start (one per pass).
    [[nodiscard]] batch::Source::Opener opener() const;
    [[nodiscard]] int fd() const { return fd_; }

private:
    int fd_ = -1;
};

}  // namespace ccai::cli
