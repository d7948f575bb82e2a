#include "proxy/body_pipe.hpp"

#include <algorithm>
#include <cstring>

#include "ccai/http.hpp"

namespace ccai::cli::proxy {

bool BodyPipe::push(const char* data, std::size_t size) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return reader_gone_ || held_ < capacity_; });
    if (reader_gone_) return false;
    pieces_.emplace_back(data, size);
    held_ += size;
    cv_.notify_all();
    return true;
}

void BodyPipe::finish() {
    std::lock_guard lock(mu_);
    finished_ = true;
    cv_.notify_all();
}

void BodyPipe::abandon() {
    std::lock_guard lock(mu_);
    abandoned_ = true;
    cv_.notify_all();
}

std::size_t BodyPipe::pull(char* out, std::size_t size) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !pieces_.empty() || finished_ || abandoned_; });
    if (abandoned_) return kBodySourceAbort;  // a body cut short must not reach the service as if whole
    if (pieces_.empty()) return 0;
    auto& front = pieces_.front();
    const auto n = std::min(size, front.size() - offset_);
    std::memcpy(out, front.data() + offset_, n);
    offset_ += n;
    held_ -= n;
    if (offset_ == front.size()) {
        pieces_.pop_front();
        offset_ = 0;
    }
    cv_.notify_all();
    return n;
}

void BodyPipe::close_reader() {
    std::lock_guard lock(mu_);
    reader_gone_ = true;
    cv_.notify_all();
}

}  // namespace ccai::cli::proxy
