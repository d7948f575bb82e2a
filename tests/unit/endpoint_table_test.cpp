// The generated table (offsets into pools, endpoints/gen_endpoints.cpp) read back through EndpointSpec's
// accessors must give endpoints.json, field by field: a wrong offset or a list cut at the wrong row shows here.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"

using nlohmann::json;

namespace {

json catalog() {
    std::ifstream in(CCAI_SOURCE_DIR "/endpoints/endpoints.json");
    return json::parse(in);
}

// As the generator reads a key: missing or null is "", a non-string is its JSON text.
std::string str(const json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return "";
    return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

ccai::Required required(const json& j) {
    if (!j.contains("required") || j["required"].is_null()) return ccai::Required::unknown;
    return j["required"].get<bool>() ? ccai::Required::yes : ccai::Required::no;
}

std::vector<std::string> strings(const json& arr) {
    std::vector<std::string> out;
    if (arr.is_array())
        for (const auto& v : arr) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

std::vector<std::string> strings(const ccai::TextList& list) { return {list.begin(), list.end()}; }

void check_params(std::span<const ccai::ParamSpec> got, const json& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].name() == str(want[i], "name"));
        CHECK(got[i].type() == str(want[i], "type"));
        CHECK(got[i].required() == required(want[i]));
        CHECK(got[i].desc() == str(want[i], "desc"));
        CHECK(got[i].default_value() == str(want[i], "default"));
        CHECK(strings(got[i].enums()) == strings(want[i].value("enum", json())));
    }
}

}  // namespace

TEST_CASE("the generated endpoint table reads back as endpoints.json") {
    const json rows = catalog();
    REQUIRE(ccai::endpoints().size() == rows.size());
    std::size_t n = 0;
    for (const auto& want : rows) {
        const auto& e = ccai::endpoints()[n++];
        CAPTURE(str(want, "id"));
        CHECK(e.id() == str(want, "id"));
        CHECK(e.group() == str(want, "group"));
        CHECK(e.action() == str(want, "action"));
        CHECK(e.title() == str(want, "title"));
        CHECK(e.doc() == str(want, "doc"));
        CHECK(e.method() == str(want, "method"));
        CHECK(e.path() == str(want, "path"));
        check_params(e.path_params(), want["path_params"]);
        check_params(e.query_params(), want["query_params"]);

        const json cq = want["const_query"].is_object() ? want["const_query"] : json::object();
        REQUIRE(e.const_query().size() == cq.size());
        std::size_t i = 0;
        for (const auto& [k, v] : cq.items()) {
            CHECK(e.const_query()[i].name() == k);
            CHECK(e.const_query()[i++].value() == v.get<std::string>());
        }

        REQUIRE(e.headers().size() == want["headers"].size());
        for (i = 0; i < e.headers().size(); ++i) {
            CHECK(e.headers()[i].name() == str(want["headers"][i], "name"));
            CHECK(e.headers()[i].from() == str(want["headers"][i], "from"));
            CHECK(e.headers()[i].required() == required(want["headers"][i]));
        }

        CHECK(e.content_type() == str(want, "content_type"));
        REQUIRE(e.body().size() == want["body"].size());
        for (i = 0; i < e.body().size(); ++i) {
            const auto& f = want["body"][i];
            CHECK(e.body()[i].name() == str(f, "name"));
            CHECK(e.body()[i].type() == str(f, "type"));
            CHECK(e.body()[i].required() == required(f));
            CHECK(e.body()[i].desc() == str(f, "desc"));
            CHECK(strings(e.body()[i].enums()) == strings(f.value("enum", json())));
        }
        CHECK(e.body_is_array() == want.value("body_is_array", false));
        CHECK(strings(e.response_fields()) == strings(want["response_fields"]));
        CHECK(e.response_list_key() == str(want, "response_list_key"));

        REQUIRE((e.pagination() != nullptr) == want["pagination"].is_object());
        if (e.pagination()) {
            CHECK(e.pagination()->style() == str(want["pagination"], "style"));
            CHECK(strings(e.pagination()->params()) == strings(want["pagination"]["params"]));
            CHECK(e.pagination()->notes() == str(want["pagination"], "notes"));
            CHECK(e.pagination()->counts_pages() == (str(want["pagination"], "unit") == "pages"));
        }
        CHECK(e.notes() == str(want, "notes"));
        CHECK(e.read_only() == want.at("read_only").get<bool>());
        CHECK(e.rate_limit() == str(want["rate_limit"], "limit"));
        CHECK(e.rate_limit_listed() == want["rate_limit"].at("listed").get<bool>());
        const json groups = want.value("one_of", json::array());
        REQUIRE(e.one_of().size() == groups.size());
        for (i = 0; i < groups.size(); ++i) {
            CHECK(e.one_of()[i].where() == str(groups[i], "in"));
            CHECK(strings(e.one_of()[i].names()) == strings(groups[i]["names"]));
            CHECK(e.one_of()[i].exactly() == (str(groups[i], "count") == "exactly-one"));
        }
    }
}

TEST_CASE("a list of catalog strings is a range of string_view") {
    const auto* spec = ccai::find_endpoint("skills.create");
    REQUIRE(spec != nullptr);
    const ccai::FieldSpec* with_enums = nullptr;
    for (const auto& f : spec->body())
        if (!f.enums().empty()) with_enums = &f;
    REQUIRE(with_enums != nullptr);
    const auto enums = with_enums->enums();
    CHECK(enums.size() == static_cast<std::size_t>(std::distance(enums.begin(), enums.end())));
    CHECK(enums.front() == enums[0]);
    CHECK(std::find(enums.begin(), enums.end(), enums[enums.size() - 1]) != enums.end());
    CHECK(std::find(enums.begin(), enums.end(), "no such value") == enums.end());
}
