#pragma once
/// @file endpoint.hpp
/// @brief The endpoint catalog as C++ data: one EndpointSpec per CCAI operation.
///
/// The table is generated at build time from endpoints/endpoints.json (see endpoints/gen_endpoints.cpp).
/// It drives the typed SDK, the CLI command tree, completions and ccai-mock.
///
/// Rows hold offsets into the catalog's pools, not pointers, and are read through accessors that return
/// std::string_view and std::span. A table of pointers must be relocated by the loader in every process
/// that maps it (executables are position-independent): ~100 KiB of it, 24 pages copied on every
/// ccai-cli call. Offsets need no relocation, so a call reads only the pages it uses (bench/RESULTS.md).

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

namespace ccai {

/// @brief Tri-state "required" as the catalog records it (unknown = the docs do not say).
enum class Required { no, yes, unknown };

namespace detail {
/// A string of the catalog: where it lies in the character pool.
struct CatalogText {
    std::uint32_t offset, size;
};
/// A list of the catalog: where it lies in the pool of its element type.
struct CatalogRows {
    std::uint32_t first, count;
};
extern const char kCatalogChars[];
extern const CatalogText kCatalogTexts[];
inline std::string_view text(CatalogText t) { return {kCatalogChars + t.offset, t.size}; }
template <class Row>
std::span<const Row> rows(const Row* pool, CatalogRows r) {
    return {pool + r.first, r.count};
}
}  // namespace detail

/// @brief A list of catalog strings (allowed values, response fields, ...), read as std::string_view.
class TextList {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;  // it yields values, not references
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::string_view;
        iterator() = default;
        explicit iterator(const detail::CatalogText* at) : at_(at) {}
        std::string_view operator*() const { return detail::text(*at_); }
        iterator& operator++() {
            ++at_;
            return *this;
        }
        iterator operator++(int) {
            auto before = *this;
            ++at_;
            return before;
        }
        bool operator==(const iterator&) const = default;

    private:
        const detail::CatalogText* at_ = nullptr;
    };

    explicit TextList(std::span<const detail::CatalogText> items) : items_(items) {}
    iterator begin() const { return iterator(items_.data()); }
    iterator end() const { return iterator(items_.data() + items_.size()); }
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    std::string_view operator[](std::size_t i) const { return detail::text(items_[i]); }
    std::string_view front() const { return (*this)[0]; }

private:
    std::span<const detail::CatalogText> items_;
};

namespace detail {
inline TextList texts(CatalogRows r) { return TextList(rows(kCatalogTexts, r)); }
}  // namespace detail

/// @brief A path or query parameter.
class ParamSpec {
public:
    using Text = detail::CatalogText;
    constexpr ParamSpec(Text name, Text type, Required required, Text desc, Text default_value,
                        detail::CatalogRows enums)
        : name_(name), type_(type), desc_(desc), default_(default_value), enums_(enums), required_(required) {}
    std::string_view name() const { return detail::text(name_); }  ///< catalog name, e.g. "skillGroupId"
    /// "string", "integer", "number", "boolean", "array[string]" or ""
    std::string_view type() const { return detail::text(type_); }
    Required required() const { return required_; }
    std::string_view desc() const { return detail::text(desc_); }
    std::string_view default_value() const { return detail::text(default_); }  ///< "" when none documented
    TextList enums() const { return detail::texts(enums_); }  ///< allowed values, empty when free

private:
    Text name_, type_, desc_, default_;
    detail::CatalogRows enums_;
    Required required_;
};

/// @brief A body field; nested fields use dotted / `[]` notation ("queues[].id").
class FieldSpec {
public:
    using Text = detail::CatalogText;
    constexpr FieldSpec(Text name, Text type, Required required, Text desc, detail::CatalogRows enums)
        : name_(name), type_(type), desc_(desc), enums_(enums), required_(required) {}
    std::string_view name() const { return detail::text(name_); }
    std::string_view type() const { return detail::text(type_); }
    Required required() const { return required_; }
    std::string_view desc() const { return detail::text(desc_); }
    TextList enums() const { return detail::texts(enums_); }

private:
    Text name_, type_, desc_;
    detail::CatalogRows enums_;
    Required required_;
};

