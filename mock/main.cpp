// ccai-mock: a local stand-in for the Kore.ai CCAI API (see mock/README.md).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "options.hpp"
#include "server.hpp"

int main(int argc, char** argv) {
    int exit_code = 0;
    auto options = ccai::mock::parse_options(argc, argv, exit_code);
    if (!options) return exit_code;

    std::signal(SIGPIPE, SIG_IGN);
    // Block SIGTERM/SIGINT in every thread; one thread waits for them and stops the server.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    ccai::mock::MockServer server(*options);
    const int port = server.bind();
    if (port <= 0) {
        std::cerr << "ccai-mock: cannot bind " << options->host << ":" << options->port << "\n";
        return 1;
    }
    std::cerr << "ccai-mock: client id '" << options->client_id << "', client secret '" << options->client_secret
              << "'; rate limit ";
    if (options->windows.empty()) std::cerr << "none";
    for (size_t i = 0; i < options->windows.size(); ++i)
        std::cerr << (i ? "," : "") << options->windows[i].limit << "/"
                  << std::chrono::duration_cast<std::chrono::milliseconds>(options->windows[i].window).count() << "ms";
    std::cerr << "; seed " << options->seed << "\n";
    std::printf("listening on http://%s:%d\n", options->host.c_str(), port);
    std::fflush(stdout);

    std::atomic<bool> done{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        // A signal can come before the server loop runs (stop() is then a no-op): insist until it ends.
        while (!done) {
            server.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    const bool ok = server.run();
    done = true;
    // If the loop ended on its own, the waiter still waits for a signal: give it one (it is blocked, so
    // it is only ever consumed by sigwait).
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return ok ? 0 : 1;
}
