#pragma once
/// @file redact.hpp
/// @brief What the SDK and the CLI print never shows a secret: a process-wide registry of secret values, the
/// shape of a JWT, and the cleansing of secret copies.
///
/// Every output goes through redact() or redact_json(): --verbose lines, error messages, --dry-run, results
/// files, printed responses. A secret is masked where it appears as is, JSON-escaped (`\"`, `\/`, `\u0041`)
/// or percent-encoded (`%2F`, `%2f`, `+` for a space), partly or wholly, and through up to three such layers
/// in any order (a server's JSON error quoting the JSON body it was sent escapes it twice), because URLs,
/// bodies and the server's error text each carry it in their own form. Secrets shorter than
/// kShortSecretLength characters are masked only where they stand alone, not inside a longer run of letters
/// and digits: masking a one-letter secret everywhere would make every output unreadable, and a secret that
/// short offers no protection anyway.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ccai {

/// @brief What a secret or a JWT is replaced with.
inline constexpr std::string_view kRedacted = "***";

/// @brief Secrets with fewer characters are masked only as a whole word (see the file comment).
inline constexpr std::size_t kShortSecretLength = 8;

/// @brief Adds a value to the registry: from now on redact() masks it. Empty values are ignored and adding
/// a value twice is harmless. Config adds every secret setting (client_secret, token) when it is set;
/// anything else secret that a program handles (a password inside a URL, a proxy token) is one call.
/// Thread-safe.
void register_secret(std::string_view value);

/// @brief Empties the registry, cleansing its copies (a program may call it before it exits).
void forget_secrets();

/// @brief `text` with every registered secret (in any of its escaped forms) and every JWT-shaped run
/// replaced by kRedacted. Thread-safe.
std::string redact(std::string_view text);

/// @brief `value` with redact() applied to every string in it, object keys included, and to numbers that
/// spell a registered secret (which then become the string kRedacted). Iterative: any depth.
nlohmann::json redact_json(nlohmann::json value);

/// @brief True when redact_json() would change `value`. A read-only walk: printing a large answer that holds
/// no secret (the usual case) costs no copy.
bool needs_redaction(const nlohmann::json& value);

/// @brief Overwrites the whole buffer of `s` (with OPENSSL_cleanse, which the compiler cannot drop) and
/// empties it. For secret copies and tokens before they are dropped.
void secure_clear(std::string& s);

}  // namespace ccai