/// @brief A header besides `auth`, filled from the profile ("account_id" or "bot_id").
class HeaderSpec {
public:
    using Text = detail::CatalogText;
    constexpr HeaderSpec(Text name, Text from, Required required) : name_(name), from_(from), required_(required) {}
    std::string_view name() const { return detail::text(name_); }
    std::string_view from() const { return detail::text(from_); }
    Required required() const { return required_; }

private:
    Text name_, from_;
    Required required_;
};

/// @brief A fixed query value the SDK always sends (e.g. campaignType=sms).
class ConstQuery {
public:
    using Text = detail::CatalogText;
    constexpr ConstQuery(Text name, Text value) : name_(name), value_(value) {}
    std::string_view name() const { return detail::text(name_); }
    std::string_view value() const { return detail::text(value_); }

private:
    Text name_, value_;
};

/// @brief How a list operation pages ("skip-limit", "page", "offset", "page in request body", ...).
class PaginationSpec {
public:
    using Text = detail::CatalogText;
    constexpr PaginationSpec(Text style, detail::CatalogRows params, Text notes, bool counts_pages)
        : style_(style), notes_(notes), params_(params), counts_pages_(counts_pages) {}
    std::string_view style() const { return detail::text(style_); }
    TextList params() const { return detail::texts(params_); }
    std::string_view notes() const { return detail::text(notes_); }
    /// @brief The catalog's `unit` is "pages": the cursor (page, or an offset that skips pages) counts pages,
    /// not items.
    bool counts_pages() const { return counts_pages_; }

private:
    Text style_, notes_;
    detail::CatalogRows params_;
    bool counts_pages_;
};

/// @brief Fields or parameters of which exactly one (or at least one) must be given: transfer's `aId` |
/// `queueId`, recordings fetch-v1's `userId` | `sessionId`. Each member is optional on its own.
class OneOfSpec {
public:
    using Text = detail::CatalogText;
    constexpr OneOfSpec(Text where, detail::CatalogRows names, bool exactly)
        : where_(where), names_(names), exactly_(exactly) {}
    /// "body" (dotted field names) or "query" (query parameter names)
    std::string_view where() const { return detail::text(where_); }
    TextList names() const { return detail::texts(names_); }
    /// @brief True: exactly one may be given; false: at least one.
    bool exactly() const { return exactly_; }

private:
    Text where_;
    detail::CatalogRows names_;
    bool exactly_;
};

namespace detail {
extern const ParamSpec kCatalogParams[];
extern const FieldSpec kCatalogFields[];
extern const HeaderSpec kCatalogHeaders[];
extern const ConstQuery kCatalogConstQueries[];
extern const PaginationSpec kCatalogPaginations[];
extern const OneOfSpec kCatalogOneOfs[];
}  // namespace detail

/// @brief One operation of the catalog.
class EndpointSpec {
public:
    using Text = detail::CatalogText;
    using Rows = detail::CatalogRows;
    static constexpr std::uint32_t kNoPagination = UINT32_MAX;
    /// The generated table's row (endpoints/gen_endpoints.cpp); the order is that of the accessors.
    constexpr EndpointSpec(Text id, Text group, Text action, Text title, Text doc, Text method, Text path,
                           Rows path_params, Rows query_params, Rows const_query, Rows headers, Text content_type,
                           Rows body, bool body_is_array, Rows response_fields, Text response_list_key,
                           std::uint32_t pagination, Text notes, Rows one_of, bool read_only, Text rate_limit,
                           bool rate_limit_listed)
        : id_(id), group_(group), action_(action), title_(title), doc_(doc), method_(method), path_(path),
          content_type_(content_type), response_list_key_(response_list_key), notes_(notes), rate_limit_(rate_limit),
          path_params_(path_params), query_params_(query_params), const_query_(const_query), headers_(headers),
          body_(body), response_fields_(response_fields), one_of_(one_of), pagination_(pagination),
          body_is_array_(body_is_array), read_only_(read_only), rate_limit_listed_(rate_limit_listed) {}

