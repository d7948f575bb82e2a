// The secret registry and redaction (see redact.hpp for the rules).
#include "ccai/redact.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "secrets/jwt_shape.hpp"
#include "secrets/secret_search.hpp"

namespace ccai {

namespace {

bool word_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool hex_char(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A short secret is masked only as a whole word: no letter or digit right before or after it. Just after a
// %XX or JSON escape counts as a word's start (an encoded '=' or '&' ends in a hex digit).
bool stands_alone(std::string_view t, detail::Span s) {
    const auto [begin, end] = s;
    const bool after_escape = (begin >= 3 && t[begin - 3] == '%' && hex_char(t[begin - 2]) && hex_char(t[begin - 1])) ||
                              (begin >= 2 && t[begin - 2] == '\\');
    const bool clean_start = begin == 0 || !word_char(t[begin - 1]) || after_escape;
    const bool clean_end = end >= t.size() || !word_char(t[end]);
    return clean_start && clean_end;
}

bool could_print_as_number(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    });
}

struct Registry {
    std::shared_mutex mu;
    std::vector<std::string> secrets;
    bool numeric = false;              // some secret could appear as a JSON number

    void wipe() {
        std::unique_lock lock(mu);
        for (auto& s : secrets) secure_clear(s);
        secrets.clear();
        numeric = false;
    }
    ~Registry() { wipe(); }
};

Registry& registry() {
    static Registry r;
    return r;
}

// `text` with every spelling of every registered secret and every JWT masked, or nullopt when it holds none.
std::optional<std::string> masked(std::string_view text) {
    std::vector<detail::Span> spans;
    {
        auto& r = registry();
        std::shared_lock lock(r.mu);
        for (const auto& secret : r.secrets) {
            const auto first = spans.size();
            detail::find_secret(text, secret, spans);
            if (secret.size() < kShortSecretLength)
                spans.erase(std::remove_if(spans.begin() + static_cast<std::ptrdiff_t>(first), spans.end(),
                                           [&](const detail::Span& s) { return !stands_alone(text, s); }),
                            spans.end());
        }
    }
    for (auto jwt = detail::find_jwt(text); jwt; jwt = detail::find_jwt(text, jwt->second)) spans.push_back(*jwt);
    std::erase_if(spans, [](const detail::Span& s) { return s.first >= s.second; });
    if (spans.empty()) return std::nullopt;
    // Overlapping spans (one secret inside another, a secret inside a JWT) become one mask.
    std::sort(spans.begin(), spans.end());
    std::string out;
    std::size_t done = 0;
    for (const auto& [begin, end] : spans) {
        if (end <= done) continue;
        if (begin >= done) out.append(text.substr(done, begin - done)).append(kRedacted);
        done = end;
    }
    out.append(text.substr(done));
    return out;
}

}  // namespace

void secure_clear(std::string& s) {
    s.resize(s.capacity());  // the whole buffer, also what an earlier, longer value left past size()
    OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

void register_secret(std::string_view value) {
    if (value.empty()) return;
    auto& r = registry();
    std::unique_lock lock(r.mu);
    if (std::find(r.secrets.begin(), r.secrets.end(), value) != r.secrets.end()) return;
    r.secrets.emplace_back(value);
    r.numeric = r.numeric || could_print_as_number(value);
}

void forget_secrets() { registry().wipe(); }

std::string redact(std::string_view text) {
    auto m = masked(text);
    return m ? std::move(*m) : std::string(text);
}

namespace {
bool numeric_secrets() {
    auto& r = registry();
    std::shared_lock lock(r.mu);
    return r.numeric;
}
}  // namespace

bool needs_redaction(const nlohmann::json& value) {
    const bool numbers = numeric_secrets();
    std::vector<const nlohmann::json*> todo{&value};  // an explicit stack, as in redact_json
    while (!todo.empty()) {
        const nlohmann::json& v = *todo.back();
        todo.pop_back();
        if (v.is_string()) {
            if (masked(v.get_ref<const std::string&>())) return true;
        } else if (v.is_object()) {
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (masked(it.key())) return true;
                todo.push_back(&*it);
            }
        } else if (v.is_array()) {
            for (const auto& e : v) todo.push_back(&e);
        } else if (numbers && v.is_number() && masked(v.dump())) {
            return true;
        }
    }
    return false;
}

nlohmann::json redact_json(nlohmann::json value) {
    const bool numbers = numeric_secrets();
    // An explicit stack: a response nested thousands deep must not recurse here.
    std::vector<nlohmann::json*> todo{&value};
    while (!todo.empty()) {
        nlohmann::json& v = *todo.back();
        todo.pop_back();
        if (v.is_string()) {
            if (auto m = masked(v.get_ref<const std::string&>())) v = std::move(*m);
        } else if (v.is_array()) {
            for (auto& e : v) todo.push_back(&e);
        } else if (v.is_object()) {
            std::vector<std::pair<std::string, std::string>> renamed;
            for (auto it = v.begin(); it != v.end(); ++it)
                if (auto m = masked(it.key())) renamed.emplace_back(it.key(), std::move(*m));
            for (auto& [from, to] : renamed) {
                auto moved = std::move(v[from]);
                v.erase(from);
                v[to] = std::move(moved);
            }
            for (auto& e : v) todo.push_back(&e);
        } else if (numbers && v.is_number()) {
            if (masked(v.dump())) v = std::string(kRedacted);
        }
    }
    return value;
}

}  // namespace ccai
