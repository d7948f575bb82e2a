#pragma once
// What a path is when it is not the regular file a message expected, named for a person: "a FIFO".
#include <sys/stat.h>

namespace ccai::detail {

inline const char* file_kind(mode_t mode) {
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

}  // namespace ccai::detail
