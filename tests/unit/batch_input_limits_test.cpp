// Batch input limits: a line over 1 MiB, a NUL byte or JSON nested too deep makes that line invalid and
// the others go on; pipes are read once and replayed; devices are refused.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <sstream>
#include <thread>

#include "ccai/batch.hpp"
#include "ccai/limits.hpp"

using namespace ccai;

namespace {

batch::Input jsonl(const std::string& text) {
    std::istringstream in(text);
    auto input = batch::read_jsonl(in);
    REQUIRE(input);
    return std::move(*input);
}

// FNV-1a 64 over the bytes, as a journal made before the limits fingerprinted an input whose every line
// ends with a newline.
std::uint64_t fnv(std::string_view bytes) {
    std::uint64_t v = 14695981039346656037ULL;
    for (unsigned char c : bytes) v = (v ^ c) * 1099511628211ULL;
    return v;
}

const std::string kOk = R"({"op":"agents.list"})";

}  // namespace

TEST_CASE("batch limits: a JSONL line over 1 MiB is invalid, the line of exactly 1 MiB is read, the rest go on") {
    std::string exact = R"({"op":"agents.list","id":")";
    exact += std::string(kMaxBatchLineBytes - exact.size() - 2, 'x') + "\"}";
    REQUIRE(exact.size() == kMaxBatchLineBytes);
    const std::string over(kMaxBatchLineBytes + 1, ' ');  // blank but too long: not skipped as blank
    const std::string huge = "[" + std::string(3 * kMaxBatchLineBytes, '1');
    const std::string text = exact + "\n" + over + "\n" + huge + "\n" + kOk + "\n";
    auto input = jsonl(text);
    REQUIRE(input.items.size() == 4);
    CHECK_FALSE(input.items[0].problem);
    CHECK(input.items[0].id.size() == kMaxBatchLineBytes - 28);
    for (int i : {1, 2}) {
        CAPTURE(i);
        REQUIRE(input.items[i].problem);
        CHECK(input.items[i].problem->kind == ErrorKind::invalid_input);
        CHECK(input.items[i].problem->message == "longer than 1048576 bytes, the most a batch line may hold");
    }
    CHECK(input.items[3].line == 4);
    CHECK_FALSE(input.items[3].problem);
    // Every byte still counts in the fingerprint, as before the limit: journals of earlier runs still match.
    CHECK(input.fingerprint == fnv(text));
    CHECK(jsonl(kOk + "\n" + kOk).fingerprint == fnv(kOk + "\n" + kOk + "\n"));
}

TEST_CASE("batch limits: a JSONL line holding a NUL byte is invalid") {
    auto input = jsonl(kOk + "\n" + std::string("{\"op\":\"agents.list\"}\0", 21) + "\n" + std::string(1, '\0') + "\n" + kOk + "\n");
    REQUIRE(input.items.size() == 4);
    CHECK_FALSE(input.items[0].problem);
    for (int i : {1, 2}) {
        REQUIRE(input.items[i].problem);
        CHECK(input.items[i].problem->message == "the line holds a NUL byte");
    }
    CHECK(input.items[3].line == 4);
    CHECK_FALSE(input.items[3].problem);
}

TEST_CASE("batch limits: a JSONL line nested deeper than 512 levels is invalid; 512 levels are read") {
    const std::string deepest = R"({"op":"agents.list","body":)" + std::string(511, '[') + std::string(511, ']') + "}";
    const std::string deeper = R"({"op":"agents.list","body":)" + std::string(512, '[') + std::string(512, ']') + "}";
    auto input = jsonl(deepest + "\n" + deeper + "\n" + std::string(100000, '[') + "\n");
    REQUIRE(input.items.size() == 3);
    CHECK_FALSE(input.items[0].problem);
    CHECK(input.items[0].args.body->is_array());
    for (int i : {1, 2}) {
        REQUIRE(input.items[i].problem);
        CHECK(input.items[i].problem->message == "JSON nested deeper than 512 levels");
    }
}

