// Errors for a person (--error-format text, as on a terminal): a line with the message and what the service
// said in brackets, then a hint for the error's kind; run in-process over a FakeTransport.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/in_process_cli.hpp"

using namespace ccai;
using test::Cli;

TEST_CASE("errors as text: each kind's line and hint, the service's details in brackets, control bytes escaped") {
    Cli cli;
    cli.env["CCAI_MAX_ATTEMPTS"] = "1";
    const auto text = [&](const std::vector<std::string>& words) {
        std::vector<std::string> line = {"--error-format=text"};
        line.insert(line.end(), words.begin(), words.end());
        const auto r = cli(line);
        CHECK(r.out.empty());
        return std::pair(r.code, r.err);
    };
    cli.transport->push(503, R"({"errors":[{"msg":"down for \u001b[2Jmaintenance","code":"E_MAINT"}]})", {{"x-request-id", "req-7"}});
    CHECK(text({"queues", "get", "--queue-id", "q-1"}) ==
          std::pair(8, std::string("error: down for \\x1b[2Jmaintenance (HTTP 503, code E_MAINT, request id req-7)\n"
                                   "hint: the service failed; trying again later may work\n")));
    // A request id that is not UTF-8 (the service's header bytes) reaches the terminal as U+FFFD.
    cli.transport->push(500, R"({"errors":[{"msg":"oops"}]})", {{"x-request-id", "r\xff-8"}});
    CHECK(text({"queues", "get", "--queue-id", "q-1"}).second.starts_with("error: oops (HTTP 500, request id r\xEF\xBF\xBD-8)\n"));
    cli.transport->push(403, R"({"errors":[{"msg":"forbidden"}]})");
    CHECK(text({"queues", "get", "--queue-id", "q-1"}) ==
          std::pair(4, std::string("error: forbidden; credentials of profile 'default': client_id from env CCAI_CLIENT_ID, "
                                   "client_secret from env CCAI_CLIENT_SECRET (HTTP 403)\n"
                                   "hint: check the client id and secret: 'ccai-cli config list --show-origin' shows where they "
                                   "come from\n")));
    CHECK(text({"queues", "get"}).first == 2);
    CHECK(text({"queues", "get"}).second.ends_with("\nhint: 'ccai-cli help queues get' shows its flags and an example\n"));
    CHECK(text({"queues", "lst"}) ==
          std::pair(2, std::string("error: unknown action 'lst' for queues; did you mean 'list'?\n"
                                   "hint: 'ccai-cli help queues' shows what it takes\n")));
    CHECK(text({"help", "queues", "lst"}) ==
          std::pair(2, std::string("error: unknown action 'lst' for queues; did you mean 'list'?\n"
                                   "hint: 'ccai-cli help queues' shows what it takes\n")));
    cli.env.erase("CCAI_BOT_ID");
    CHECK(text({"queues", "list"}).second.ends_with(
        "\nhint: 'ccai-cli config init' sets up a profile; 'ccai-cli config list --show-origin' shows each setting and "
        "where it comes from\n"));
}
