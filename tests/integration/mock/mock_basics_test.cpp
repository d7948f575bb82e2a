// ccai-mock: start-up line, routing (404/405/const query), auth (401), request checks (400), clean stop.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <set>

#include "support/mock_process.hpp"
#include "support/process.hpp"

using namespace ccai::mock::testing;

namespace {
const std::string kSkillGroups = std::string("/agentassist/api/v1/public/") + kBot + "/skill-groups";

json errors_of(const httplib::Result& r) {
    REQUIRE(r);
    auto j = json::parse(r->body);
    REQUIRE(j.contains("errors"));
    REQUIRE(j["errors"].is_array());
    REQUIRE(j["errors"].size() == 1);
    return j["errors"][0];
}
}  // namespace

TEST_CASE("mock: first stdout line names the port it listens on and the port answers") {
    MockProcess mock;
    CHECK(mock.port() > 0);
    auto http = mock.http();
    auto r = http->Get(kSkillGroups.c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("mock: missing forged or foreign JWTs are rejected with 401") {
    MockProcess mock;
    auto http = mock.http();
    SUBCASE("no auth header") {
        auto r = http->Get(kSkillGroups.c_str());
        REQUIRE(r);
        CHECK(r->status == 401);
        CHECK(errors_of(r)["code"] == 401);
    }
    SUBCASE("signed with another secret") {
        auto r = http->Get(kSkillGroups.c_str(), {{"auth", token("cs-mock", "wrong-secret")}});
        REQUIRE(r);
        CHECK(r->status == 401);
    }
    SUBCASE("another app id") {
        auto r = http->Get(kSkillGroups.c_str(), {{"auth", token("cs-other", "mock-secret")}});
        REQUIRE(r);
        CHECK(r->status == 401);
    }
    SUBCASE("expired") {
        auto r = http->Get(kSkillGroups.c_str(), {{"auth", token("cs-mock", "mock-secret", -600)}});
        REQUIRE(r);
        CHECK(r->status == 401);
    }
    SUBCASE("garbage") {
        auto r = http->Get(kSkillGroups.c_str(), {{"auth", "not-a-jwt"}});
        REQUIRE(r);
        CHECK(r->status == 401);
    }
    // Unauthenticated calls never changed anything: the list is still empty.
    auto ok = http->Get(kSkillGroups.c_str(), MockProcess::auth());
    REQUIRE(ok);
    CHECK(json::parse(ok->body)["totalResults"] == 0);
}

TEST_CASE("mock: custom credentials are the only ones accepted") {
    MockProcess mock({"--client-id", "cs-custom", "--client-secret", "s3cret"});
    auto http = mock.http();
    auto bad = http->Get(kSkillGroups.c_str(), MockProcess::auth());
    REQUIRE(bad);
    CHECK(bad->status == 401);
    auto good = http->Get(kSkillGroups.c_str(), {{"auth", token("cs-custom", "s3cret")}});
    REQUIRE(good);
    CHECK(good->status == 200);
}

TEST_CASE("mock: unknown paths are 404 known paths with another method 405") {
    MockProcess mock;
    auto http = mock.http();
    auto nf = http->Get("/agentassist/api/v1/public/st-1/no-such-thing", MockProcess::auth());
    REQUIRE(nf);
    CHECK(nf->status == 404);
    CHECK(errors_of(nf)["code"] == 404);
    auto na = http->Patch(kSkillGroups.c_str(), MockProcess::auth(), "{}", "application/json");
    REQUIRE(na);
    CHECK(na->status == 405);
    CHECK(na->get_header_value("Allow").find("GET") != std::string::npos);
    CHECK(na->get_header_value("Allow").find("POST") != std::string::npos);
    auto del = http->Delete(kSkillGroups.c_str(), MockProcess::auth());
    REQUIRE(del);
    CHECK(del->status == 405);
}

TEST_CASE("mock: every catalog operation is routed to itself") {
    MockProcess mock({"--rate-limit", "none"});
    auto http = mock.http();
    int checked = 0;
    for (const auto& e : ccai::endpoints()) {
        std::string path(e.path());
        for (const auto& p : e.path_params()) {
            const auto ph = "{" + std::string(p.name()) + "}";
            path.replace(path.find(ph), ph.size(), "x" + std::string(p.name()));
        }
        std::string q;
        for (const auto& c : e.const_query()) q += (q.empty() ? "?" : "&") + std::string(c.name()) + "=" + std::string(c.value());
        httplib::Request req;
        req.method = std::string(e.method());
        req.path = path + q;
        req.headers = MockProcess::auth();
        req.body = e.body_is_array() ? "[]" : "{}";
        req.set_header("Content-Type", "application/json");
        auto r = http->send(req);
        REQUIRE(r);
        INFO(e.id(), " ", req.method, " ", req.path, " -> ", r->status, " ", r->body);
        CHECK(r->body.find("no such resource") == std::string::npos);
        CHECK(r->status != 405);
        CHECK(r->status != 401);
        ++checked;
    }
    CHECK(checked == static_cast<int>(ccai::endpoints().size()));
    // The log names the operation each request was routed to: every id appears (create variants pick by body).
    std::set<std::string> ops;
    for (const auto& line : mock.log()) ops.insert(line["op"].get<std::string>());
    // Every operation but the ones only the body tells apart (create variants, the sms and voice lists on
    // campaigns.list's path, the schedule variants): each of those shares its method and path with one logged.
    std::size_t shared = 0;
    for (const auto& e : ccai::endpoints()) {
        if (ops.count(std::string(e.id()))) continue;
        CAPTURE(e.id());
        const bool twin = std::any_of(ccai::endpoints().begin(), ccai::endpoints().end(), [&](const ccai::EndpointSpec& o) {
            return ops.count(std::string(o.id())) && o.method() == e.method() && o.path() == e.path();
        });
        CHECK(twin);
        ++shared;
    }
    CHECK(shared < 16);  // the create and list variants only
    CHECK(ops.count("") == 0);
}

TEST_CASE("mock: missing required body fields and query values are 400 in the service's error shape") {
    MockProcess mock;
    auto http = mock.http();
    auto r = http->Post(kSkillGroups.c_str(), MockProcess::auth(), R"({"description":"no name"})", "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    auto e = errors_of(r);
    CHECK(e["code"] == 400);
    CHECK(e["msg"].get<std::string>().find("name") != std::string::npos);

    const auto rec = std::string("/api/public/bot/") + kBot + "/v2/recordings";
    auto q = http->Get(rec.c_str(), MockProcess::auth());
    REQUIRE(q);
    CHECK(q->status == 400);
    CHECK(errors_of(q)["msg"].get<std::string>().find("sessionId") != std::string::npos);
    auto q2 = http->Get((rec + "?sessionId=s-1").c_str(), MockProcess::auth());
    REQUIRE(q2);
    CHECK(q2->status == 200);

    // Nested required fields are checked where their parent is present.
    const auto ag = std::string("/agentassist/api/v1/public/") + kBot + "/agent-groups";
    auto created = http->Post(ag.c_str(), MockProcess::auth(), R"({"name":"g","description":"d"})", "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 200);
    const auto id = json::parse(created->body)["id"].get<std::string>();
    auto upd = http->Put((ag + "/" + id).c_str(), MockProcess::auth(),
                         R"({"name":"g","description":"d","managers":[{"userId":"u-1"}]})", "application/json");
    REQUIRE(upd);
    CHECK(upd->status == 400);
    CHECK(errors_of(upd)["msg"].get<std::string>().find("managers[].accessLevel") != std::string::npos);

    // Malformed JSON.
    auto bad = http->Post(kSkillGroups.c_str(), MockProcess::auth(), "{nope", "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
}

TEST_CASE("mock: operations sharing a path are told apart by their fixed query values") {
    MockProcess mock;
    auto http = mock.http();
    const auto camp = std::string("/agentassist/api/v1/public/") + kBot + "/campaign";
    auto none = http->Post(camp.c_str(), MockProcess::auth(), "{}", "application/json");
    REQUIRE(none);
    CHECK(none->status == 400);
    CHECK(errors_of(none)["msg"].get<std::string>().find("campaignType=sms") != std::string::npos);
    auto wrong = http->Post((camp + "?campaignType=fax").c_str(), MockProcess::auth(), "{}", "application/json");
    REQUIRE(wrong);
    CHECK(wrong->status == 400);
    // With campaignType=sms the request reaches the sms create operation (which then wants its fields).
    auto sms = http->Post((camp + "?campaignType=sms").c_str(), MockProcess::auth(), "{}", "application/json");
    REQUIRE(sms);
    CHECK(sms->status == 400);
    CHECK(errors_of(sms)["msg"].get<std::string>().rfind("sms-campaigns.create", 0) == 0);
    auto logs = mock.log();
    REQUIRE(logs.size() == 3);
    CHECK(logs[2]["op"] == "sms-campaigns.create-simple");
}

TEST_CASE("mock: the request log has method path without query query status account ms and no token") {
    MockProcess mock;
    auto http = mock.http();
    auto r = http->Get((kSkillGroups + "?page=2").c_str(), MockProcess::auth("acc-log"));
    REQUIRE(r);
    const auto logs = mock.log();
    REQUIRE(logs.size() == 1);
    const auto& l = logs[0];
    CHECK(l["method"] == "GET");
    CHECK(l["path"] == kSkillGroups);
    CHECK(l["query"] == "page=2");
    CHECK(l["status"] == 200);
    CHECK(l["account"] == "acc-log");
    CHECK(l["ms"].is_number_integer());
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(l["at"].get<double>() <= now);
    CHECK(l["at"].get<double>() > now - 60);
    CHECK(l.dump().find("eyJ") == std::string::npos);
}

TEST_CASE("mock: SIGTERM and SIGINT stop it cleanly") {
    for (int sig : {SIGTERM, SIGINT}) {
        int out[2];
        REQUIRE(pipe(out) == 0);
        const pid_t pid = fork();
        if (pid == 0) {
            dup2(out[1], 1);
            close(out[0]);
            close(out[1]);
            execl(ccai::test::mock_path(), ccai::test::mock_path(), "--port", "0", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(out[1]);
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
        close(out[0]);
        CHECK(line.rfind("listening on http://127.0.0.1:", 0) == 0);
        ::kill(pid, sig);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
}

TEST_CASE("mock: --help lists the options; a bad option or value exits 2 and names it") {
    const auto help = ccai::test::run({ccai::test::mock_path(), "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--rate-limit") != std::string::npos);
    CHECK(help.out.find("--drop-after-rate") != std::string::npos);
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"--bogus"}, "--bogus"},
        {{"--fail-rate", "2"}, "--fail-rate"},
        {{"--port", "-5"}, "--port"},
        {{"--seed", "x1"}, "--seed"},
        {{"--seed", "18446744073709551616"}, "--seed"},  // one past the largest unsigned 64-bit value
        {{"--rate-limit", "sixty"}, "--rate-limit"},
        {{"--latency", "9-3"}, "--latency"},
    };
    for (const auto& [args, named] : bad) {
        std::vector<std::string> argv{ccai::test::mock_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        CAPTURE(args.front());
        const auto r = ccai::test::run_for(std::chrono::seconds(10), argv);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());  // no "listening on" line: nothing started
        CHECK(r.err.find(named) != std::string::npos);
    }
}
