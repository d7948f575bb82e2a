// cpp-httplib in front of the SDK's pipeline: every forwarded request goes through a Client, so pacing,
// auth, retries and redaction are those of every ccai-cli call.
#include "proxy/proxy_server.hpp"

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <thread>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <httplib.h>

#include "ccai/redact.hpp"
#include "output/text_writer.hpp"
#include "output/utf8_text.hpp"
#include "proxy/body_pipe.hpp"
#include "proxy/proxy_token.hpp"

namespace ccai::cli::proxy {

namespace {

bool loopback_peer(const std::string& addr) {
    return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

std::string numeric_host(const sockaddr_storage& a, socklen_t len, int& port) {
    char host[NI_MAXHOST] = {};
    char serv[NI_MAXSERV] = {};
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&a), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return {};
    port = std::atoi(serv);
    return host;
}

// True when the client of `req` has closed its connection. cpp-httplib 0.11 hands a handler no socket, so
// the connection is found among this process's descriptors by its two ends (the client's address and port,
// the proxy's port), the way httplib itself recorded them. False when it cannot be found.
bool client_gone(const httplib::Request& req) {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return false;
    bool gone = false;
    while (const dirent* e = ::readdir(dir)) {
        const int fd = std::atoi(e->d_name);
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == ::dirfd(dir)) continue;
        sockaddr_storage peer{}, local{};
        socklen_t peer_len = sizeof peer, local_len = sizeof local;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0)
            continue;
        int peer_port = -1, local_port = -1;
        if (numeric_host(peer, peer_len, peer_port) != req.remote_addr || peer_port != req.remote_port) continue;
        numeric_host(local, local_len, local_port);
        if (local_port != req.local_port) continue;
        // The client's FIN (or a reset): nobody is left to read the answer.
        pollfd p{fd, POLLRDHUP, 0};
        gone = ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
        break;
    }
    ::closedir(dir);
    return gone;
}

void write_answer(const Answer& a, httplib::Response& res) {
    res.status = a.status;
    for (const auto& [name, value] : a.headers) res.set_header(name.c_str(), value);
    res.set_content(a.body, a.content_type.empty() ? "application/octet-stream" : a.content_type.c_str());
}

// Counts the requests being forwarded; the slot is given back however the handler ends.
class Admission {
public:
    Admission(std::atomic<int>& pending, int limit) : pending_(pending), admitted_(++pending_ <= limit) {}
    ~Admission() { --pending_; }
    [[nodiscard]] bool admitted() const { return admitted_; }

private:
    std::atomic<int>& pending_;
    bool admitted_;
};

class Handler {
public:
    Handler(const ServerOptions& o, const Upstream& up, Client& paced, Client& unpaced, Interruption& stop, std::FILE* err)
        : o_(o), up_(up), paced_(paced), unpaced_(unpaced), stop_(stop), err_(err) {}

    void operator()(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
        const auto started = std::chrono::steady_clock::now();
        CallStats stats;
        bool streamed = false, paced = false, scrape = false;
        const Answer a = answer(req, reader, stats, streamed, paced, scrape);
        write_answer(a, res);
        if (o_.metrics && !scrape) count(req, a, stats, paced);
        if (o_.verbose) {
            const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            const std::string path = req.target.substr(0, req.target.find('?'));  // a query may hold anything
            std::fprintf(err_, "%s\n", redact(fmt::format("proxy: {} {} -> {} ({:.0f} ms, paced {:.1f} s, {} attempt{}{}{})",
                                                          req.method, path, a.status, ms,
                                                          std::chrono::duration<double>(stats.pacer_wait).count(),
                                                          stats.attempts, stats.attempts == 1 ? "" : "s",
                                                          streamed ? ", streamed body" : "",
                                                          stats.cache == CacheOutcome::hit ? ", from the cache" : "")).c_str());
        }
    }

private:
    // Scrapes of /metrics are not counted: a monitor polling every few seconds would outnumber the traffic.
    void count(const httplib::Request& req, const Answer& a, const CallStats& stats, bool paced) {
        o_.metrics->count_request(operation_of(req.method, req.target), a.status);
        if (stats.cache != CacheOutcome::not_cacheable) o_.metrics->count_cache(stats.cache == CacheOutcome::hit);
        if (stats.attempts == 0) return;  // refused before the pipeline: nothing was paced or sent
        if (paced) o_.metrics->observe_pacer_wait(stats.pacer_wait);
        o_.metrics->count_attempts(stats.attempts, stats.rejections);
    }

