// libcurl transport: one easy handle per thread, reused so connections stay alive across calls
// (a batch job talks to one host thousands of times). Proxy variables (https_proxy, no_proxy, ...)
// are honoured by libcurl itself, except for plain http:// without allow_http (TransportOptions::no_proxy).
#include <curl/curl.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "http/ca_files.hpp"
#include "ccai/limits.hpp"
#include "ccai/redact.hpp"
#include "ccai/version.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

struct EasyDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

CURL* thread_handle() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    thread_local std::unique_ptr<CURL, EasyDeleter> handle(curl_easy_init());
    curl_easy_reset(handle.get());  // keeps the connection cache, forgets the previous request's options
    return handle.get();
}

// The body is held whole until it is parsed: beyond kMaxBodyBytes (counted after gzip is undone) the
// transfer stops, and network_error names the limit. libcurl takes any other count as a write error.
size_t on_body(char* data, size_t size, size_t n, void* out) {
    auto* body = static_cast<std::string*>(out);
    if (size * n > kMaxBodyBytes - body->size()) return 0;
    body->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
    std::string_view line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
        (*static_cast<std::map<std::string, std::string>*>(out))[name] = std::string(value);
    } else if (line.starts_with("HTTP/")) {
        static_cast<std::map<std::string, std::string>*>(out)->clear();  // a new response (after 100-continue)
    }
    return size * n;
}

static_assert(kBodySourceAbort == CURL_READFUNC_ABORT);

// A streamed request body (HttpRequest::body_source): libcurl asks for the next piece as it sends.
size_t on_read(char* buffer, size_t size, size_t n, void* source) {
    return (*static_cast<const std::function<std::size_t(char*, std::size_t)>*>(source))(buffer, size * n);
}

ApiError network_error(CURLcode code, const char* detail, bool sent) {
    ApiError e;
    e.kind = ErrorKind::network;
    e.message = fmt::format("{}{}{}", curl_easy_strerror(code), *detail ? ": " : "", detail);
    if (code == CURLE_WRITE_ERROR || code == CURLE_FILESIZE_EXCEEDED)  // on_body's limit, or Content-Length's
        e.message = fmt::format("the response body is larger than {} MiB, the most a response may hold: refused",
                                kMaxBodyBytes >> 20);
    // Connection set-up failures provably sent nothing; anything later may have reached the server.
    e.maybe_reached_server = sent && code != CURLE_COULDNT_CONNECT && code != CURLE_COULDNT_RESOLVE_HOST &&
                             code != CURLE_COULDNT_RESOLVE_PROXY && code != CURLE_SSL_CONNECT_ERROR;
    // The same certificate is refused again, the same URL is malformed again: fail now, not after the
    // retry budget. (A failed handshake, CURLE_SSL_CONNECT_ERROR, can be a dropped connection: retried.)
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CIPHER: case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT: case CURLE_NOT_BUILT_IN: case CURLE_WRITE_ERROR: case CURLE_FILESIZE_EXCEEDED:
            e.retryable = false;
            break;
        default:
            break;
    }
    return e;
}

// The system's CA directory, when nothing names the CAs to trust and libcurl can use the directory instead of
// its default bundle; else "". With the bundle (Debian's ca-certificates.crt, ~140 CAs) OpenSSL parses every
// certificate in it for each process, which is most of a short HTTPS call's start-up; from the directory
// it reads only the CA a handshake needs, found by the hash of its subject. Only for the OpenSSL family,
// whose lookup that is, and only when the directory holds the hash links (Debian's update-ca-certificates
// keeps them; on Fedora /etc/ssl/certs holds bundles only, and libcurl's default is left alone).
std::string system_ca_dir(const TransportOptions& o) {
    constexpr const char* kDir = "/etc/ssl/certs";
    if (!o.ca_file.empty() || !o.ca_path.empty()) return "";
    const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
    if (!v || !(v->features & CURL_VERSION_SSL) || !v->ssl_version) return "";
    const std::string_view tls = v->ssl_version;
    const bool by_hash = tls.starts_with("OpenSSL/") || tls.starts_with("LibreSSL/") || tls.starts_with("BoringSSL");
    return by_hash && holds_hash_links(kDir) ? kDir : "";
}

