#pragma once
/// @file defaults.hpp
/// @brief The settings' defaults, for the option structs that stand for them (TransportOptions, RetryOptions,
/// PacerOptions). Read from the settings table (setting_specs()), the one place defaults are written.

#include <chrono>
#include <string_view>

namespace ccai {

/// @brief A setting's default as the table writes it ("timeout" -> "60", "rate_limit" -> "60/1m"); "" for a
/// key that is not a setting.
std::string_view setting_default(std::string_view key);

/// @brief A seconds or whole setting's default as a number (0 for a key that is not one).
double setting_default_number(std::string_view key);

/// @brief Seconds as whole milliseconds, rounded up: a positive timeout never becomes 0 ms, which libcurl
/// reads as "no timeout".
std::chrono::milliseconds milliseconds_rounded_up(double seconds);

/// @brief A seconds setting's default as a duration, rounded up to whole milliseconds.
std::chrono::milliseconds setting_default_duration(std::string_view key);

}  // namespace ccai
