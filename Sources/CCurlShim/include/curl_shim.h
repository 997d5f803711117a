#ifndef CURL_SHIM_H
#define CURL_SHIM_H
#include <stddef.h>

/// The outcome of one HTTP POST made through libcurl, loaded at run time with dlopen.
typedef struct {
    /// 1 when an HTTP response arrived (any status), 0 on failure (see `error`).
    int ok;
    /// 1 when the failure was a timeout.
    int timed_out;
    long status;
    /// The response body (malloc'd; release with curl_shim_free).
    char *body;
    size_t body_length;
    /// Seconds from a Retry-After header (delay-seconds form), or -1 when there is none.
    double retry_after;
    char error[512];
} curl_shim_response;

/// 1 when libcurl.so.4 can be loaded; otherwise 0 with the reason in `error`.
int curl_shim_available(char *error, size_t error_size);

/// POSTs `body` to `url` with the given "Name: value" headers and timeouts in milliseconds:
/// `timeout_ms` bounds the whole transfer, or, when `idle` is 1 (a streamed reply), the time
/// without any byte arriving.
curl_shim_response curl_shim_post(const char *url, const char *const *headers, int header_count,
                                  const char *body, size_t body_length,
                                  long connect_timeout_ms, long timeout_ms, int idle);

/// Frees the body of a response.
void curl_shim_free(curl_shim_response *response);

#endif