    // The proxy's own answer at /metrics: only to GET (HEAD is httplib's GET without the body), never
    // forwarded; past the token check like any request, and before the admission bound, so a monitor still
    // sees a proxy whose workers all wait.
    Answer metrics_answer(const httplib::Request& req) const {
        if (req.method != "GET" && req.method != "HEAD") {
            auto a = error_answer(405, fmt::format("proxy: {} takes only GET", kMetricsPath));
            a.headers.emplace_back("Allow", "GET");
            return a;
        }
        Answer a;
        a.content_type = "text/plain; version=0.0.4";
        a.body = o_.metrics->exposition();
        return a;
    }

    Answer answer(const httplib::Request& req, const httplib::ContentReader* reader, CallStats& stats, bool& streamed,
                  bool& paced, bool& scrape) {
        if (!o_.token.empty() && !bearer_matches(req.get_header_value("Authorization"), o_.token)) {
            auto a = error_answer(401, "proxy: send the proxy's token as Authorization: Bearer TOKEN");
            a.headers.emplace_back("WWW-Authenticate", "Bearer");
            return a;
        }
        if (o_.metrics && req.path == kMetricsPath) {
            scrape = true;
            return metrics_answer(req);
        }
        if (stop_.requested) return busy("proxy: stopping");
        // Each request waiting for the pacer holds a worker thread: past the bound, answer at once, so
        // the workers left can still say so.
        const Admission admission(pending_, o_.max_pending);
        if (!admission.admitted())
            return busy_answer(fmt::format("proxy: {} requests are already waiting; try again", o_.max_pending),
                               paced_.pacer().time_until_free());
        Incoming in{req.method, req.target, {}, loopback_peer(req.remote_addr)};
        for (const auto& [name, value] : req.headers) in.headers.emplace_back(name, value);
        auto translated = to_forward(in, up_);
        if (auto* refusal = std::get_if<Answer>(&translated)) return *refusal;
        auto& f = std::get<Forward>(translated);
        stats.priority = f.priority;
        // A client that hung up while its request waited for the pacer believes it failed: it is not sent.
        stats.before_first_send = [&req]() -> Result<Unit> {
            if (!client_gone(req)) return Unit{};
            ApiError e;
            e.kind = ErrorKind::interrupted;
            e.message = "the client closed the connection while the request waited; it was not sent";
            return e;
        };
        Client& client = f.paced ? unpaced_ : paced_;
        paced = !f.paced;
        if (!reader) return to_answer(client.send(std::move(f.request), &stats));
        return with_body(req, *reader, client, std::move(f.request), stats, streamed);
    }

    static Answer busy(std::string_view message) { return busy_answer(message, Duration(0)); }

    // Up to kMaxBufferedBody the body is held whole (a rejected call is sent again); past it, the request
    // goes out while the rest of the body still arrives, through a bounded pipe.
    Answer with_body(const httplib::Request& req, const httplib::ContentReader& reader, Client& client,
                     HttpRequest request, CallStats& stats, bool& streamed) {
        // httplib parses a body that says it is multipart itself, and hands such a body to a plain reader
        // not at all; the proxy passes the bytes on as they came (their Content-Type is in `request`), so it
        // hides the type from httplib's reader. The request is httplib's own object, not a const one.
        auto& own = const_cast<httplib::Request&>(req);
        for (auto it = own.headers.find("Content-Type"); it != own.headers.end(); it = own.headers.find("Content-Type"))
            own.headers.erase(it);
        std::string body;
        BodyPipe pipe(kStreamBuffer);
        std::thread sender;
        std::optional<Result<HttpResponse>> outcome;
        const bool read = reader([&](const char* data, size_t size) {
            if (!sender.joinable()) {
                if (body.size() + size <= kMaxBufferedBody) {
                    body.append(data, size);
                    return true;
                }
                auto prefix = std::make_shared<std::string>(std::move(body));
                auto offset = std::make_shared<std::size_t>(0);
                request.body_source = [prefix, offset, &pipe](char* out, std::size_t n) -> std::size_t {
                    if (*offset < prefix->size()) {
                        const auto k = std::min(n, prefix->size() - *offset);
                        std::memcpy(out, prefix->data() + *offset, k);
                        *offset += k;
                        return k;
                    }
                    return pipe.pull(out, n);
                };
                request.body_source_size = content_length(req);
                streamed = true;
                sender = std::thread([&] {
                    outcome = client.send(std::move(request), &stats);
                    pipe.close_reader();
                });
            }
            return pipe.push(data, size);
        });
        if (sender.joinable()) {
            read ? pipe.finish() : pipe.abandon();
            sender.join();
            return to_answer(*outcome);
        }
        if (!read) return error_answer(400, "proxy: the request body could not be read whole");
        request.body = std::move(body);
        return to_answer(client.send(std::move(request), &stats));
    }

