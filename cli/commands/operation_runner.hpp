#pragma once
// Running one operation: validate, --dry-run or send, print. Shared by the group commands and `api`.
#include "context.hpp"

namespace ccai::cli {

/// Validates (nothing is sent on bad input), then prints the request (--dry-run) or calls and prints.
int run_operation(const EndpointSpec& spec, const CallArgs& args, const Context& context);

/// Prints the request (--dry-run) or sends it and prints the result; returns the exit code.
int send_and_print(Result<HttpRequest> request, const EndpointSpec* spec, const Config& config, const Context& context);

/// --all: follows the operation's pagination to the end, streaming items in the chosen format (JSON Lines by
/// default), one page in memory at a time.
int run_all_pages(const EndpointSpec& spec, const CallArgs& args, const Context& context, long long max_items);

/// The request as JSON for --dry-run, with `auth` shown masked.
nlohmann::json dry_run_json(const HttpRequest& request);

}  // namespace ccai::cli
