#pragma once
// The mock routes with the SDK's matcher (ccai/route.hpp), the one the response cache classifies requests by.
#include "ccai/route.hpp"

namespace ccai::mock {

using ccai::match_route;
using ccai::QueryParams;
using ccai::RouteMatch;

}  // namespace ccai::mock
