#pragma once
// Documented exit codes (README "Exit codes"); scripts depend on them, so they never change meaning.
#include <cstdio>
#include <string>

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

/// How errors are written on stderr: one JSON object a line for programs, or lines for a person.
enum class ErrorFormat { json, text };

/// Prints the error as one JSON object on `err` ({"error": {...}}) and returns its exit code.
int report_error(std::FILE* err, const ApiError& error);

/// Prints the error in `format`: JSON as above, or for a person "error: MESSAGE (HTTP 404, ...)" and, when
/// there is one, "hint: HINT"; returns its exit code. Both are redacted (error_json) and, in text, control
/// bytes are escaped so that a server's message cannot act on the terminal.
int report_error(std::FILE* err, const ApiError& error, ErrorFormat format, const std::string& hint);

/// What a person can do about an error of this kind: `command` ("agents get", "" when none was chosen)
/// names the help to read for a usage error.
std::string error_hint(const ApiError& error, const std::string& command);

/// ccai::error_json with the exit code (also used in batch results).
nlohmann::json error_with_exit_code(const ApiError& error);

}  // namespace ccai::cli
