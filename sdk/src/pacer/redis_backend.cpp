// Redis backend: hosts share one budget through a redis server; the reservation is one Lua script.
#include <hiredis/hiredis.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "secrets/entropy.hpp"
#include "pacer/file_format.hpp"
#include "pacer/internal.hpp"
#include "pacer/redis_script.hpp"

namespace ccai::detail {

namespace {

// What a redis ACL user needs: the script's own commands are checked too (redis 7), on its keys.
constexpr const char* kRedisAclNeeds =
    "+evalsha +eval +script|load +select +del +time +get +set +pexpire +zadd +zcard +zcount +zrange "
    "+zrangebyscore +zrem +zremrangebyscore +zscore (ACL SETUSER USER ~ccai:pacer:* +evalsha ...; see "
    "docs/pacing.md)";

// A pacer script runs in well under a millisecond: a server this slow to answer is stopped or overloaded.
constexpr timeval kCommandTimeout{10, 0};

struct ReplyDeleter {
    void operator()(redisReply* r) const { if (r) freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
struct ContextDeleter {
    void operator()(redisContext* c) const { if (c) redisFree(c); }
};

/// What the pacer script returns (redis_script.hpp).
struct ScriptReply {
    long long delay = 0, penalty = 0, flags = 0, now = 0, ahead = 0;
    std::string front;  ///< the ticket at the front of those ahead in line
    /// reserve: tat before and after the reservation; reserve and a confirm that lets the request go: sent
    /// before and after it (what giving the grant up puts back); else 0.
    long long tat_before = 0, tat_after = 0, sent_before = 0, sent_after = 0;
    std::vector<int> counts;
};

/// The line's extra arguments of one script run: the call's class, ticket and arrival.
struct InLine {
    Priority priority = Priority::interactive;
    std::string member;   ///< "" = no place in line
    std::string arrival;  ///< "" = now, on the server's clock
    /// confirm and cancel: the call's reservation's tat and sent before and after ("" = unknown).
    std::string tat_before, tat_after, sent_before, sent_after;
    void spacing_from(const ScriptReply& r, bool tat) {
        if (tat) {
            tat_before = std::to_string(r.tat_before);
            tat_after = std::to_string(r.tat_after);
        }
        sent_before = std::to_string(r.sent_before);
        sent_after = std::to_string(r.sent_after);
    }
};

/// A granted slot: its grant's token, and what giving it up puts back.
struct Granted {
    std::string token;
    InLine spacing;
};

/// A ticket as the script stores it: "i|b:ID:BOOT-ID:PID:START". Parsed for liveness and status.
std::optional<Ticket> parse_member(std::string_view m, TimePoint arrived, std::string* boot) {
    std::vector<std::string_view> f;
    for (size_t from = 0;;) {
        const auto to = m.find(':', from);
        f.push_back(m.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from));
        if (to == std::string_view::npos) break;
        from = to + 1;
    }
    if (f.size() != 5 || (f[0] != "i" && f[0] != "b")) return std::nullopt;
    Ticket t;
    t.priority = f[0] == "b" ? Priority::bulk : Priority::interactive;
    t.id = std::string(f[1]);
    t.arrived = arrived;
    t.pid = std::atol(std::string(f[3]).c_str());
    t.started = std::strtoull(std::string(f[4]).c_str(), nullptr, 10);
    if (boot) *boot = std::string(f[2]);
    return t;
}

/// Whether the ticket's owner is surely gone: it ran on this host (same boot) and no longer does.
bool owner_gone(const std::string& member) {
    std::string boot;
    const auto t = parse_member(member, TimePoint{}, &boot);
    return t && boot == current_boot_id() && !owner_alive(*t);
}

class RedisPacer final : public RemotePacer {
public:
    RedisPacer(PacerOptions o, std::shared_ptr<Clock> c, RedisUrl u)
        : o_(std::move(o)), clock_(std::move(c)), url_(std::move(u)), key_(scope_key(o_.scope)) {}
    ~RedisPacer() override { secure_clear(o_.redis_password); }  // the SDK cleanses the secret copies it drops
    RedisPacer(const RedisPacer&) = delete;
    RedisPacer& operator=(const RedisPacer&) = delete;

