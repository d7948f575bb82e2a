#pragma once
// Documented exit codes (README "Exit codes"); scripts depend on them, so they never change meaning.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"

namespace ccai::cli {

enum ExitCode : int {
    kOk = 0,
    kOther = 1,
    kUsage = 2,
    kConfig = 3,
    kAuth = 4,
    kNotFound = 5,
    kClientError = 6,
    kRateLimited = 7,
    kServerError = 8,
    kNetwork = 9,
    kBatchFailures = 10,
    kInterrupted = 130,
};

/// The exit code of a failure of this kind.
int exit_code_for(ErrorKind kind);

/// Prints the error as one JSON object on `err` ({"error": {...}}) and returns its exit code.
int report_error(std::FILE* err, const ApiError& error);

/// ccai::error_json with the exit code (also used in batch results).
nlohmann::json error_with_exit_code(const ApiError& error);

}  // namespace ccai::cli
