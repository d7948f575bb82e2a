// Batch input: JSON Lines parsing, validation of every line before anything is sent, and the JSON forms of
// records, outcomes and errors.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "batch_internal.hpp"
#include "ccai/batch.hpp"
#include "ccai/redact.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::batch {

namespace detail {

void Fingerprint::add(std::string_view bytes) {
    for (unsigned char c : bytes) {
        value ^= c;
        value *= 1099511628211ULL;
    }
}

// Params are strings on the wire; JSON Lines users naturally write numbers and booleans.
std::optional<std::string> param_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return std::nullopt;
}

}  // namespace detail

namespace {

Result<Unit> fill_params(Item& item, const nlohmann::json& params) {
    if (!params.is_object()) return invalid_input("\"params\" must be an object");
    for (const auto& [k, v] : params.items()) {
        auto text = detail::param_text(v);
        if (!text) return invalid_input(fmt::format("param '{}' must be a string, number or boolean", k));
        item.args.params[k] = *text;
    }
    return Unit{};
}

Result<Unit> fill_item(Item& item, const nlohmann::json& j) {
    if (!j.is_object()) return invalid_input("each line must be a JSON object");
    for (const auto& [k, v] : j.items())
        if (k != "op" && k != "params" && k != "body" && k != "file" && k != "id")
            return invalid_input(fmt::format("unknown key '{}' (expected op, params, body, file, id)", k));
    if (auto it = j.find("id"); it != j.end() && !it->is_null()) item.id = it->is_string() ? it->get<std::string>() : it->dump();
    const auto op = j.find("op");
    if (op == j.end() || !op->is_string()) return invalid_input("missing \"op\" (an operation id such as \"agents.create\")");
    item.op = op->get<std::string>();
    item.spec = find_endpoint(item.op);
    if (!item.spec) return invalid_input(fmt::format("unknown operation '{}'", item.op));
    if (auto it = j.find("params"); it != j.end())
        if (auto ok = fill_params(item, *it); !ok) return ok.error();
    if (auto it = j.find("body"); it != j.end()) item.args.body = *it;
    if (auto it = j.find("file"); it != j.end()) {
        if (!it->is_string()) return invalid_input("\"file\" must be a path");
        item.args.file = it->get<std::string>();
    }
    return Unit{};
}

}  // namespace

namespace detail {

Result<Scan> each_jsonl(std::istream& in, const LineVisitor& visit) {
    Scan scan;
    Fingerprint fp;
    std::string text;
    bool more = true;
    for (long long number = 1; more && std::getline(in, text); ++number) {
        fp.add(text);
        fp.add("\n");
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        Item item;
        item.line = number;
        auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_discarded()) item.problem = invalid_input("not valid JSON");
        else if (auto ok = fill_item(item, j); !ok) item.problem = ok.error();
        ++scan.lines;
        scan.last_line = number;
        more = visit(item);
    }
    if (in.bad()) return invalid_input("could not read the input");
    scan.fingerprint = fp.value;
    return scan;
}

void validate_item(Item& item, const Config& config) {
    if (item.problem) return;
    if (auto built = build_request(*item.spec, item.args, config); !built) item.problem = built.error();
}

}  // namespace detail

Result<Input> read_jsonl(std::istream& in) {
    Input input;
    auto scan = detail::each_jsonl(in, [&](Item& item) {
        input.items.push_back(std::move(item));
        return true;
    });
    if (!scan) return scan.error();
    input.fingerprint = scan->fingerprint;
    return input;
}

void validate(Input& input, const Config& config) {
    for (auto& item : input.items) detail::validate_item(item, config);
}

Result<Scan> validate(const Source& source, const Config& config, const std::function<void(const Item&)>& on_invalid) {
    long long invalid = 0;
    auto scan = source.each([&](Item& item) {
        detail::validate_item(item, config);
        if (item.problem) {
            ++invalid;
            if (on_invalid) on_invalid(item);
        }
        return true;
    });
    if (scan) scan->invalid = invalid;
    return scan;
}