class CurlTransport final : public Transport {
public:
    // libcurl's global set-up (OpenSSL's initialization, reading openssl.cnf: ~3 ms on a slow VM) and this
    // thread's handle are made now, not at the first request: the pacer would otherwise grant a slot, wait
    // for it, and only then spend that time before the request goes out, and every window after it would
    // start that much later (bench/RESULTS.md).
    explicit CurlTransport(TransportOptions o) : o_(std::move(o)) {
        thread_handle();
        system_ca_dir_ = system_ca_dir(o_);
    }

    Result<HttpResponse> perform(const HttpRequest& req) override {
        CURL* h = thread_handle();
        HttpResponse resp;
        char errbuf[CURL_ERROR_SIZE] = {0};
        curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.total_timeout.count()));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o_.insecure ? 0L : 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o_.insecure ? 0L : 2L);
        // Trust from transport_options() (ca_bundle, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR); unset, the
        // system's CA directory without the bundle (system_ca_dir), else libcurl's built-in default
        // (curl_easy_reset restores it for every request).
        if (!o_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o_.ca_file.c_str());
        if (o_.no_proxy) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        if (!o_.ca_path.empty()) curl_easy_setopt(h, CURLOPT_CAPATH, o_.ca_path.c_str());
        if (!system_ca_dir_.empty()) {
            curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
            curl_easy_setopt(h, CURLOPT_CAPATH, system_ca_dir_.c_str());
        }
        // gzip only: it saves the bandwidth of big list pages. brotli ("" = everything libcurl decodes) cost
        // ~0.7 ms per call at the server; even gzip costs ~0.9 ms per small answer on loopback (compress,
        // inflate), so `compression = none` turns it off (bench/RESULTS.md).
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, o_.gzip ? "gzip" : nullptr);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxBodyBytes));  // by Content-Length, before any byte
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
        static const std::string user_agent = fmt::format("ccai-cli/{}", version());
        curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());

        curl_slist* headers = nullptr;
        for (const auto& [k, v] : req.headers) {
            std::string line = k + ": " + v;  // the auth line holds the token: cleansed, like the list below
            headers = curl_slist_append(headers, line.c_str());
            secure_clear(line);
        }
        headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

        curl_mime* mime = nullptr;
        if (req.upload_file) {
            mime = curl_mime_init(h);
            curl_mimepart* part = curl_mime_addpart(mime);
            curl_mime_name(part, "file");
            curl_mime_filedata(part, req.upload_file->c_str());  // streamed from disk, not loaded
            curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
        } else if (req.body_source) {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(h, CURLOPT_READDATA, &req.body_source);
            // Unknown length: libcurl sends it chunked.
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body_source_size));
        } else if (req.method == "GET") {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        }
        if (req.method != "GET" && req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        // libcurl silently re-sends a request when a reused keep-alive connection dies before any answer;
        // for a POST that may already have been processed that would duplicate a create. A fresh connection
        // is never retried that way, so non-idempotent requests always get one.
        if (!req.idempotent()) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        // Keep one idle connection per thread: otherwise each fresh connection leaves the previous one open
        // in the handle's cache (up to 5 per thread), and a server with a bounded worker pool (ccai-mock,
        // many proxies) spends its workers waiting on idle keep-alives: 4 batch workers fell to 8 calls/s.
        curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);

        const CURLcode rc = curl_easy_perform(h);
        long status = 0;
        long sent_bytes = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent_bytes);
        for (auto* item = headers; item; item = item->next) OPENSSL_cleanse(item->data, std::strlen(item->data));
        curl_slist_free_all(headers);
        if (mime) curl_mime_free(mime);
        if (rc != CURLE_OK) return network_error(rc, errbuf, sent_bytes > 0);
        resp.status = static_cast<int>(status);
        return resp;
    }

private:
    TransportOptions o_;
    std::string system_ca_dir_;
};

}  // namespace

std::shared_ptr<Transport> make_curl_transport(const TransportOptions& options) {
    return std::make_shared<CurlTransport>(options);
}

}  // namespace ccai::detail

namespace ccai {

std::string http_library_version() { return curl_version(); }

}  // namespace ccai
