#pragma once
// Small file helpers every test file would otherwise write again: a file's bytes, a file written, JSON Lines
// read back, a file's permission bits.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::test {

/// The bytes of the file at `path`; "" when it cannot be read.
std::string slurp(const std::string& path);

/// Writes `text` to `path` (created, or replaced), then gives it the permission bits `mode` when given;
/// returns `path`.
std::string write_file(const std::string& path, const std::string& text, std::optional<mode_t> mode = std::nullopt);

/// Writes `text` to `dir`/`name` and returns that path.
std::string write_file(const std::string& dir, const std::string& name, const std::string& text);

/// Each non-empty line of `text` parsed as JSON (a line that is not JSON throws, failing the test).
std::vector<nlohmann::json> json_lines(const std::string& text);

/// The permission bits (07777) of `path` itself, a symlink not followed; fails the test when it does not exist.
mode_t mode_of(const std::string& path);

}  // namespace ccai::test
