#pragma once
// An upload larger than the proxy buffers, passed from the thread that reads it from the client to the
// thread that sends it upstream, holding at most `capacity` bytes in between.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

namespace ccai::cli::proxy {

class BodyPipe {
public:
    explicit BodyPipe(std::size_t capacity) : capacity_(capacity) {}
    /// Writer: adds a piece, waiting while the pipe is full; false once the reader has gone.
    bool push(const char* data, std::size_t size);
    /// Writer: the body is complete.
    void finish();
    /// Writer: the rest of the body cannot be had (the client went away): the reader gets kBodySourceAbort.
    void abandon();
    /// Reader: up to `size` bytes, waiting while the pipe is empty; 0 at the end of the body,
    /// kBodySourceAbort when the writer abandoned it.
    std::size_t pull(char* out, std::size_t size);
    /// Reader: reads no more (the request has ended); a waiting writer is released.
    void close_reader();

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> pieces_;
    std::size_t offset_ = 0;  ///< into pieces_.front()
    std::size_t held_ = 0;
    std::size_t capacity_;
    bool finished_ = false, abandoned_ = false, reader_gone_ = false;
};

}  // namespace ccai::cli::proxy