    Result<Unit> connect();
    Result<Duration> acquire(Duration budget, Priority priority) override;
    Result<Unit> complete(bool answered) override;
    Result<Unit> cancel() override;
    Result<Unit> penalize(Duration pause) override;
    Result<Duration> time_until_free() override;
    Result<nlohmann::json> status() override;
    Result<Unit> reset() override;

private:
    Result<ScriptReply> run(const char* mode, const std::string& token = "", Duration amount = Duration(0),
                            Duration budget = Duration::max(), const InLine& line = InLine{});
    std::vector<std::string> keys() const {
        return {key_ + ":grants", key_ + ":penalty", key_ + ":tat", key_ + ":sent", key_ + ":bulk", key_ + ":line",
                key_ + ":line-expiry"};
    }
    void leave_line(const std::string& member);
    std::string new_token();
    Result<Reply> command(const std::vector<std::string>& argv);
    /// A reply the server gave: an authentication or permission refusal is a setting to fix (config, never
    /// a reason to fall back to the file pacer); anything else is the store failing.
    ApiError refused(std::string_view reply) const;
    ApiError down(const std::string& why) const {
        ApiError e;
        e.kind = ErrorKind::network;
        e.maybe_reached_server = false;  // the API was never contacted
        e.message = fmt::format("pacer: redis at {} unavailable: {}", o_.backend, why);
        return e;
    }

