#pragma once
// In-memory state: named collections of JSON records in insertion order, thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::mock {

using json = nlohmann::json;

class Store {
public:
    /// A fresh id in a documented format: "hex24" (skill groups, skills: 24 hex digits) or a prefix
    /// ("ag", "qu", "cd", "cl", "a", "u", "c") followed by "-" and a uuid-shaped value.
    std::string new_id(std::string_view kind);

    void put(const std::string& coll, const std::string& id, json value);  ///< insert or replace in place
    std::optional<json> get(const std::string& coll, const std::string& id) const;
    std::optional<json> remove(const std::string& coll, const std::string& id);
    std::vector<json> list(const std::string& coll) const;
    void drop(const std::string& coll);
    /// Read-modify-write under the lock; nullopt when the record does not exist.
    std::optional<json> modify(const std::string& coll, const std::string& id, const std::function<void(json&)>& f);

private:
    mutable std::mutex mu_;
    std::map<std::string, std::vector<std::pair<std::string, json>>> data_;
    std::uint64_t counter_ = 0;
};

/// Current time as the service writes it: "2025-06-27T08:54:23.418Z".
std::string iso_now();

}  // namespace ccai::mock
