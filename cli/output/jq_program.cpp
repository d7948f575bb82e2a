#include "output/jq_program.hpp"

#include <cstdio>

extern "C" {
#include <jq.h>
}

#include "ccai/redact.hpp"

namespace ccai::cli {

namespace {

// One jv reference, released on scope exit. libjq's functions consume the references they are given, so a
// value passed on is release()d, and one used again is passed as copy() (jv_copy adds a reference).
class Jv {
public:
    explicit Jv(jv v) : v_(v) {}
    ~Jv() { jv_free(v_); }
    Jv(const Jv&) = delete;
    Jv& operator=(const Jv&) = delete;
    jv copy() const { return jv_copy(v_); }
    jv release() {
        const jv v = v_;
        v_ = jv_invalid();
        return v;
    }
    jv_kind kind() const { return jv_get_kind(v_); }
    std::string_view string() const {  // only for kind() == JV_KIND_STRING; may hold NUL bytes
        return {jv_string_value(v_), static_cast<std::size_t>(jv_string_length_bytes(jv_copy(v_)))};
    }

private:
    jv v_;
};

// jq's compact form of a value (`jq -c`), or the raw text of a string (`jq -r`).
std::string output_text(const Jv& v) {
    if (v.kind() == JV_KIND_STRING) return std::string(v.string());
    Jv dumped(jv_dump_string(v.copy(), 0));
    return std::string(dumped.string());
}

// What jq's command line prints for an uncaught error: the message when it is a string, else its JSON.
std::string error_text(jv taken) {
    Jv message(taken);
    if (message.kind() == JV_KIND_STRING) return std::string(message.string());
    Jv dumped(jv_dump_string(message.release(), 0));
    return std::string(dumped.string()) + " (not a string)";
}

}  // namespace

struct JqProgram::State {
    jq_state* jq = jq_init();
    std::string errors;  // compile errors, gathered by the error callback
    ~State() {
        if (jq) jq_teardown(&jq);
    }
};

JqProgram::JqProgram(std::unique_ptr<State> state) : state_(std::move(state)) {}
JqProgram::JqProgram(JqProgram&&) noexcept = default;
JqProgram& JqProgram::operator=(JqProgram&&) noexcept = default;
JqProgram::~JqProgram() = default;

std::variant<JqProgram, std::string> JqProgram::compile(const std::string& expression) {
    auto state = std::make_unique<State>();
    if (!state->jq) return std::string("jq: cannot initialise libjq");
    // Without a callback libjq prints its messages on stderr itself; they go into the error instead. The
    // callback owns the message it is given.
    jq_set_error_cb(
        state->jq,
        [](void* data, jv message) {
            auto& errors = *static_cast<std::string*>(data);
            if (!errors.empty()) errors += '\n';
            errors += error_text(message);
            while (errors.ends_with('\n')) errors.pop_back();
        },
        &state->errors);
    // What jq's command line sets up and libjq assumes (without them, `import` or `input` crashed the
    // process):
    // - a module search path (empty: `import` and `include` fail with jq's "module not found" error; there
    //   is no ~/.jq for a program that runs inside another tool), and the origins a search path may name
    //   ($ORIGIN, relative paths): /dev/null, which is no directory, so they find nothing either;
    // - an input callback that says there is no more input, as jq's does at the end of its input (`inputs`
    //   is empty, `input` fails as it does in jq): the response is the only input;
    // - a debug callback, writing `["DEBUG:",value]` on stderr as jq does, redacted like every output.
    jq_set_attr(state->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
    jq_set_attr(state->jq, jv_string("JQ_ORIGIN"), jv_string("/dev/null"));
    jq_set_attr(state->jq, jv_string("JQ_PROG_ORIGIN"), jv_string("/dev/null"));
    jq_set_input_cb(state->jq, [](jq_state*, void*) { return jv_invalid(); }, nullptr);
    jq_set_debug_cb(
        state->jq,
        [](void*, jv value) {
            Jv line(jv_dump_string(JV_ARRAY(jv_string("DEBUG:"), value), 0));
            std::fprintf(stderr, "%s\n", redact(line.string()).c_str());
        },
        nullptr);
    if (!jq_compile(state->jq, expression.c_str()))
        return state->errors.empty() ? std::string("jq: the program does not compile") : state->errors;
    return JqProgram(std::move(state));
}

std::optional<std::string> JqProgram::run(const nlohmann::json& input, const Sink& sink) {
    // Through JSON text: libjq reads it as `jq` reads its input (jq 1.6 reads numbers as doubles).
    const auto text = input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    Jv value(jv_parse_sized(text.data(), static_cast<int>(text.size())));
    if (value.kind() == JV_KIND_INVALID) {
        return "jq: cannot read the input: " + error_text(jv_invalid_get_msg(value.release()));
    }
    jq_state* jq = state_->jq;
    jq_start(jq, value.release(), 0);
    for (;;) {
        Jv out(jq_next(jq));
        if (out.kind() != JV_KIND_INVALID) {
            if (!sink(output_text(out))) return std::nullopt;
            continue;
        }
        // An invalid value without a message is the end of the outputs.
        if (!jv_invalid_has_msg(out.copy())) break;
        return "jq: error: " + error_text(jv_invalid_get_msg(out.release()));
    }
    // `halt_error`: its message is the error, as jq prints it.
    if (jq_halted(jq)) {
        Jv code(jq_get_exit_code(jq));
        Jv message(jq_get_error_message(jq));
        if (code.kind() == JV_KIND_NUMBER && jv_number_value(code.copy()) != 0)
            return message.kind() == JV_KIND_STRING ? std::string(message.string()) : output_text(message);
    }
    return std::nullopt;
}

}  // namespace ccai::cli