TEST_CASE("batch limits: a CSV record over 1 MiB or holding a NUL is invalid, the records after it go on") {
    batch::CsvOptions o{"agents.create", {}, ""};
    const std::string header = "firstName,lastName,emailId,roleId\n";
    // A quoted cell spanning lines: the whole record counts, and the record still ends where it should.
    const std::string long_cell = "\"" + std::string(kMaxBatchLineBytes / 2, 'a') + "\n\"\"" + std::string(kMaxBatchLineBytes / 2, 'b') + "\"";
    const std::string text = header + "A,B,a@x,r\n" + long_cell + ",B,b@x,r\n" + std::string("C,\0,c@x,r\n", 10) + "D,E,d@x,r\n";
    std::istringstream in(text);
    auto input = batch::read_csv(in, o);
    REQUIRE(input);
    REQUIRE(input->items.size() == 4);
    CHECK(input->items[0].line == 2);
    CHECK(input->items[1].line == 3);
    REQUIRE(input->items[1].problem);
    CHECK(input->items[1].problem->message == "longer than 1048576 bytes, the most a batch line may hold");
    CHECK(input->items[2].line == 5);
    REQUIRE(input->items[2].problem);
    CHECK(input->items[2].problem->message == "the line holds a NUL byte");
    CHECK(input->items[3].line == 6);
    CHECK_FALSE(input->items[3].problem);
    CHECK((*input->items[3].args.body)["firstName"] == "D");
    CHECK(input->fingerprint == fnv(text));

    std::istringstream long_header(std::string(kMaxBatchLineBytes + 1, 'h') + "\nA\n");
    auto refused = batch::read_csv(long_header, o);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "the CSV header row: longer than 1048576 bytes, the most a batch line may hold");
}

TEST_CASE("batch limits: a CSV cell typed as JSON is refused when nested deeper than 512 levels") {
    std::istringstream in("firstName,lastName,emailId,roleId,queues\nA,B,a@x,r," + std::string(600, '[') + "\n");
    auto input = batch::read_csv(in, {"agents.create", {}, ""});
    REQUIRE(input);
    REQUIRE(input->items.size() == 1);
    REQUIRE(input->items[0].problem);
    CHECK(input->items[0].problem->message.find("JSON nested deeper than 512 levels") != std::string::npos);
}

TEST_CASE("batch limits: a pipe is read once and every pass sees the same lines") {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    const std::string text = kOk + "\n" + R"({"op":"queues.list","id":"q"})" + "\n";
    REQUIRE(::write(p[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(p[1]);
    const auto source = batch::Source::jsonl_file("/dev/fd/" + std::to_string(p[0]));
    std::vector<std::string> seen;
    for (int pass = 0; pass < 3; ++pass) {
        auto scan = source.each([&](batch::Item& item) {
            seen.push_back(item.op);
            return true;
        });
        REQUIRE(scan);
        CHECK(scan->lines == 2);
        CHECK(scan->fingerprint == fnv(text));
    }
    ::close(p[0]);
    CHECK(seen == std::vector<std::string>{"agents.list", "queues.list", "agents.list", "queues.list", "agents.list", "queues.list"});
}

TEST_CASE("batch limits: a device or a directory as input is refused before any line is read") {
    for (const std::string path : {"/dev/zero", "/dev/urandom"}) {
        auto scan = batch::Source::jsonl_file(path).each([](batch::Item&) { return true; });
        REQUIRE_FALSE(scan);
        CHECK(scan.error().kind == ErrorKind::invalid_input);
        CHECK(scan.error().message == path + ": is a device, not a file or a pipe");
    }
    auto dir = batch::Source::csv_file("/tmp", {"agents.create", {}, ""}).each([](batch::Item&) { return true; });
    REQUIRE_FALSE(dir);
    CHECK(dir.error().message == "/tmp: is a directory, not a file");
}
