// CSV batch input: RFC 4180 records, columns mapped to parameters or body paths, cells typed by the catalog.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "batch/internal.hpp"
#include "ccai/body_fields.hpp"
#include "ccai/batch.hpp"
#include "ccai/limits.hpp"

namespace ccai::batch {

namespace {

struct CsvRecord {
    long long line = 0;  // physical line the record starts on
    std::vector<std::string> cells;
    std::size_t bytes = 0;  // all of its bytes, newlines inside quotes included
    bool holds_nul = false;
    bool unclosed = false;  // the input ended inside a quoted cell
    [[nodiscard]] bool too_long() const { return bytes > kMaxBatchLineBytes; }
};

// Reads one record; quoted cells may hold commas, quotes ("") and newlines. False at end of input. A record
// longer than a batch line may be is read to its end but not kept: memory stays flat whatever its length.
bool next_record(std::istream& in, long long& line, detail::Fingerprint& fp, CsvRecord& out) {
    out.cells.assign(1, "");
    out.line = line;
    out.bytes = 0;
    out.holds_nul = false;
    bool quoted = false, any = false;
    for (int c; (c = in.get()) != EOF;) {
        any = true;
        const char ch = static_cast<char>(c);
        fp.add(std::string_view(&ch, 1));
        if (ch == '\n') ++line;
        if (ch == '\0') out.holds_nul = true;
        if (ch != '\n' || quoted) ++out.bytes;
        if (out.too_long()) {
            if (out.cells.size() > 1 || !out.cells[0].empty()) out.cells.assign(1, "");  // nothing of it is kept
            if (ch == '"') quoted = !quoted;  // "" inside quotes toggles twice: the record still ends right
            else if (ch == '\n' && !quoted) break;
            continue;
        }
        if (quoted) {
            if (ch == '"' && in.peek() == '"') {
                fp.add(std::string_view(&ch, 1));
                ++out.bytes;
                out.cells.back() += static_cast<char>(in.get());
            } else if (ch == '"') quoted = false;
            else out.cells.back() += ch;
        } else if (ch == '"') quoted = true;
        else if (ch == ',') out.cells.emplace_back();
        else if (ch == '\n') break;
        else if (ch != '\r') out.cells.back() += ch;
    }
    out.unclosed = quoted && in.eof();
    return any;
}

enum class Target { ignore, id, param, body, both };  // both: skills.create has skillGroupId in path and body
struct Column {
    std::string name;
    Target target = Target::ignore;
    std::string field;
    std::vector<BodyPathStep> path = {};  // Target::body and both: the field's path, parsed once from the header
};

bool is_param(const EndpointSpec& spec, std::string_view name) {
    for (const auto ps : {spec.path_params(), spec.query_params()})
        for (const auto& p : ps)
            if (p.name() == name) return true;
    return false;
}

bool is_top_body_field(const EndpointSpec& spec, std::string_view name) {
    return std::any_of(spec.body().begin(), spec.body().end(), [&](const FieldSpec& f) { return f.name() == name; }) &&
           name.find_first_of(".[") == std::string_view::npos;
}

Result<Column> resolve_column(const EndpointSpec& spec, const CsvOptions& o, const std::string& name) {
    Column c{name, Target::ignore, ""};
    const auto mapped = std::find_if(o.map.begin(), o.map.end(), [&](const auto& m) { return m.first == name; });
    const std::string field = mapped != o.map.end() ? mapped->second : name;
    if (mapped != o.map.end() && field.empty()) return c;
    if (mapped == o.map.end() && name == o.id_column) return Column{name, Target::id, ""};
    if (is_param(spec, field)) {
        if (!is_top_body_field(spec, field)) return Column{name, Target::param, field};
        return Column{name, Target::both, field, {BodyPathStep{BodyPathStep::Kind::key, field, 0, field.size()}}};
    }
    if (mapped != o.map.end() || is_top_body_field(spec, field)) {
        if (!spec.takes_body()) return invalid_input(fmt::format("column '{}': {} takes no body", name, spec.id()));
        auto path = parse_body_path(field);
        if (!path) return invalid_input(fmt::format("column '{}': {}", name, path.error().message));
        return Column{name, Target::body, field, std::move(*path)};
    }
    return invalid_input(fmt::format("column '{}' is neither a parameter nor a body field of {}: map it with "
                                     "--map '{}=FIELD' or ignore it with --map '{}='", name, spec.id(), name, name));
}

// A cell as the JSON the catalog's type asks for; untyped fields stay strings.
Result<nlohmann::json> typed_cell(const EndpointSpec& spec, const Column& col, const std::string& cell) {
    const std::string type(body_field_type(spec, body_path_catalog_name(col.path)).value_or(""));
    if (!is_json_type(type)) return nlohmann::json(cell);
    if (json_depth_exceeded_at(cell))
        return invalid_input(fmt::format("column '{}': {} for body field '{}'", col.name, json_too_deep_text(), col.field));
    auto v = json_of_type(type, cell);
    if (!v) return invalid_input(fmt::format("column '{}': '{}' is not a valid {} for body field '{}'", col.name, cell, type, col.field));
    return std::move(*v);
}

Result<Unit> fill_row(Item& item, const std::vector<Column>& cols, const CsvRecord& rec) {
    if (auto ok = detail::check_line_bounds(rec.bytes, rec.holds_nul); !ok) return ok.error();
    if (rec.unclosed) return invalid_input("a quoted cell is still open at the end of the input");
    if (rec.cells.size() != cols.size())
        return invalid_input(fmt::format("{} cells, the header has {}", rec.cells.size(), cols.size()));
    for (size_t i = 0; i < cols.size(); ++i) {
        const auto& cell = rec.cells[i];
        const auto& col = cols[i];
        if (col.target == Target::id) item.id = cell;
        if (cell.empty() || col.target == Target::ignore || col.target == Target::id) continue;
        if (col.target == Target::param || col.target == Target::both) {
            item.args.params[col.field] = cell;
            if (col.target == Target::param) continue;
        }
        auto v = typed_cell(*item.spec, col, cell);
        if (!v) return v.error();
        if (!item.args.body) item.args.body = nlohmann::json::object();
        if (auto ok = ccai::set_body_path(*item.args.body, col.path, col.field, std::move(*v)); !ok) return ok.error();
    }
    return Unit{};
}

}  // namespace

namespace detail {

Result<Scan> each_csv(std::istream& in, const CsvOptions& o, const LineVisitor& visit) {
    const auto* spec = find_endpoint(o.op);
    if (!spec) return invalid_input(fmt::format("--op: unknown operation '{}'", o.op));
    Scan scan;
    Fingerprint fp;
    long long line = 1;
    CsvRecord header;
    // Excel's "CSV UTF-8" (and `-o csv --bom`) starts the file with a byte order mark: not part of the first
    // column's name. Only there: anywhere else it is data.
    const bool bom_first = in.peek() == 0xEF;
    if (!next_record(in, line, fp, header)) return invalid_input("the CSV input is empty (a header row is required)");
    if (constexpr std::string_view bom = "\xEF\xBB\xBF"; bom_first && header.cells[0].starts_with(bom))
        header.cells[0].erase(0, bom.size());
    if (header.unclosed) return invalid_input("the CSV header row has a quoted cell that is never closed");
    if (auto ok = detail::check_line_bounds(header.bytes, header.holds_nul); !ok)
        return invalid_input("the CSV header row: " + ok.error().message);
    std::vector<Column> cols;
    for (const auto& name : header.cells) {
        auto c = resolve_column(*spec, o, name);
        if (!c) return c.error();
        cols.push_back(std::move(*c));
    }
    for (const auto& [column, _] : o.map)
        if (std::find(header.cells.begin(), header.cells.end(), column) == header.cells.end())
            return invalid_input(fmt::format("--map {}: no such column in the header", column));
    bool more = true;
    for (CsvRecord rec; more && next_record(in, line, fp, rec);) {
        if (rec.cells.size() == 1 && rec.cells[0].empty() && !rec.too_long() && !rec.holds_nul) continue;  // blank line
        Item item;
        item.line = rec.line;
        item.op = o.op;
        item.spec = spec;
        if (auto ok = fill_row(item, cols, rec); !ok) item.problem = ok.error();
        ++scan.lines;
        scan.last_line = rec.line;
        more = visit(item);
    }
    if (in.bad()) return invalid_input("could not read the input");
    scan.fingerprint = fp.value;
    return scan;
}

}  // namespace detail

Result<Input> read_csv(std::istream& in, const CsvOptions& o) {
    Input input;
    auto scan = detail::each_csv(in, o, [&](Item& item) {
        input.items.push_back(std::move(item));
        return true;
    });
    if (!scan) return scan.error();
    input.fingerprint = scan->fingerprint;
    return input;
}

}  // namespace ccai::batch
