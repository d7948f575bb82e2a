#include "support/test_files.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace ccai::test {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string write_file(const std::string& path, const std::string& text, std::optional<mode_t> mode) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    if (mode) ::chmod(path.c_str(), *mode);
    return path;
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
    return write_file(dir + "/" + name, text);
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace ccai::test
