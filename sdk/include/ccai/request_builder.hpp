#pragma once
/// @file request_builder.hpp
/// @brief Turns an EndpointSpec and CallArgs into an HttpRequest, checking every input before any I/O.

#include <functional>
#include <string>

#include "ccai/call_args.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/http.hpp"

namespace ccai {

/// @brief Builds the request (without `auth`; the pipeline adds it per attempt).
///
/// Fills and URL-encodes {placeholders}, fills botId/accountId/orgId from the config wherever they occur,
/// adds const query values and the `accountid` / `iid` headers, checks required path/query parameters,
/// integer/boolean/enum values, query "one of" groups, and the body with check_body(). When the body
/// leaves them out, it fills a required body field with a single allowed value (the action's constant,
/// e.g. sms-campaigns list's `type`), one named like a path parameter (skills create's `skillGroupId`)
/// with the parameter's value, and `orgId`, `accountId`, `iId` with the config's org_id, account_id,
/// bot_id (profile_key_for). A body value that differs from the parameter or setting is invalid_input
/// naming both.
/// Every path value must stay one path segment (path_segment_problem), the host must pass base_url(), and
/// every header (settings and CallArgs::extra_headers alike) must pass check_headers().
/// Errors are invalid_input or config (e.g. no host; see setting_error).
Result<HttpRequest> build_request(const EndpointSpec& spec, const CallArgs& args, const Config& config);

/// @brief Why `value` cannot fill one path segment such as {skillId}, or "" when it can. `..` would move
/// the request to the parent resource (`skills delete --skill-id ..` would delete the skill group), so the
/// value must stay one segment however a server reads it: not empty; no part between '/' or '\' (a server
/// that decodes %2F before it routes splits there) that is empty or a dot segment (is_dot_segment), after
/// any number of percent-decodings up to eight (a value still changing after eight is refused); no control
/// character.
std::string path_segment_problem(std::string_view value);

/// @brief True for `.` and `..`, also percent-encoded once or more (`%2e%2E`, `%252e`), and followed by
/// `;params` or a NUL (servers that drop a segment's parameters read `..;x` as `..`, C code `..%00` as `..`).
bool is_dot_segment(std::string_view segment);

/// @brief Checks the settings that travel as header values (account_id as `accountid`, bot_id as `iid`,
/// token as `auth`) with header_value_problem(). Errors name where the setting came from, never its value.
Result<Unit> check_header_settings(const Config& config);

/// @brief An error about a setting's value, naming where it came from ("bot_id (env CCAI_BOT_ID): ..."). A value
/// given as a flag on this command line is input (invalid_input); one from the environment, a
/// profile or the credentials file is configuration (config).
ApiError setting_error(const Config& config, std::string_view key, std::string_view problem);

/// @brief Checks a body against the catalog's fields: required ones present (a nested one wherever its parent
/// is present; a required parent must itself be present), JSON types, enums and the body's "one of" groups.
/// For an array body, every item. Errors are invalid_input and name the field.
Result<Unit> check_body(const EndpointSpec& spec, const nlohmann::json& body);

/// @brief Checks that every name and string in `body` is UTF-8, as JSON text must be: invalid_input naming
/// the first field that is not (a Latin-1 CSV cell, a --set value typed in another encoding). check_body runs it.
Result<Unit> check_utf8_body(std::string_view operation, const nlohmann::json& body);

/// @brief Checks the operation's "one of" groups of `where` ("body" or "query"): `given(name)` says whether
/// a member was given. None given, or more than one for an exactly-one group, is invalid_input; `context`
/// prefixes the message's detail (e.g. "item 2: ").
Result<Unit> check_one_of(const EndpointSpec& spec, std::string_view where,
                          const std::function<bool(std::string_view)>& given, std::string_view context = "");

/// @brief What build_request fills the body field `field` from when the body leaves it out: the setting of
/// the account-wide value it names ("org_id" for orgId, also accountId and iId: profile_key_for), or the
/// flag of the path parameter it repeats ("--skill-group-id" for skills create's skillGroupId); "" when
/// nothing does. Only required top-level string fields are filled.
std::string body_field_filled_from(const EndpointSpec& spec, const FieldSpec& field);

/// @brief Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

/// @brief The CLI spelling of a catalog parameter or setting: "skillGroupId" -> "skill-group-id",
/// "bot_id" -> "bot-id". The SDK's messages name parameters as the catalog does (ApiError::parameters);
/// ccai-cli shows them as flags.
std::string kebab_case(std::string_view name);

/// @brief The config key that fills a catalog parameter or required body field ("botId" -> "bot_id"; the
/// body's "iId" is the same app id), or "" when none does.
std::string_view profile_key_for(std::string_view param_name);

}  // namespace ccai
