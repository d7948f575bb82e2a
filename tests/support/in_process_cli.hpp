#pragma once
// The CLI's commands run in-process (run_cli) over a FakeTransport and a FakeClock: what a user types, what
// goes on the wire, what lands on stdout and stderr, and the exit code. No process, no socket, no sleep.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "support/fakes.hpp"

namespace ccai::test {

using nlohmann::json;

// A memory stream for the console: everything written to it, as one string.
class Capture {
public:
    Capture() : file_(::open_memstream(&data_, &size_)) { REQUIRE(file_); }
    ~Capture() {
        if (file_) std::fclose(file_);
        std::free(data_);
    }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;
    std::FILE* file() { return file_; }
    std::string text() {
        std::fflush(file_);
        return {data_, size_};
    }

private:
    char* data_ = nullptr;
    size_t size_ = 0;
    std::FILE* file_;
};

struct Run {
    int code;
    std::string out, err;
    json out_json() const { return json::parse(out); }
    json error() const { return json::parse(err).at("error"); }
};

// One profile's worth of settings from a fake environment, a config directory of its own, and every client
// made over the fakes. Without a stub, a request fails the test (FakeTransport).
struct Cli {
    std::shared_ptr<test::FakeTransport> transport = std::make_shared<test::FakeTransport>();
    std::shared_ptr<test::FakeClock> clock = std::make_shared<test::FakeClock>();
    std::map<std::string, std::string> env = {{"CCAI_HOST", "https://cc.example"}, {"CCAI_BOT_ID", "st-1"},
                                              {"CCAI_ACCOUNT_ID", "acc-1"},        {"CCAI_ORG_ID", "o-1"},
                                              {"CCAI_CLIENT_ID", "cs-1"},          {"CCAI_CLIENT_SECRET", "s3cret-value"},
                                              {"CCAI_PACER", "memory"}};
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ccai-cli-test-" + std::to_string(::getpid()));
    bool err_tty = false;  ///< stderr is a terminal in the foreground: notices are shown
    bool out_tty = false;  ///< stdout is a terminal: pretty JSON
    std::size_t out_columns = 0;  ///< the terminal's width on stdout (-o table); 0: not a terminal

    Cli() {
        std::filesystem::create_directories(dir / "config");
        // The memory pacer's state lives as long as the process: each test paces an account of its own.
        static int n = 0;
        env["CCAI_PACER_SCOPE"] = "cli-test-" + std::to_string(++n);
        // State files (batch's record of sent lines) go to the test's own directory, never the user's.
        env["XDG_STATE_HOME"] = (dir / "state").string();
    }
    ~Cli() { std::filesystem::remove_all(dir); }

    Run operator()(std::vector<std::string> words) {
        Capture out, err;
        cli::Context c;
        c.console = cli::Console{out.file(), err.file(), out_tty, err_tty};
        c.console.out_columns = out_columns;
        c.sources.getenv = [this](const char* name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional(it->second);
        };
        c.sources.config_dir = (dir / "config").string();
        c.client_setup = [this](ClientOptions& o) {
            o.transport = transport;
            o.clock = clock;
        };
        words.insert(words.begin(), "ccai-cli");
        std::vector<const char*> argv;
        for (const auto& w : words) argv.push_back(w.c_str());
        const int code = cli::run_cli(c, static_cast<int>(argv.size()), argv.data());
        return Run{code, out.text(), err.text()};
    }
    const HttpRequest& request(size_t i) const { return transport->requests.at(i); }
    static std::string header(const HttpRequest& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name) return v;
        return "";
    }
};


}  // namespace ccai::test
