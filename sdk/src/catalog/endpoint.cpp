#include "ccai/endpoint.hpp"

namespace ccai {
namespace detail {
std::span<const EndpointSpec> endpoint_table();  // generated from endpoints/endpoints.json
}

std::span<const EndpointSpec> endpoints() { return detail::endpoint_table(); }

const EndpointSpec* find_endpoint(std::string_view id) {
    for (const auto& e : endpoints())
        if (e.id() == id) return &e;
    return nullptr;
}

const EndpointSpec* find_endpoint(std::string_view group, std::string_view action) {
    for (const auto& e : endpoints())
        if (e.group() == group && e.action() == action) return &e;
    return nullptr;
}

}  // namespace ccai
