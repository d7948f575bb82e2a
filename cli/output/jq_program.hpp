#pragma once
// --jq: a jq program run through libjq, as `gh --jq` runs one. libjq is C; this is its only user, and it
// keeps libjq's states and reference counts behind one small RAII class.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace ccai::cli {

class JqProgram {
public:
    /// The compiled program, or jq's compile error messages (one per line).
    static std::variant<JqProgram, std::string> compile(const std::string& expression);

    JqProgram(JqProgram&&) noexcept;
    JqProgram& operator=(JqProgram&&) noexcept;
    ~JqProgram();

    /// Receives each output as `jq -r` prints it, without its newline: a string raw, anything else as compact
    /// JSON. Returns false to stop the program (its output could not be written).
    using Sink = std::function<bool(std::string_view)>;

    /// Runs the program on `input`, passing each output to `sink`; jq's error message when the program fails
    /// at run time (`error("x")`, `.a` on a string), after the outputs that came before it. A program that
    /// never ends (`repeat(1)`) runs until its output cannot be written or Ctrl-C ends the process.
    std::optional<std::string> run(const nlohmann::json& input, const Sink& sink);

private:
    struct State;
    explicit JqProgram(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace ccai::cli