Source Source::jsonl(Opener open) {
    Source s;
    s.open_ = std::move(open);
    return s;
}

Source Source::csv(Opener open, CsvOptions options) {
    Source s;
    s.open_ = std::move(open);
    s.csv_ = std::move(options);
    return s;
}

namespace {

Source::Opener file_opener(const std::string& path) {
    return [path]() -> Result<std::unique_ptr<std::istream>> {
        auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
        if (!*in) return invalid_input(fmt::format("cannot read {}", path));
        return std::unique_ptr<std::istream>(std::move(in));
    };
}

}  // namespace

Source Source::jsonl_file(const std::string& path) { return jsonl(file_opener(path)); }
Source Source::csv_file(const std::string& path, CsvOptions options) { return csv(file_opener(path), std::move(options)); }

Result<Scan> Source::each(const LineVisitor& visit) const {
    if (!open_) return invalid_input("no input");
    auto in = open_();
    if (!in) return in.error();
    return csv_ ? detail::each_csv(**in, *csv_, visit) : detail::each_jsonl(**in, visit);
}

std::vector<const Item*> invalid_items(const Input& input) {
    std::vector<const Item*> out;
    for (const auto& item : input.items)
        if (item.problem) out.push_back(&item);
    return out;
}

std::string_view to_string(Outcome o) {
    switch (o) {
        case Outcome::ok: return "ok";
        case Outcome::failed: return "failed";
        case Outcome::in_doubt: return "in-doubt";
        case Outcome::invalid: return "invalid";
    }
    return "failed";
}

std::optional<Outcome> outcome_from_string(std::string_view t) {
    for (auto o : {Outcome::ok, Outcome::failed, Outcome::in_doubt, Outcome::invalid})
        if (to_string(o) == t) return o;
    return std::nullopt;
}

nlohmann::json error_to_json(const ApiError& e) {
    static constexpr const char* names[] = {"", "error", "invalid_input", "config", "auth", "not_found",
                                            "client_error", "rate_limited", "server_error", "network"};
    const auto k = static_cast<int>(e.kind);
    nlohmann::json j = {{"kind", k >= 1 && k <= 9 ? names[k] : "error"}, {"message", redact(e.message)}, {"exit_code", k}};
    if (e.http_status) j["status"] = e.http_status;
    if (!e.code.empty()) j["code"] = e.code;
    if (!e.request_id.empty()) j["request_id"] = e.request_id;
    return j;
}

nlohmann::json Record::to_json() const {
    nlohmann::json j = {{"line", line}, {"id", id.empty() ? nlohmann::json() : nlohmann::json(id)}, {"op", op},
                        {"outcome", to_string(outcome)}, {"status", status}};
    if (outcome == Outcome::ok) j["response"] = response;
    else j["error"] = error;
    j["attempts"] = attempts;
    j["pacer_wait_ms"] = pacer_wait_ms;
    return redact_json(std::move(j));  // results and journal files are output: no secret, no token
}

std::optional<Record> Record::from_json(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("line") || !j.contains("outcome")) return std::nullopt;
    const auto outcome = outcome_from_string(j.value("outcome", ""));
    if (!outcome || !j["line"].is_number_integer()) return std::nullopt;
    Record r;
    r.line = j["line"].get<long long>();
    r.id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
    r.op = j.value("op", "");
    r.outcome = *outcome;
    r.status = j.value("status", 0);
    r.response = j.value("response", nlohmann::json());
    r.error = j.value("error", nlohmann::json());
    r.attempts = j.value("attempts", 0);
    r.pacer_wait_ms = j.value("pacer_wait_ms", 0LL);
    return r;
}

nlohmann::json Summary::to_json() const {
    return {{"total", counts.total},       {"ok", counts.ok},         {"failed", counts.failed},
            {"in_doubt", counts.in_doubt}, {"invalid", counts.invalid}, {"not_started", not_started},
            {"retries", counts.retries},   {"sent", counts.sent_this_run}, {"interrupted", interrupted}};
}

}  // namespace ccai::batch
