// The pacer contract on the in-process and file backends (redis: tests/integration/pacer/pacer_redis_test.cpp).
#include "support/pacer_contract.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::test::pacer_contract;

TEST_CASE("pacer contract: memory backend") { run_all(Setup{"memory", ""}); }

TEST_CASE("pacer contract: file backend") { run_all(Setup{"file", ccai::test::temp_dir() + "/pacer"}); }
