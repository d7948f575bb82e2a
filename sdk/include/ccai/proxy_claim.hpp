#pragma once
/// @file proxy_claim.hpp
/// @brief How a client proves to a `ccai-cli proxy` on this machine that its request took a slot from the
/// proxy's own pacer state already (the kPacedHeader value): a secret that only a process of the same user,
/// sharing that state, can read.
#include <string>

#include "ccai/error.hpp"
#include "ccai/pacer.hpp"

namespace ccai {

/// @brief The proxy claim of the file pacer `options` name: a random secret (32 bytes, hex) in the private
/// file `<scope hash>.proxy-claim` beside the scope's state file, reached with the state file's checks (the
/// directory is the user's and writable by nobody else; the file is a regular file of the user's, never a
/// symlink or a second hard link, mode 600). `create`: write a new one (the proxy, at start); else read the
/// one there. "" when there is none, and always for the memory and redis backends (their clients are paced
/// again by the proxy). Errors are config errors.
Result<std::string> proxy_claim(const PacerOptions& options, bool create);

}  // namespace ccai
