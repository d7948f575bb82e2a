#pragma once
// A strict RFC 4180 reader, for checking what -o csv writes: records end in CRLF (the last one too), a
// field is either quoted (quotes doubled inside; commas, CR and LF allowed) or plain (none of those, no
// quote). Anything else throws, so a writer that bends the rules fails the test instead of being excused.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ccai::test {

inline std::vector<std::vector<std::string>> read_csv(std::string_view text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::size_t i = 0;
    const auto fail = [&](const char* what) { throw std::runtime_error(std::string(what) + " at byte " + std::to_string(i)); };
    while (i < text.size()) {
        std::string field;
        if (text[i] == '"') {
            for (++i;; ++i) {
                if (i >= text.size()) fail("unterminated quoted field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    field += text[i];
                }
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                if (text[i] == '"' || text[i] == '\n') fail("quote or bare LF in a plain field");
                field += text[i++];
            }
        }
        record.push_back(std::move(field));
        if (i < text.size() && text[i] == ',') {
            ++i;
            if (i == text.size()) fail("a comma ends the text");
            continue;
        }
        if (text.substr(i, 2) != "\r\n") fail("a record not ended by CRLF");
        i += 2;
        records.push_back(std::move(record));
        record.clear();
    }
    if (!record.empty()) fail("the last record has no CRLF");
    return records;
}

}  // namespace ccai::test
