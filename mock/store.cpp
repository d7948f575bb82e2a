#include "store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace ccai::mock {

namespace {
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
}  // namespace

std::string Store::new_id(std::string_view kind) {
    std::uint64_t n;
    {
        std::lock_guard lock(mu_);
        n = ++counter_;
    }
    const auto a = splitmix(n), b = splitmix(n ^ 0x5555555555555555ULL);
    char buf[64];
    if (kind == "hex24") {
        std::snprintf(buf, sizeof buf, "%016llx%08llx", static_cast<unsigned long long>(a),
                      static_cast<unsigned long long>(b & 0xffffffffULL));
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.*s-%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<int>(kind.size()),
                  kind.data(), static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

void Store::put(const std::string& coll, const std::string& id, json value) {
    std::lock_guard lock(mu_);
    auto& v = data_[coll];
    const auto it = std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == id; });
    if (it != v.end()) it->second = std::move(value);
    else v.emplace_back(id, std::move(value));
}

std::optional<json> Store::get(const std::string& coll, const std::string& id) const {
    std::lock_guard lock(mu_);
    const auto c = data_.find(coll);
    if (c == data_.end()) return std::nullopt;
    for (const auto& [k, v] : c->second)
        if (k == id) return v;
    return std::nullopt;
}

std::optional<json> Store::remove(const std::string& coll, const std::string& id) {
    std::lock_guard lock(mu_);
    const auto c = data_.find(coll);
    if (c == data_.end()) return std::nullopt;
    auto& v = c->second;
    const auto it = std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == id; });
    if (it == v.end()) return std::nullopt;
    json out = std::move(it->second);
    v.erase(it);
    return out;
}

std::vector<json> Store::list(const std::string& coll) const {
    std::lock_guard lock(mu_);
    std::vector<json> out;
    if (const auto c = data_.find(coll); c != data_.end())
        for (const auto& [k, v] : c->second) out.push_back(v);
    return out;
}

void Store::drop(const std::string& coll) {
    std::lock_guard lock(mu_);
    data_.erase(coll);
}

std::optional<json> Store::modify(const std::string& coll, const std::string& id, const std::function<void(json&)>& f) {
    std::lock_guard lock(mu_);
    const auto c = data_.find(coll);
    if (c == data_.end()) return std::nullopt;
    for (auto& [k, v] : c->second)
        if (k == id) {
            f(v);
            return v;
        }
    return std::nullopt;
}

std::string iso_now() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

}  // namespace ccai::mock
