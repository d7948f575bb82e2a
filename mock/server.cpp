#include "server.hpp"

#include <sys/socket.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "guards/auth_check.hpp"
#include "router.hpp"
#include "guards/validate.hpp"
#include "ccai/limits.hpp"

namespace ccai::mock {

MockServer::MockServer(MockOptions options)
    : o_(std::move(options)), limiter_(o_.windows, o_.count_rejected), faults_(o_) {
    if (!o_.log_file.empty() && !log_.open(o_.log_file))
        std::cerr << "ccai-mock: cannot open log file " << o_.log_file << "\n";
    add_agent_handlers(handlers_);
    add_config_handlers(handlers_);
    add_contact_handlers(handlers_);
    add_campaign_handlers(handlers_);
    add_contact_admin_handlers(handlers_);
    add_case_handlers(handlers_);
    // Keep-alive connections pin a worker each: many workers, short idle keep-alive.
    const int threads = o_.threads;
    svr_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    svr_.set_keep_alive_timeout(2);
    svr_.set_tcp_nodelay(true);  // no Nagle + delayed-ACK stall (~40 ms) on kept-alive connections
    svr_.set_keep_alive_max_count(1000);
    svr_.set_read_timeout(10);
    svr_.set_write_timeout(10);
    svr_.set_payload_max_length(64 * 1024 * 1024);
    const auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    // Every path reaches handle(), also one whose decoded form holds a line break ('.' stops at one).
    const char* any = R"([\s\S]*)";
    svr_.Get(any, h);
    svr_.Post(any, h);
    svr_.Put(any, h);
    svr_.Delete(any, h);
    svr_.Patch(any, h);
    svr_.Options(any, h);
}

int MockServer::bind() {
    // httplib 0.11 listens with a backlog of 5: a burst of connections overflows it and clients see resets.
    // Remember the listening socket and listen again with a deep backlog (Linux updates it in place).
    int listen_fd = -1;
    svr_.set_socket_options([&listen_fd](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd = sock;
    });
    const int port = o_.port == 0 ? svr_.bind_to_any_port(o_.host) : (svr_.bind_to_port(o_.host, o_.port) ? o_.port : -1);
    if (port > 0 && listen_fd >= 0) ::listen(listen_fd, 1024);
    return port;
}

bool MockServer::run() { return svr_.listen_after_bind(); }

void MockServer::stop() { svr_.stop(); }

void MockServer::handle(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    LogEntry entry;
    entry.at = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    entry.method = req.method;
    // httplib's req.path is already decoded (%2F became '/'): route and log the target as it arrived.
    entry.path = req.target.substr(0, req.target.find('?'));
    if (const auto q = req.target.find('?'); q != std::string::npos) entry.query = req.target.substr(q + 1);
    bool drop_now = false;
    Reply reply = process(req, entry, drop_now);
    entry.ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (drop_now) {
        entry.dropped = true;
        log_.write(entry);  // before the drop: whoever sees the transport error finds the line written
        drop_connection(req);
        return;
    }
    entry.status = reply.status;
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    res.set_content(reply.body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
    log_.write(entry);
}

Reply MockServer::process(const httplib::Request& req, LogEntry& entry, bool& drop_now) {
    auto route = match_route(req.method, entry.path, req.params);
    if (route.status != 200) {
        Reply r = error_reply(route.status, route.error);
        if (!route.allow.empty()) r.headers["Allow"] = route.allow;
        return r;
    }
    entry.op = route.specs.front()->id();
    const auto auth = check_auth(req, o_);
    if (!auth.ok) return error_reply(401, auth.error);

    std::string account = req.get_header_value("accountid");
    if (account.empty())
        if (const auto it = route.path_params.find("accountId"); it != route.path_params.end()) account = it->second;
    if (account.empty()) account = auth.app_id;
    entry.account = account;

    const auto decision = limiter_.admit(account, std::chrono::steady_clock::now());
    if (!decision.allowed) {
        Reply r;
        r.status = 429;
        r.body = {{"errors", json::array({{{"msg", decision.message}, {"code", 429}}})}};
        if (o_.retry_after) {
            const auto secs = (decision.retry_after.count() + 999) / 1000;
            r.headers["Retry-After"] = std::to_string(std::max<long long>(secs, 1));
        }
        return r;
    }

    const auto plan = faults_.draw();
    if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
    if (plan.drop) {
        drop_now = true;
        return {};
    }
    if (plan.fail) return error_reply(503, "Service Unavailable: please retry later");

    Call call;
    call.path = route.path_params;
    call.query = req.params;
    call.account = account;
    call.store = &store_;
    call.synthetic_items = o_.list_items;
    if (req.is_multipart_form_data()) {
        for (const auto& [name, file] : req.files)
            if (!file.content.empty()) call.upload = file.content;
    } else if (!req.body.empty()) {
        call.body = parse_json_bounded(req.body);
        if (call.body.is_discarded()) return error_reply(400, "Malformed JSON in the request body");
    }
    // Operations told apart only by their body: the hinted one, else the first whose checks pass.
    call.spec = choose_variant(route.specs, call.body);
    auto problem = validate_call(call);
    for (const auto* other : route.specs) {
        if (!problem || other == call.spec) continue;
        Call probe = call;
        probe.spec = other;
        if (!validate_call(probe)) {
            call.spec = other;
            problem.reset();
        }
    }
    entry.op = call.spec->id();
    if (problem) return error_reply(400, *problem);

    Reply reply;
    if (const auto h = handlers_.find(call.spec->id()); h != handlers_.end()) reply = h->second(call);
    else reply = synthesize(call);

    if (plan.drop_after) {
        entry.status = reply.status;
        drop_now = true;
    }
    return reply;
}

}  // namespace ccai::mock
