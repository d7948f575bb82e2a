#pragma once
// The invalid lines of a batch, grouped: one report line per distinct problem, with how many lines have it,
// where they are, and what to do. 300 rows without a required field are one line, not 300.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/batch.hpp"

namespace ccai::cli {

class InvalidReport {
public:
    /// Distinct problems kept; lines with any further problem are only counted.
    static constexpr std::size_t kMaxGroups = 20;
    /// Line ranges named per problem; further ones are only counted.
    static constexpr std::size_t kMaxRanges = 10;

    /// `csv`: the hints speak of columns and --map, else of JSON lines.
    explicit InvalidReport(bool csv) : csv_(csv) {}
    /// `ordinal` counts every line of the input (valid ones too), so adjacent invalid lines form one range.
    void add(const batch::Item& item, long long ordinal);
    [[nodiscard]] long long lines() const { return lines_; }
    /// One {"error":{...}} object per problem, in the order each was first seen; `skipped` marks them
    /// as recorded and skipped (--skip-invalid).
    [[nodiscard]] std::vector<nlohmann::json> report(bool skipped) const;

private:
    struct Group {
        ApiError problem;
        long long count = 0;
        std::vector<std::pair<long long, long long>> ranges;  // first and last line
        long long more_ranges = 0;
        long long last_ordinal = -2;
    };
    bool csv_;
    std::vector<Group> groups_;
    long long lines_ = 0;
    long long other_lines_ = 0;  // lines whose problem did not fit in kMaxGroups
    long long other_first_ = 0;
};

/// "2-301", "2, 5, 9-12 and 3 more ranges".
std::string line_ranges_text(const std::vector<std::pair<long long, long long>>& ranges, long long more);

}  // namespace ccai::cli