    static long long content_length(const httplib::Request& req) {
        const auto text = req.get_header_value("Content-Length");
        long long n = -1;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        return text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n < 0 ? -1 : n;
    }

    const ServerOptions& o_;
    const Upstream& up_;
    Client& paced_;
    Client& unpaced_;
    Interruption& stop_;
    std::FILE* err_;
    std::atomic<int> pending_{0};
};

}  // namespace

Result<Unit> serve(const ServerOptions& o, const Upstream& up, Client& paced, Client& unpaced, Interruption& stop,
                   std::FILE* out, std::FILE* err) {
    std::unique_ptr<httplib::Server> server;
    if (!o.tls_cert.empty()) {
        auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
        if (!tls->is_valid())
            return config_error(fmt::format("--tls-cert {} / --tls-key {}: cannot be loaded as a PEM certificate and its key",
                                            o.tls_cert, o.tls_key));
        server = std::move(tls);
    } else {
        server = std::make_unique<httplib::Server>();
    }
    // Enough workers for every admitted request plus a few to answer 503 and 401 when they are all busy.
    const auto workers = static_cast<size_t>(o.max_pending) + 4;
    server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server->set_payload_max_length(kMaxUploadBody);
    server->set_keep_alive_timeout(2);  // an idle keep-alive connection holds a worker
    // Small answers on a kept-alive connection would otherwise wait for the client's delayed ACK (40 ms).
    server->set_tcp_nodelay(true);
    auto handler = std::make_shared<Handler>(o, up, paced, unpaced, stop, err);
    const auto plain = [handler](const httplib::Request& req, httplib::Response& res) { (*handler)(req, res, nullptr); };
    const auto with_body = [handler](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) { (*handler)(req, res, &reader); };
    server->Get(".*", plain);
    server->Post(".*", with_body);
    server->Put(".*", with_body);
    server->Patch(".*", with_body);
    server->Delete(".*", with_body);
    server->Options(".*", plain);
    // httplib's own refusals (413, 400 for a malformed request, ...) in the service's error shape; every
    // answer of the handler, the service's included, already has its Content-Type.
    // A fault of ours while answering is a 500 in the same shape, said on stderr; without this handler
    // httplib would send the exception's text to the client in a header.
    server->set_exception_handler([err](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        std::fprintf(err, "%s\n", redact("proxy: internal error: " + escape_text(valid_utf8(what))).c_str());
        res.headers.clear();
        write_answer(error_answer(500, "proxy: internal error"), res);
    });
    server->set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.has_header("Content-Type"))
            write_answer(error_answer(res.status, fmt::format("proxy: HTTP {}", res.status)), res);
    });

    int port = o.listen.port;
    if (port == 0) {
        port = server->bind_to_any_port(o.listen.host);
    } else if (!server->bind_to_port(o.listen.host, port)) {
        port = -1;
    }
    if (port < 0) {
        ApiError e;
        e.message = fmt::format("proxy: cannot listen on {}:{} (in use, or not an address of this host)",
                                o.listen.url_host(), o.listen.port);
        return e;
    }
    const auto url = fmt::format("{}://{}:{}", o.tls_cert.empty() ? "http" : "https", o.listen.url_host(), port);
    if (o.on_listening) o.on_listening(url);
    std::fprintf(out, "listening on %s\n", url.c_str());
    std::fflush(out);

    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done) {
            if (stop.requested && server->is_running()) {
                server->stop();  // new connections refused; waits end through `stop` (the clients' interruption)
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    server->listen_after_bind();  // returns once the workers have finished their requests
    done = true;
    watcher.join();
    return Unit{};
}

}  // namespace ccai::cli::proxy
