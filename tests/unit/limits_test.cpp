// The bounds on input from outside: JSON nesting depth, bounded reads, and input files that are opened
// without hanging (ccai/limits.hpp).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "ccai/limits.hpp"
#include "support/process.hpp"

using namespace ccai;

namespace {
std::string nested(std::size_t depth, std::string_view inner = "") {
    return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}
}  // namespace

TEST_CASE("JSON depth: 512 levels are taken, the 513th is found where it opens") {
    CHECK_FALSE(json_depth_exceeded_at(nested(512)));
    CHECK(json_depth_exceeded_at(nested(513)) == 512);
    CHECK(json_depth_exceeded_at(std::string(100000, '[')) == 512);
    // Objects count like arrays, and closing brackets give levels back.
    std::string wide;
    for (int i = 0; i < 1000; ++i) wide += "{\"a\":[1]},";
    CHECK_FALSE(json_depth_exceeded_at("[" + wide + "0]"));
    CHECK(json_depth_exceeded_at(std::string(300, '{') + std::string(300, '[')) == 512);
    CHECK(json_depth_exceeded_at("[[[", 2) == 2);
    CHECK_FALSE(json_depth_exceeded_at("[[]]", 2));
}

TEST_CASE("JSON depth: brackets inside strings are text, escaped quotes do not end a string") {
    const std::string in_string = "[\"" + std::string(1000, '[') + "\"]";
    CHECK_FALSE(json_depth_exceeded_at(in_string));
    CHECK_FALSE(json_depth_exceeded_at("[\"\\\"" + std::string(1000, '{') + "\"]"));
    // An escaped backslash does end the string: what follows is counted again.
    CHECK(json_depth_exceeded_at("[\"\\\\\"" + std::string(600, '[')));
    CHECK(json_depth_exceeded_at(std::string(600, ']') + std::string(513, '[')));  // no negative depth
}

TEST_CASE("parse_json_bounded: JSON within the limit parses, deeper or broken text is discarded") {
    CHECK(parse_json_bounded(nested(512, "1")).is_array());
    CHECK(parse_json_bounded(nested(513, "1")).is_discarded());
    CHECK(parse_json_bounded(std::string(100000, '[')).is_discarded());
    CHECK(parse_json_bounded("{\"a\": tru}").is_discarded());
    CHECK(parse_json_bounded("1e999").is_discarded());  // no exception: out of range is invalid too
    CHECK(parse_json_bounded(R"({"a":[1,2]})")["a"][1] == 2);
    CHECK(json_too_deep_text() == "JSON nested deeper than 512 levels");
}

TEST_CASE("read_bounded: reads a source to its end, and stops at the limit whatever its length") {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], "0123456789", 10) == 10);
    ::close(p[1]);
    auto all = read_bounded(p[0], 10, "in");
    ::close(p[0]);
    REQUIRE(all);
    CHECK(*all == "0123456789");

    // /dev/zero never ends: the read stops one chunk past the limit.
    const int zero = ::open("/dev/zero", O_RDONLY);
    REQUIRE(zero >= 0);
    auto endless = read_bounded(zero, std::size_t{1} << 20, "--body @-");
    ::close(zero);
    REQUIRE_FALSE(endless);
    CHECK(endless.error().kind == ErrorKind::invalid_input);
    CHECK(endless.error().message == "--body @-: larger than 1 MiB, the most it may hold");

    // A regular file too large is refused from its size, before a byte is read.
    const auto dir = test::temp_dir();
    std::ofstream(dir + "/big") << std::string(101, 'x');
    const int big = ::open((dir + "/big").c_str(), O_RDONLY);
    auto refused = read_bounded(big, 100, "big");
    ::close(big);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "big: larger than 100 bytes, the most it may hold");
}

TEST_CASE("open_input_file: files and pipes are taken; directories and devices are refused; no FIFO hangs it") {
    const auto dir = test::temp_dir();
    std::ofstream(dir + "/body.json") << "{}";
    auto file = open_input_file(dir + "/body.json", "--body @f");
    REQUIRE(file);
    CHECK(read_bounded(*file, 100, "f").value() == "{}");
    ::close(*file);

    auto directory = open_input_file(dir, "--body @d");
    REQUIRE_FALSE(directory);
    CHECK(directory.error().kind == ErrorKind::invalid_input);
    CHECK(directory.error().message == "--body @d: is a directory, not a file");

    auto device = open_input_file("/dev/zero", "--input /dev/zero");
    REQUIRE_FALSE(device);
    CHECK(device.error().message == "--input /dev/zero: is a device, not a file or a pipe");

    auto missing = open_input_file(dir + "/missing", "m");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "m: cannot be read (No such file or directory)");

    // A FIFO nobody writes to: the open returns at once and the read finds the end of input. (Without
    // O_NONBLOCK this test would hang here, in open().)
    const auto fifo = dir + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto no_writer = open_input_file(fifo, "fifo");
    REQUIRE(no_writer);
    CHECK(read_bounded(*no_writer, 100, "fifo").value().empty());
    ::close(*no_writer);

    // A pipe with a writer (as `<(command)` gives) is read in blocking mode to its end.
    int p[2];
    REQUIRE(::pipe(p) == 0);
    auto piped = open_input_file("/dev/fd/" + std::to_string(p[0]), "pipe");
    REQUIRE(piped);
    REQUIRE(::write(p[1], "[1]", 3) == 3);
    ::close(p[1]);
    ::close(p[0]);
    CHECK(read_bounded(*piped, 100, "pipe").value() == "[1]");
    ::close(*piped);
}
