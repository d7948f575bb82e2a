// The record of sent lines (batch/ledger.hpp): fingerprints, claims between two users of one record, release,
// and the wall-clock date each entry carries.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "batch/ledger.hpp"
#include "support/process.hpp"

using namespace ccai;
using batch::detail::Ledger;
using batch::detail::line_key;

namespace {

HttpRequest item(const std::string& op, const nlohmann::json& body,
                 const std::string& url = "https://ccai.example/agentassist/api/v1/public/st-1/agents") {
    HttpRequest r;
    r.method = "POST";
    r.url = url + (op == "agents.create" ? "" : "/" + op);
    r.headers = {{"accountId", "acc-1"}, {"content-type", "application/json"}};
    r.body = body.dump();
    return r;
}

batch::DuplicateGuard guard(const std::string& dir, long long now) {
    batch::DuplicateGuard g;
    g.dir = dir;
    g.scope = "account|acc-1";
    g.now = [now] { return now; };
    return g;
}

}  // namespace

TEST_CASE("ledger: a line's fingerprint is of what is sent: key order aside, every value, URL and header counts") {
    const auto a = line_key(item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}}));
    auto reordered = item("agents.create", {});
    reordered.body = R"({"roleId":"agent","emailId":"a@x"})";
    CHECK(line_key(reordered) == a);
    CHECK(line_key(item("agents.create", {{"emailId", "b@x"}, {"roleId", "agent"}})) != a);
    CHECK(line_key(item("queues.create", {{"emailId", "a@x"}, {"roleId", "agent"}})) != a);
    // The bot and org filled from the profile are in the URL, the host too: another target is another line.
    CHECK(line_key(item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}},
                        "https://ccai.example/agentassist/api/v1/public/st-other-bot/agents")) != a);
    CHECK(line_key(item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}},
                        "https://other.example/agentassist/api/v1/public/st-1/agents")) != a);
    auto query = item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}});
    query.url += "?orgId=o-2";
    CHECK(line_key(query) != a);
    auto account = item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}});
    account.headers[0].second = "acc-2";
    CHECK(line_key(account) != a);
    auto put = item("agents.create", {{"emailId", "a@x"}, {"roleId", "agent"}});
    put.method = "PUT";
    CHECK(line_key(put) != a);
}

TEST_CASE("ledger: an upload's fingerprint follows the file, not only its name") {
    const auto dir = test::temp_dir();
    const auto path = dir + "/kb.pdf";
    std::ofstream(path) << "one";
    HttpRequest r;
    r.method = "POST";
    r.url = "https://ccai.example/upload";
    r.upload_file = path;
    const auto before = line_key(r);
    CHECK(line_key(r) == before);
    std::ofstream(path) << "another text";
    CHECK(line_key(r) != before);
}

TEST_CASE("ledger: a claim holds the line for every other user of the record until it is sent or released") {
    const auto dir = test::temp_dir() + "/state";
    auto one = Ledger::open(guard(dir, 1796300000));
    auto two = Ledger::open(guard(dir, 1796300100));
    REQUIRE(one);
    REQUIRE(two);
    const auto sent = line_key(item("agents.create", {{"emailId", "a@x"}}));
    const auto failed = line_key(item("agents.create", {{"emailId", "b@x"}}));
    CHECK(!(*(*one)->lookup(sent)));
    CHECK(!(*(*one)->claim(sent, false)));  // free: claimed
    CHECK(!(*(*one)->claim(failed, false)));
    auto seen = (*two)->claim(sent, false);  // the other sees the claim: not free
    REQUIRE(seen);
    REQUIRE(*seen);
    CHECK(!(*seen)->sent);
    CHECK((*seen)->at == 1796300000);
    REQUIRE((*one)->resolve(sent, true));
    REQUIRE((*one)->resolve(failed, false));
    auto now_sent = (*two)->lookup(sent);
    REQUIRE(now_sent);
    REQUIRE(*now_sent);
    CHECK((*now_sent)->sent);
    CHECK(!(*(*two)->lookup(failed)));  // released: free again
    CHECK(!(*(*two)->claim(sent, true)));  // forced (--rerun): claimed whatever is there
    REQUIRE((*two)->resolve(sent, false));  // and released: the line stays sent
    // A third user, opened later, reads the whole record.
    auto three = Ledger::open(guard(dir, 1796300200));
    REQUIRE(three);
    auto later = (*three)->lookup(sent);
    REQUIRE(*later);
    CHECK((*later)->sent);  // a claim after a success leaves the line sent, with the date it was
    CHECK((*later)->at == 1796300000);
    std::ifstream in((*three)->path());
    std::string header;
    std::getline(in, header);
    CHECK(header == "ccai-sent 1");
}

TEST_CASE("ledger: no state directory is a clear error") {
    batch::DuplicateGuard g;
    g.scope = "account|acc-1";
    g.getenv = [](const char*) -> std::optional<std::string> { return std::nullopt; };
    auto none = Ledger::open(g);
    REQUIRE(!none);
    CHECK(none.error().message ==
          "batch: no state directory for the record of sent lines (set XDG_STATE_HOME or HOME, or pacer_dir)");
}

TEST_CASE("ledger: past its bound the record is compacted to its newest entries, by a new file renamed over it") {
    const auto dir = test::temp_dir() + "/state";
    auto first = Ledger::open(guard(dir, 1000));
    REQUIRE(first);
    const auto path = (*first)->path();
    const auto key_of = [](std::size_t i) { return line_key(item("agents.create", {{"n", i}})); };
    {
        // Written as ccai-cli writes it: one "s" entry per line, older first.
        std::ofstream out(path);
        out << "ccai-sent 1\n";
        for (std::size_t i = 0; i <= batch::detail::kLedgerMaxEntries; ++i) {
            const auto k = key_of(i);
            out << fmt::format("s {:016x}{:016x} {}\n", k[0], k[1], 1000 + i);
        }
    }
    auto reopened = Ledger::open(guard(dir, 2000000));
    REQUIRE(reopened);
    std::ifstream in(path);
    std::size_t lines = 0;
    for (std::string l; std::getline(in, l);) ++lines;
    CHECK(lines == batch::detail::kLedgerKeep + 1);
    CHECK(!(*(*reopened)->lookup(key_of(0))));  // the oldest are gone
    const auto newest = (*(*reopened)->lookup(key_of(batch::detail::kLedgerMaxEntries)));
    REQUIRE(newest);
    CHECK(newest->at == static_cast<long long>(1000 + batch::detail::kLedgerMaxEntries));
    // The first user, opened before, notices the new file and reads it whole.
    CHECK(!(*(*first)->lookup(key_of(0))));
    CHECK(*(*first)->lookup(key_of(batch::detail::kLedgerMaxEntries - 1)));
}
