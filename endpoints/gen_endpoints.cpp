// gen_endpoints: turns endpoints.json (the catalog) into C++.
//
//   gen_endpoints endpoints.json OUT_DIR
//
// writes OUT_DIR/endpoints_table.cpp (the EndpointSpec table behind ccai::endpoints()) and
// OUT_DIR/ccai/operations.hpp (typed request structs and per-group accessors). Both are pure data
// or one-line forwards to Client::call: no request logic is generated, so it lives in one place.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

// A C++ string literal; octal escapes keep any byte safe.
std::string lit(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string str(const json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return "";
    if (j[key].is_string()) return j[key].get<std::string>();
    return j[key].dump();
}

std::string required(const json& j) {
    if (!j.contains("required") || j["required"].is_null()) return "ccai::Required::unknown";
    return j["required"].get<bool>() ? "ccai::Required::yes" : "ccai::Required::no";
}

// "skill-groups" -> "SkillGroups"; "skillGroupId" -> "skill_group_id"; "create-simple" -> "create_simple"
std::string pascal(const std::string& s) {
    std::string out;
    bool up = true;
    for (char c : s) {
        if (c == '-' || c == '_' || c == '.') { up = true; continue; }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

std::string snake(const std::string& s) {
    static const std::set<std::string> keywords = {"delete", "export", "import", "default", "new", "register"};
    std::string out;
    for (char c : s) {
        if (c == '-') out += '_';
        else if (std::isupper(static_cast<unsigned char>(c))) { out += '_'; out += static_cast<char>(std::tolower(c)); }
        else out += c;
    }
    if (keywords.count(out)) out += '_';
    return out;
}

// The table as pools of plain numbers (see sdk/include/ccai/endpoint.hpp for why no pointers): one
// character pool with each distinct string once, and one row pool per row type. A row refers to a string
// as {offset, size} and to a list as {first, count} in the pool of the list's type.
class Pools {
public:
    // A catalog string, or "" for a missing/null key; non-strings are kept as their JSON text.
    std::string text(const json& j, const char* key) { return text(str(j, key)); }
    std::string text(const std::string& s) {
        auto [it, added] = offsets_.try_emplace(s, chars_.size());
        if (added) chars_ += s;
        return "{" + std::to_string(it->second) + ", " + std::to_string(s.size()) + "}";
    }
    std::string texts(const json& arr) {
        if (!arr.is_array()) return "{0, 0}";
        std::string items;
        for (const auto& v : arr) items += "    " + text(v.is_string() ? v.get<std::string>() : v.dump()) + ",\n";
        return add(texts_, texts_n_, items, arr.size());
    }
    std::string params(const json& arr) {
        std::string items;
        for (const auto& p : arr)
            items += "    {" + text(p, "name") + ", " + text(p, "type") + ", " + required(p) + ", " + text(p, "desc") +
                     ", " + text(p, "default") + ", " + texts(p.value("enum", json())) + "},\n";
        return add(params_, params_n_, items, arr.size());
    }
    std::string fields(const json& arr) {
        std::string items;
        for (const auto& f : arr)
            items += "    {" + text(f, "name") + ", " + text(f, "type") + ", " + required(f) + ", " + text(f, "desc") +
                     ", " + texts(f.value("enum", json())) + "},\n";
        return add(fields_, fields_n_, items, arr.size());
    }
    std::string headers(const json& arr) {
        std::string items;
        for (const auto& h : arr) items += "    {" + text(h, "name") + ", " + text(h, "from") + ", " + required(h) + "},\n";
        return add(headers_, headers_n_, items, arr.size());
    }
    std::string const_query(const json& obj) {
        if (!obj.is_object()) return "{0, 0}";
        std::string items;
        for (const auto& [k, v] : obj.items()) items += "    {" + text(k) + ", " + text(v.get<std::string>()) + "},\n";
        return add(const_query_, const_query_n_, items, obj.size());
    }
    std::string pagination(const json& pg) {
        if (!pg.is_object()) return "ccai::EndpointSpec::kNoPagination";
        // unit: what the cursor counts, "items" or "pages", on every paginated row, so nothing reads it out of the
        // prose in `notes`. The cursor is the style's: skip counts items and page counts pages by their very
        // names; only offset can count either (the v2 call details' "number of pages to skip").
        const auto unit = str(pg, "unit");
        const auto style = str(pg, "style");
        const std::string cursor = style.find("skip") != std::string::npos     ? "skip"
                                   : style.find("offset") != std::string::npos ? "offset"
                                                                               : "page";
        const bool fits = cursor == "offset" ? unit == "pages" || unit == "items" : unit == (cursor == "skip" ? "items" : "pages");
        if (!fits)
            throw std::runtime_error("pagination style '" + style + "': unit must be " +
                                     (cursor == "offset" ? std::string("\"pages\" or \"items\"")
                                                         : "\"" + std::string(cursor == "skip" ? "items" : "pages") + "\" (its " + cursor + " cursor)") +
                                     ", not '" + unit + "'");
        paginations_ += "    {" + text(pg, "style") + ", " + texts(pg["params"]) + ", " + text(pg, "notes") + ", " +
                        (unit == "pages" ? "true" : "false") + "},\n";
        return std::to_string(paginations_n_++);
    }
    // "one of" groups: the members must be listed (body fields or query parameters) and optional each.
    std::string one_of(const json& e) {
        const json& groups = e.value("one_of", json::array());
        if (!groups.is_array()) throw std::runtime_error(str(e, "id") + ": one_of must be an array");
        std::string items;
        for (const auto& g : groups) {
            const auto where = str(g, "in");
            const auto count = str(g, "count");
            if (where != "body" && where != "query")
                throw std::runtime_error(str(e, "id") + ": one_of 'in' must be \"body\" or \"query\"");
            if (count != "exactly-one" && count != "at-least-one")
                throw std::runtime_error(str(e, "id") + ": one_of 'count' must be \"exactly-one\" or \"at-least-one\"");
            if (!g["names"].is_array() || g["names"].size() < 2)
                throw std::runtime_error(str(e, "id") + ": a one_of group names two members or more");
            const json& listed = where == "body" ? e["body"] : e["query_params"];
            for (const auto& n : g["names"]) {
                const auto it = std::find_if(listed.begin(), listed.end(), [&](const json& f) { return f["name"] == n; });
                if (it == listed.end() || n.get<std::string>().find("[]") != std::string::npos)
                    throw std::runtime_error(str(e, "id") + ": one_of member " + n.dump() + " is not a listed " + where +
                                             " field outside an array");
                if (it->value("required", json()) == json(true))
                    throw std::runtime_error(str(e, "id") + ": one_of member " + n.dump() + " cannot be required itself");
            }
            items += "    {" + text(where) + ", " + texts(g["names"]) + ", " + (count == "exactly-one" ? "true" : "false") + "},\n";
        }
        return add(one_ofs_, one_ofs_n_, items, groups.size());
    }
    // rate_limit: which documented limit's budget the call spends. Every one is the account's 60 per minute
    // today; `listed` says whether the rate-limit page names the operation or the budget is assumed.
    std::string rate_limit(const json& e) {
        const json& r = e.value("rate_limit", json());
        if (!r.is_object() || str(r, "per") != "account" || str(r, "limit").empty() || !r.value("listed", json()).is_boolean())
            throw std::runtime_error(str(e, "id") + ": rate_limit must be {\"per\": \"account\", \"limit\": \"N/WINDOW\", \"listed\": bool}");
        return text(r, "limit") + ", " + (r["listed"].get<bool>() ? "true" : "false");
    }
    void endpoint(const json& e) {
        if (!e.value("read_only", json()).is_boolean())
            throw std::runtime_error(str(e, "id") + ": read_only must be true or false");
        std::string paging;
        try {
            paging = pagination(e["pagination"]);
        } catch (const std::exception& x) {
            throw std::runtime_error(str(e, "id") + ": " + x.what());  // which row, not only which style
        }
        endpoints_ += "    {" + text(e, "id") + ", " + text(e, "group") + ", " + text(e, "action") + ", " + text(e, "title") +
                      ", " + text(e, "doc") + ", " + text(e, "method") + ", " + text(e, "path") + ",\n     " +
                      params(e["path_params"]) + ", " + params(e["query_params"]) + ", " + const_query(e["const_query"]) +
                      ", " + headers(e["headers"]) + ", " + text(e, "content_type") + ", " + fields(e["body"]) + ", " +
                      (e.value("body_is_array", false) ? "true" : "false") + ", " + texts(e["response_fields"]) + ", " +
                      text(e, "response_list_key") + ", " + paging + ", " + text(e, "notes") + ",\n     " +
                      one_of(e) + ", " + (e["read_only"].get<bool>() ? "true" : "false") + ", " + rate_limit(e) + "},\n";
    }
    void write(std::ostream& os) {
        // A pool is never empty in C++ (no zero-length arrays): an empty one gets one row of empty values.
        if (!texts_n_) texts(json::array({""}));
        if (!params_n_) params(json::array({json::object()}));
        if (!fields_n_) fields(json::array({json::object()}));
        if (!headers_n_) headers(json::array({json::object()}));
        if (!const_query_n_) const_query(json::object({{"", ""}}));
        if (!paginations_n_) pagination(json::object());
        if (!one_ofs_n_) add(one_ofs_, one_ofs_n_, "    {{0, 0}, {0, 0}, false},\n", 1);
        // constexpr, not const: with const, GCC 12 initialises such tables at startup (a static constructor
        // that writes every row on every ccai-cli call); constexpr makes them plain data in the image.
        os << "namespace ccai::detail {\n"
           << "extern constexpr char kCatalogChars[] = " << lit(chars_) << ";\n";
        pool(os, "CatalogText", "kCatalogTexts", texts_);
        pool(os, "ParamSpec", "kCatalogParams", params_);
        pool(os, "FieldSpec", "kCatalogFields", fields_);
        pool(os, "HeaderSpec", "kCatalogHeaders", headers_);
        pool(os, "ConstQuery", "kCatalogConstQueries", const_query_);
        pool(os, "PaginationSpec", "kCatalogPaginations", paginations_);
        pool(os, "OneOfSpec", "kCatalogOneOfs", one_ofs_);
        pool(os, "EndpointSpec", "kEndpoints", endpoints_);
        os << "std::span<const EndpointSpec> endpoint_table() { return kEndpoints; }\n}  // namespace ccai::detail\n";
    }

private:
    // Appends a list's rows to its pool; returns its {first, count}.
    static std::string add(std::string& pool, std::size_t& n, const std::string& items, std::size_t count) {
        pool += items;
        const auto first = n;
        n += count;
        return "{" + std::to_string(count ? first : 0) + ", " + std::to_string(count) + "}";
    }
    static void pool(std::ostream& os, const char* type, const char* name, const std::string& rows) {
        os << "extern constexpr " << type << " " << name << "[] = {\n" << rows << "};\n";
    }

    std::string chars_;
    std::map<std::string, std::size_t> offsets_;
    std::string texts_, params_, fields_, headers_, const_query_, paginations_, one_ofs_, endpoints_;
    std::size_t texts_n_ = 0, params_n_ = 0, fields_n_ = 0, headers_n_ = 0, const_query_n_ = 0, paginations_n_ = 0,
                one_ofs_n_ = 0;
};

void write_table(const json& catalog, std::ostream& os) {
    os << "// Generated by endpoints/gen_endpoints.cpp from endpoints/endpoints.json. Do not edit.\n"
       << "#include \"ccai/endpoint.hpp\"\n\n";
    Pools pools;
    for (const auto& e : catalog) pools.endpoint(e);
    pools.write(os);
}

// The C++ type of a typed request field.
std::string cpp_type(const json& p) {
    const auto t = str(p, "type");
    std::string base = "std::string";
    if (t == "integer") base = "long long";
    else if (t == "number") base = "double";
    else if (t == "boolean") base = "bool";
    // Path values default from the profile (botId, orgId, accountId) or are checked at call time, so every
    // field is optional in C++ and "required" is enforced once, by the request builder.
    return "std::optional<" + base + ">";
}

void write_operations(const json& catalog, std::ostream& os) {
    os << "// Generated by endpoints/gen_endpoints.cpp from endpoints/endpoints.json. Do not edit.\n"
       << "#pragma once\n/// @file operations.hpp\n/// @brief Typed requests for every catalog operation, "
          "grouped as the CLI groups them.\n\n"
       << "#include <optional>\n#include <string>\n\n#include <nlohmann/json.hpp>\n\n"
       << "#include \"ccai/call_args.hpp\"\n\nnamespace ccai::ops {\n\n";
    // Request structs: one per operation, fields named after the catalog's parameters in snake_case.
    for (const auto& e : catalog) {
        const auto name = pascal(str(e, "group")) + pascal(str(e, "action"));
        os << "/// @brief " << str(e, "title") << " (" << str(e, "method") << " " << str(e, "path") << ")\n"
           << "struct " << name << " {\n";
        std::ostringstream to_args;
        std::set<std::string> seen;
        for (const char* where : {"path_params", "query_params"}) {
            for (const auto& p : e[where]) {
                const auto field = snake(str(p, "name"));
                if (!seen.insert(field).second) continue;
                // "= {}": a caller's designated initializer ({.agent_id = "a-1"}) may leave any field out
                // without -Wmissing-field-initializers warnings.
                os << "    " << cpp_type(p) << " " << field << " = {};\n";
                to_args << "        a.set(" << lit(str(p, "name")) << ", " << field << ");\n";
            }
        }
        if (str(e, "content_type") == "multipart/form-data") {
            os << "    std::string file = {};  ///< path of the file to upload\n";
            to_args << "        a.file = file;\n";
        } else if (str(e, "content_type") == "application/json" || !e["body"].empty()) {
            os << "    nlohmann::json body" << (e.value("body_is_array", false) ? " = nlohmann::json::array()" : " = nlohmann::json::object()") << ";\n";
            to_args << "        a.body = body;\n";
        }
        os << "    static constexpr const char* id = " << lit(str(e, "id")) << ";\n"
           << "    [[nodiscard]] CallArgs args() const {\n        CallArgs a;\n" << to_args.str()
           << "        return a;\n    }\n};\n\n";
    }
    os << "}  // namespace ccai::ops\n";
}

// Group accessors: client.skills().get({...}) forwards to Client::call with the operation's row.
// Groups keep the order of their first appearance in the catalog (a group's rows need not be adjacent).
void write_groups(const json& catalog, std::ostream& os) {
    os << "// Generated by endpoints/gen_endpoints.cpp from endpoints/endpoints.json. Do not edit.\n"
       << "#pragma once\n/// @file groups.hpp\n/// @brief Per-group accessors of the typed SDK.\n\n"
       << "#include \"ccai/operations.hpp\"\n#include \"ccai/error.hpp\"\n\nnamespace ccai {\nclass Client;\n"
       << "Result<nlohmann::json> call_operation(Client& client, const char* id, const CallArgs& args);\n\n";
    std::vector<std::string> order;
    std::map<std::string, std::vector<json>> rows;
    for (const auto& e : catalog) {
        const auto g = str(e, "group");
        if (!rows.count(g)) order.push_back(g);
        rows[g].push_back(e);
    }
    std::ostringstream accessors;
    for (const auto& g : order) {
        const auto cls = pascal(g) + "Api";
        os << "/// @brief Operations of the `" << g << "` group.\nclass " << cls << " {\npublic:\n"
           << "    explicit " << cls << "(Client& c) : c_(c) {}\n";
        for (const auto& e : rows[g]) {
            const auto type = "ops::" + pascal(g) + pascal(str(e, "action"));
            os << "    /// @brief " << str(e, "title") << "\n    Result<nlohmann::json> " << snake(str(e, "action"))
               << "(const " << type << "& r = {}) { return call_operation(c_, " << type << "::id, r.args()); }\n";
        }
        os << "private:\n    Client& c_;\n};\n\n";
        accessors << "    " << cls << " " << snake(g) << "() { return " << cls << "(self()); }\n";
    }
    os << "/// @brief Mixed into Client: one accessor per group.\ntemplate <class Self>\nclass GroupAccessors {\npublic:\n"
       << accessors.str()
       << "private:\n    Client& self() { return static_cast<Self&>(*this); }\n};\n\n}  // namespace ccai\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: gen_endpoints endpoints.json OUT_DIR\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    const json catalog = json::parse(in);
    const std::string out = argv[2];
    std::ofstream table(out + "/endpoints_table.cpp");
    try {
        write_table(catalog, table);
    } catch (const std::exception& e) {
        std::cerr << "gen_endpoints: " << argv[1] << ": " << e.what() << "\n";
        return 1;
    }
    std::ofstream ops(out + "/ccai/operations.hpp");
    write_operations(catalog, ops);
    std::ofstream groups(out + "/ccai/groups.hpp");
    write_groups(catalog, groups);
    return table && ops && groups ? 0 : 1;
}
