// Lists every skill group of the account, page by page.
//
//   list_skill_groups [MAX_ITEMS]
//
// The settings come from where ccai-cli reads them: CCAI_* environment variables, else the profile in
// ~/.config/ccai (`ccai-cli config init` writes one). The pacer keeps the calls under the account's limit.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include <ccai/client.hpp>
#include <ccai/pagination.hpp>

int main(int argc, char** argv) {
    const long long max_items = argc > 1 ? std::atoll(argv[1]) : 0;  // 0: all of them
    auto config = ccai::Config::load({});
    if (!config) {
        std::fprintf(stderr, "%s: %s\n", std::string(to_string(config.error().kind)).c_str(), config.error().message.c_str());
        return 1;
    }
    ccai::ClientOptions options;  // the rest (transport, pacer, clock, retries) from the config
    options.config = *config;
    auto made = ccai::Client::create(std::move(options));
    if (!made) {
        std::fprintf(stderr, "%s: %s\n", std::string(to_string(made.error().kind)).c_str(), made.error().message.c_str());
        return 1;
    }
    ccai::Client& client = *made;

    // for_each_page follows the operation's own paging (here: ?page=N until hasMore is false) and keeps one
    // page in memory at a time; returning false from the visitor stops early.
    long long seen = 0;
    auto walked = ccai::for_each_page(client, *ccai::find_endpoint("skill-groups.list"), {},
                                      [&](const nlohmann::json& page, const nlohmann::json& items) {
                                          std::printf("page %lld: %zu items\n", page.value("page", 0LL), items.size());
                                          for (const auto& group : items) {
                                              std::printf("  %s\t%s\n", group.value("id", "").c_str(), group.value("name", "").c_str());
                                              if (++seen == max_items) return false;
                                          }
                                          return true;
                                      });
    if (!walked) {
        std::fprintf(stderr, "%s: %s\n", std::string(to_string(walked.error().kind)).c_str(), walked.error().message.c_str());
        return 1;
    }
    std::printf("%lld items in %lld pages\n", seen, walked->pages);
    return 0;
}