    PacerOptions o_;
    std::shared_ptr<Clock> clock_;
    RedisUrl url_;
    std::string key_;
    std::mutex mu_;  // a hiredis context is not thread-safe
    std::unique_ptr<redisContext, ContextDeleter> ctx_;
    std::string sha_;
    std::mt19937_64 rng_{random_u64()};  // grant tokens; under mu_
    PerThread<Granted> in_flight_;        // the grant of this thread's request
};

Result<Unit> RedisPacer::connect() {
    const timeval tv{2, 0};
    ctx_.reset(redisConnectWithTimeout(url_.host.c_str(), url_.port, tv));
    if (!ctx_ || ctx_->err) {
        const std::string why = ctx_ ? ctx_->errstr : "out of memory";
        ctx_.reset();
        return down(why);
    }
    redisSetTimeout(ctx_.get(), kCommandTimeout);
    // AUTH first, on every (re)connect. Sent as argv (binary-safe: any byte of the password is sent as
    // is, never parsed by hiredis) and never logged.
    if (!url_.user.empty() || !o_.redis_password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!url_.user.empty()) auth.push_back(url_.user);
        auth.push_back(o_.redis_password);
        auto r = command(auth);
        secure_clear(auth.back());
        if (!r) {
            ctx_.reset();
            return r.error();
        }
    }
    // A connection left half set up (wrong database, no script) must not be used: the next call reconnects.
    if (url_.db != 0) {
        auto r = command({"SELECT", std::to_string(url_.db)});
        if (!r) {
            ctx_.reset();
            return r.error();
        }
    }
    auto r = command({"SCRIPT", "LOAD", kPacerScript});
    if (!r || (*r)->type != REDIS_REPLY_STRING) {
        ctx_.reset();
        return r ? down("unexpected reply to SCRIPT LOAD") : r.error();
    }
    sha_ = (*r)->str;
    return Unit{};
}

// One command; a reply of type error is an error. Drops the connection on I/O errors so the next
// call reconnects.
Result<Reply> RedisPacer::command(const std::vector<std::string>& argv) {
    if (!ctx_) {
        auto c = connect();
        if (!c) return c.error();
    }
    std::vector<const char*> a;
    std::vector<size_t> l;
    for (const auto& s : argv) {
        a.push_back(s.data());
        l.push_back(s.size());
    }
    Reply r(static_cast<redisReply*>(redisCommandArgv(ctx_.get(), static_cast<int>(a.size()), a.data(), l.data())));
    if (!r) {
        // hiredis reports its read timeout as the socket's EAGAIN: say what happened instead.
        const bool timed_out = ctx_->err == REDIS_ERR_IO && std::string_view(ctx_->errstr) == std::strerror(EAGAIN);
        const std::string why = timed_out ? fmt::format("no answer within {} s (is it stopped or overloaded?)", kCommandTimeout.tv_sec)
                                          : std::string(ctx_->errstr);
        ctx_.reset();
        return down(why);
    }
    if (r->type == REDIS_REPLY_ERROR) return refused(std::string_view(r->str, r->len));
    return r;
}

ApiError RedisPacer::refused(std::string_view reply) const {
    constexpr const char* kSet = "CCAI_REDIS_PASSWORD or redis_password in the credentials file";
    const std::string who = url_.user.empty() ? "the default user" : fmt::format("user '{}'", url_.user);
    const auto starts = [&](std::string_view p) { return reply.starts_with(p); };
    std::string why;
    if (starts("NOAUTH"))
        why = fmt::format("redis at {} requires a password: set {}{}", o_.backend, kSet,
                          url_.user.empty() ? " (and, for an ACL user, name it: redis://USER@HOST:PORT)" : "");
    else if (starts("WRONGPASS") && o_.redis_password.empty())
        why = fmt::format("redis at {} refused {} without a password: set {}", o_.backend, who, kSet);
    else if (starts("WRONGPASS"))
        why = fmt::format("redis at {} refused the password of {} (or the user is disabled): check {}{}", o_.backend,
                          who, kSet, url_.user.empty() ? "" : " and the user in the URL");
    else if (reply.find("without any password configured") != std::string_view::npos)
        why = fmt::format("redis at {} has no password for the default user, yet redis_password is set: unset it, or "
                          "name the ACL user it belongs to (redis://USER@HOST:PORT)", o_.backend);
    else if (starts("NOPERM") || reply.find("can't run this command") != std::string_view::npos ||
             reply.find("can't access at least one of the keys") != std::string_view::npos)  // redis 6, in a script
        why = fmt::format("redis at {} refused {} ({}): the pacer needs, on keys ccai:pacer:*, {}", o_.backend, who,
                          reply, kRedisAclNeeds);
    else if (reply.find("wrong number of arguments for 'auth'") != std::string_view::npos)
        why = fmt::format("redis at {} has no ACL users (a version before 6): drop the user from the URL "
                          "(redis://HOST:PORT) and keep the password in {}", o_.backend, kSet);
    if (!why.empty()) return config_error("pacer: " + why);
    return down(std::string(reply));
}

std::string RedisPacer::new_token() {
    std::lock_guard lock(mu_);
    return fmt::format("{:016x}", rng_());
}

Result<ScriptReply> RedisPacer::run(const char* mode, const std::string& token, Duration amount, Duration budget,
                                    const InLine& line) {
    std::lock_guard lock(mu_);
    if (!ctx_) {
        if (auto c = connect(); !c) return c.error();
    }
    std::vector<std::string> argv{"EVALSHA", sha_, "7"};
    for (auto& k : keys()) argv.push_back(std::move(k));
    for (auto a : {std::string(mode),
                   std::to_string(spacing_of(o_.windows, o_.margin).count()),
                   std::to_string(longest_window(o_.windows, o_.margin).count()),
                   std::to_string(amount.count()),
                   o_.use_client_clock ? std::to_string(clock_->now().time_since_epoch().count()) : "",
                   token,
                   std::to_string(burst_of(o_)),
                   std::to_string(plausible_lead(o_).count()),
                   budget == Duration::max() ? "" : std::to_string(std::max(Duration(0), budget).count()),
                   std::string(to_string(line.priority)),
                   line.member,
                   line.arrival,
                   std::to_string(bulk_quota(o_)),
                   std::to_string(effective_window(pacing_window(o_), o_.margin).count()),
                   std::to_string(ticket_grace(o_).count()),
                   std::to_string(kMaxTickets),
                   line.tat_before,
                   line.tat_after,
                   line.sent_before,
                   line.sent_after})
        argv.push_back(std::move(a));
    for (const auto& w : o_.windows) {
        argv.push_back(std::to_string(w.limit));
        argv.push_back(std::to_string(effective_window(w, o_.margin).count()));
    }
    auto r = command(argv);
    if (!r && r.error().message.find("NOSCRIPT") != std::string::npos) {  // server restarted or flushed
        argv[0] = "EVAL";
        argv[1] = kPacerScript;
        r = command(argv);
    }
    if (!r) return r.error();
    const auto* reply = r->get();
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 10) return down("unexpected reply from the pacer script");
    ScriptReply out;
    long long* head[] = {&out.delay, &out.penalty, &out.flags, &out.now, &out.ahead};
    for (size_t i = 0; i < 5; ++i) *head[i] = reply->element[i]->integer;
    if (reply->element[5]->type == REDIS_REPLY_STRING) out.front.assign(reply->element[5]->str, reply->element[5]->len);
    out.tat_before = reply->element[6]->integer;
    out.tat_after = reply->element[7]->integer;
    out.sent_before = reply->element[8]->integer;
    out.sent_after = reply->element[9]->integer;
    for (size_t i = 10; i < reply->elements; ++i) out.counts.push_back(static_cast<int>(reply->element[i]->integer));
    if ((out.flags & 1) && o_.log)
        o_.log(fmt::format("warning: pacer state in redis at {} unusable (times further ahead than any wait or "
                           "penalty allows); treating the window as full", o_.backend));
    return out;
}

void RedisPacer::leave_line(const std::string& member) {
    InLine drop;
    drop.member = member;
    // Best effort: a ticket that cannot be dropped now expires on its own.
    if (auto r = run("drop", "", Duration(0), Duration::max(), drop); !r && o_.log)
        o_.log(fmt::format("pacer: could not leave the line (it expires on its own): {}", r.error().message));
}

// Same steps as StatePacer::acquire_within: reserve, sleep until the slot, then confirm against the grants'
// completion times (a late one moves the slot), until the request may go or its budget runs out. A bulk
// call reserves with no budget: the script reserves only a slot free now, and the call asks again when
// the slot it saw comes.
Result<Duration> RedisPacer::acquire(Duration budget, Priority priority) {
    const auto token = new_token();
    const auto owner = current_owner();
    InLine line;
    line.priority = priority;
    line.member = fmt::format("{}:{}:{}:{}:{}", priority == Priority::bulk ? 'b' : 'i', new_ticket_id(), current_boot_id(),
                              owner.pid, owner.started);
    const auto start = clock_->now();
    Result<ScriptReply> r = ScriptReply{};
    Duration wait(0), waited(0);
    std::size_t dropped = 0;
    for (bool announced = false;;) {
        const auto left = budget == Duration::max() ? budget : std::max(Duration(0), budget - (clock_->now() - start));
        r = run("reserve", token, Duration(0), left, line);
        if (!r) {
            if (!line.arrival.empty()) leave_line(line.member);
            return r.error();
        }
        // The first ask sets the call's place in line, on the server's clock.
        if (line.arrival.empty()) line.arrival = std::to_string(r->now);
        wait = Duration(r->delay);
        if (r->flags & 2) return beyond_budget(wait, left, (r->flags & 4) != 0);
        if (!(r->flags & 8)) break;
        // Only redis's own clock can expire a ticket; an owner on this host that is gone is known now.
        // Bounded like the line itself, whatever another client writes meanwhile.
        if (!r->front.empty() && dropped < kMaxTickets && owner_gone(r->front)) {
            ++dropped;
            leave_line(r->front);
            continue;
        }
        if (!announced && wait > std::chrono::seconds(1) && o_.on_wait) o_.on_wait(wait);
        announced = true;
        if (o_.log)
            o_.log(fmt::format("pacer: {} call: next slot in {}, {} ahead in line, asking again then", to_string(priority),
                               fmt_seconds(wait), r->ahead));
        if (!sleep_interruptibly(o_, *clock_, clock_->now() + wait)) {
            leave_line(line.member);
            return interrupted_while_waiting();
        }
    }
    waited = clock_->now() - start;
    // What giving the reservation up puts back (the script's cancel, or a confirm past the budget).
    InLine mine;
    mine.spacing_from(*r, true);
    const char* why = r->penalty > 0 ? "slot (after the account's rate-limit penalty)" : "slot";
    if (wait == Duration(0) && o_.log) o_.log("pacer: slot granted, no wait");
    while (wait > Duration(0)) {
        if (!wait_for_slot(o_, *clock_, clock_->now() + wait, wait, why)) {
            // The reservation, and its spacing when it is the latest, go back to the others; if redis cannot
            // be reached, the reservation ages out.
            if (auto c = run("cancel", token, Duration(0), Duration::max(), mine); !c && o_.log)
                o_.log(fmt::format("pacer: could not release a slot: {}", c.error().message));
            return interrupted_while_waiting();
        }
        waited += wait;
        const auto left = budget == Duration::max() ? budget : budget - waited;
        auto c = run("confirm", token, Duration(0), left, mine);
        if (!c) return c.error();
        wait = Duration(c->delay);
        if (c->flags & 2) return beyond_budget(wait, left, (c->flags & 4) != 0);
        if (wait == Duration(0)) mine.spacing_from(*c, false);  // it goes now: the send it records
        if (wait > Duration(0) && o_.log)
            o_.log(fmt::format("pacer: an earlier request finished or went out late; waiting {} more", fmt_seconds(wait)));
        why = "slot";
    }
    in_flight_.put(Granted{token, mine});
    return waited;
}

Result<Unit> RedisPacer::complete(bool answered) {
    const auto held = in_flight_.take();
    if (!held) return Unit{};
    const auto credit = answered ? answered_credit(o_.windows, o_.margin) : Duration(0);
    if (auto r = run("complete", held->token, credit); !r) return r.error();
    return Unit{};
}

Result<Unit> RedisPacer::cancel() {
    const auto held = in_flight_.take();
    if (!held) return Unit{};
    if (auto r = run("cancel", held->token, Duration(0), Duration::max(), held->spacing); !r) return r.error();
    return Unit{};
}

Result<Unit> RedisPacer::penalize(Duration pause) {
    if (pause > o_.max_penalty) {
        if (o_.log) o_.log(fmt::format("pacer: a pause of {} cut to max_penalty {}", fmt_seconds(pause), fmt_seconds(o_.max_penalty)));
        pause = o_.max_penalty;
    }
    if (auto r = run("penalize", "", pause); !r) return r.error();
    if (o_.log) o_.log(fmt::format("pacer: penalty {} for every client of the account", fmt_seconds(pause)));
    return Unit{};
}

Result<Duration> RedisPacer::time_until_free() {
    auto r = run("peek");
    if (!r) return r.error();
    return Duration(r->delay);
}

Result<nlohmann::json> RedisPacer::status() {
    auto r = run("peek");  // also drops expired tickets
    if (!r) return r.error();
    auto j = status_json(o_, "redis", r->counts, Duration(r->delay), Duration(r->penalty));
    j["url"] = o_.backend;
    j["key"] = key_;
    std::vector<Ticket> line;
    std::vector<std::string> gone;
    {
        std::lock_guard lock(mu_);
        const auto from = r->now - effective_window(pacing_window(o_), o_.margin).count();
        auto b = command({"ZCOUNT", key_ + ":bulk", fmt::format("({}", from), "+inf"});
        if (!b) return b.error();
        j["bulk_in_window"] = (*b)->integer;
        auto l = command({"ZRANGE", key_ + ":line", "0", "-1", "WITHSCORES"});
        if (!l) return l.error();
        const auto* a = l->get();
        for (size_t i = 0; a->type == REDIS_REPLY_ARRAY && i + 1 < a->elements; i += 2) {
            const std::string m(a->element[i]->str, a->element[i]->len);
            const auto t = parse_member(m, TimePoint(Duration(std::atoll(a->element[i + 1]->str))), nullptr);
            if (!t) continue;
            if (owner_gone(m)) gone.push_back(m);
            else line.push_back(*t);
        }
    }
    for (const auto& m : gone) leave_line(m);
    j["waiting"] = waiting_json(line, TimePoint(Duration(r->now)));
    return j;
}

Result<Unit> RedisPacer::reset() {
    std::lock_guard lock(mu_);
    // ":last" is an older version's key: reset clears it too.
    auto argv = keys();
    argv.insert(argv.begin(), "DEL");
    argv.push_back(key_ + ":last");
    auto r = command(argv);
    if (!r) return r.error();
    return Unit{};
}

}  // namespace

Result<std::unique_ptr<RemotePacer>> make_redis_pacer(const PacerOptions& o, std::shared_ptr<Clock> c) {
    auto url = parse_redis_url(o.backend);
    if (!url) return url.error();
    auto p = std::make_unique<RedisPacer>(o, std::move(c), *url);
    if (auto r = p->connect(); !r) return r.error();  // fail now, with the URL, rather than on the first call
    return std::unique_ptr<RemotePacer>(std::move(p));
}

}  // namespace ccai::detail
