// The one validator of setting values: each value against its row of the settings table (kind and range),
// and the parsers Config::number() shares with it, so what is checked is exactly what is used.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "http/ca_files.hpp"
#include "ccai/config.hpp"
#include "ccai/pacer.hpp"
#include "ccai/utf8.hpp"
#include "config/setting_values.hpp"
#include "pacer/internal.hpp"

namespace ccai {

namespace {

const SettingSpec* spec_of(std::string_view key) {
    for (const auto& spec : setting_specs())
        if (spec.key == key) return &spec;
    return nullptr;
}

// A finite decimal number, the whole text: no sign '+', no spaces, no hex, no "nan" or "inf".
std::optional<double> parse_decimal(std::string_view text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<long long> parse_whole(std::string_view text) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// The value as a number in the row's own unit (percent for a percentage), when it is one of its kind and
// within its range.
std::optional<double> number_in_range(const SettingSpec& spec, std::string_view text) {
    std::optional<double> v;
    switch (spec.kind) {
        case SettingKind::seconds: v = parse_decimal(text); break;
        case SettingKind::duration:
            if (auto d = parse_duration(text)) v = std::chrono::duration<double>(*d).count();
            break;
        case SettingKind::whole:
            if (auto w = parse_whole(text)) v = static_cast<double>(*w);
            break;
        case SettingKind::percent:
            // "1%" is a percentage; a bare number is a fraction (0.01), as the pacer has always read it.
            if (text.ends_with('%')) v = parse_decimal(text.substr(0, text.size() - 1));
            else if (auto f = parse_decimal(text)) v = *f * 100;
            break;
        default: return std::nullopt;
    }
    if (!v || *v < spec.min || *v > spec.max) return std::nullopt;
    return v;
}

bool is_choice(const SettingSpec& spec, std::string_view text) {
    if (text.empty()) return true;  // unset: the default
    for (std::size_t start = 0; start <= spec.choices.size();) {
        const auto end = std::min(spec.choices.find('|', start), spec.choices.size());
        if (spec.choices.substr(start, end - start) == text) return true;
        start = end + 1;
    }
    return false;
}

std::string choice_list(std::string_view choices) {
    std::string out;
    for (std::size_t start = 0; start <= choices.size();) {
        const auto end = std::min(choices.find('|', start), choices.size());
        out += (out.empty() ? "" : ", ") + std::string(choices.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// What is wrong with `text` as a value of `spec` ("" when nothing): the part of the message after "expected".
std::string problem(const SettingSpec& spec, const std::string& text) {
    // Settings end up in JSON (the JWT's claims, the request's headers in --dry-run), which must be UTF-8.
    if (const auto at = invalid_utf8_at(text))
        return fmt::format("expected UTF-8 text (byte {} is not)", *at + 1);
    switch (spec.kind) {
        case SettingKind::text: return "";
        case SettingKind::boolean:
            return text.empty() || text == "true" || text == "false" ? "" : "expected true or false";
        case SettingKind::seconds:
            return number_in_range(spec, text) ? ""
                                               : fmt::format("expected a number of seconds from {} to {} (fractions allowed)",
                                                             spec.min, spec.max);
        case SettingKind::duration:
            return number_in_range(spec, text) ? ""
                                               : fmt::format("expected a duration from {}s to {}s: seconds (30) or with "
                                                             "units ms, s, m, h (500ms, 30s, 5m, 1h30m)", spec.min, spec.max);
        case SettingKind::whole:
            return number_in_range(spec, text) ? "" : fmt::format("expected a whole number from {} to {}", spec.min, spec.max);
        case SettingKind::percent:
            return number_in_range(spec, text) ? ""
                                               : fmt::format("expected a percentage from {}% to {}%, e.g. 1%", spec.min, spec.max);
        case SettingKind::choice:
            return is_choice(spec, text) ? "" : fmt::format("expected one of {}", choice_list(spec.choices));
        case SettingKind::rate_limit: {
            auto windows = parse_rate_limits(text);
            return windows ? "" : fmt::format("{} (e.g. 60/1m or 60/1m,1800/1h)", windows.error().message);
        }
        case SettingKind::pacer:
            if (const auto why = detail::redis_url_refusal(text); !why.empty()) return std::string(why);
            // The URL itself is parsed by the redis backend, which names what is wrong with it.
            return text.empty() || text == "file" || text == "memory" || (text.starts_with("redis://") && text.size() > 8)
                       ? ""
                       : "expected file, memory or redis://[USER@]HOST:PORT[/DB]";
        case SettingKind::pem_file: {
            if (text.empty()) return "";
            auto why = detail::ca_file_problem(text);
            return why.empty() ? "" : fmt::format("expected a readable file of PEM certificates: {}", why);
        }
    }
    return "";
}

// A URL's user information as "USER:***": a password is never repeated, however short (the registry of
// secrets leaves very short ones unmasked).
std::string without_password(std::string value) {
    const auto scheme = value.find("://");
    if (scheme == std::string::npos) return value;
    const auto at = value.rfind('@');  // host and path hold none: a password may ('/' too)
    if (at == std::string::npos || at < scheme + 3) return value;
    const auto colon = value.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return value;
    return value.replace(colon + 1, at - colon - 1, "***");
}

// A value as it appears in a message: long ones cut, so a stray file's content does not flood the terminal.
std::string shown(const std::string& raw) {
    constexpr std::size_t kMax = 80;
    const auto value = without_password(raw);
    return value.size() <= kMax ? value : value.substr(0, kMax) + "...";
}

}  // namespace

double Config::number(std::string_view key) const {
    const auto* spec = spec_of(key);
    if (!spec) return 0;
    auto v = number_in_range(*spec, get(key));
    if (!v) v = number_in_range(*spec, spec->default_value);
    if (!v) return 0;
    return spec->kind == SettingKind::percent ? *v / 100 : *v;
}

namespace detail {
Result<Unit> validate_setting(const Config& config, std::string_view key) {
    const auto* spec = spec_of(key);
    const auto it = config.all().find(key);
    if (!spec || it == config.all().end()) return Unit{};
    const auto& [value, origin] = it->second;
    const auto why = problem(*spec, value);
    if (why.empty()) return Unit{};
    const bool flag = origin == "flag";
    std::string where = origin;
    if (flag) {  // as typed: --connect-timeout
        where = "--" + std::string(key);
        std::replace(where.begin(), where.end(), '_', '-');
    }
    // A secret's value is never repeated, even in part.
    auto message = spec->secret ? fmt::format("bad {} (from {}): {}", key, where, why)
                                : fmt::format("bad {} '{}' (from {}): {}", key, shown(value), where, why);
    return flag ? invalid_input(std::move(message)) : config_error(std::move(message));
}
}  // namespace detail

Result<Unit> validate_settings(const Config& config) {
    for (const auto& spec : setting_specs())
        if (auto valid = detail::validate_setting(config, spec.key); !valid) return valid;
    return Unit{};
}

}  // namespace ccai