    std::string_view id() const { return detail::text(id_); }          ///< "group.action"
    std::string_view group() const { return detail::text(group_); }    ///< CLI group, e.g. "skill-groups"
    std::string_view action() const { return detail::text(action_); }  ///< CLI action, e.g. "create"
    std::string_view title() const { return detail::text(title_); }
    std::string_view doc() const { return detail::text(doc_); }
    std::string_view method() const { return detail::text(method_); }  ///< GET, POST, PUT, DELETE
    std::string_view path() const { return detail::text(path_); }      ///< with {placeholders}
    std::span<const ParamSpec> path_params() const { return detail::rows(detail::kCatalogParams, path_params_); }
    std::span<const ParamSpec> query_params() const { return detail::rows(detail::kCatalogParams, query_params_); }
    std::span<const ConstQuery> const_query() const {
        return detail::rows(detail::kCatalogConstQueries, const_query_);
    }
    std::span<const HeaderSpec> headers() const { return detail::rows(detail::kCatalogHeaders, headers_); }
    /// "" when no body is documented
    std::string_view content_type() const { return detail::text(content_type_); }
    std::span<const FieldSpec> body() const { return detail::rows(detail::kCatalogFields, body_); }
    bool body_is_array() const { return body_is_array_; }
    TextList response_fields() const { return detail::texts(response_fields_); }
    /// "" for non-list operations
    std::string_view response_list_key() const { return detail::text(response_list_key_); }
    /// nullptr when the operation does not page
    const PaginationSpec* pagination() const {
        return pagination_ == kNoPagination ? nullptr : &detail::kCatalogPaginations[pagination_];
    }
    std::string_view notes() const { return detail::text(notes_); }
    /// @brief Groups of which one member must be given (see OneOfSpec); empty for most operations.
    std::span<const OneOfSpec> one_of() const { return detail::rows(detail::kCatalogOneOfs, one_of_); }
    /// @brief The call changes nothing: safe to re-send, repeat and cache, whatever its method (several
    /// reads are POSTs: analytics, call details, lists with a filter body).
    bool read_only() const { return read_only_; }
    /// @brief The documented limit whose budget the call spends, as N/WINDOW ("60/1m"); always the
    /// account's budget.
    std::string_view rate_limit() const { return detail::text(rate_limit_); }
    /// @brief True when the rate-limit page lists this operation; false when the page is silent and the
    /// account's budget is assumed (v2 campaigns, case management).
    bool rate_limit_listed() const { return rate_limit_listed_; }

    /// @brief True for a multipart upload (the request takes a file, not a JSON body).
    [[nodiscard]] bool is_multipart() const { return content_type() == "multipart/form-data"; }
    /// @brief True when the operation takes a JSON body.
    [[nodiscard]] bool takes_body() const {
        return !is_multipart() && (content_type() == "application/json" || !body().empty());
    }

private:
    Text id_, group_, action_, title_, doc_, method_, path_, content_type_, response_list_key_, notes_, rate_limit_;
    Rows path_params_, query_params_, const_query_, headers_, body_, response_fields_, one_of_;
    std::uint32_t pagination_;
    bool body_is_array_, read_only_, rate_limit_listed_;
};

/// @brief All operations, in catalog order.
std::span<const EndpointSpec> endpoints();

/// @brief The operation with this id ("skills.get"), or nullptr.
const EndpointSpec* find_endpoint(std::string_view id);

/// @brief The operation for a CLI group and action, or nullptr.
const EndpointSpec* find_endpoint(std::string_view group, std::string_view action);

}  // namespace ccai
