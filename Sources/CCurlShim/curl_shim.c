// libcurl through dlopen: `milp` links nothing new and loads libcurl (and its TLS stack) only
// when an https:// endpoint is used. The few prototypes and constants are declared here; they
// are part of libcurl's stable ABI.
#include "curl_shim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef void CURL;
struct curl_slist;
typedef int CURLcode;

enum {
    CURLE_OK = 0,
    CURLE_OPERATION_TIMEDOUT = 28,
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_HEADERDATA = 10029,
    CURLOPT_HEADERFUNCTION = 20079,
    CURLOPT_LOW_SPEED_LIMIT = 19,
    CURLOPT_LOW_SPEED_TIME = 20,
    CURLOPT_URL = 10002,
    CURLOPT_ERRORBUFFER = 10010,
    CURLOPT_POSTFIELDS = 10015,
    CURLOPT_HTTPHEADER = 10023,
    CURLOPT_WRITEFUNCTION = 20011,
    CURLOPT_POST = 47,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_TIMEOUT_MS = 155,
    CURLOPT_CONNECTTIMEOUT_MS = 156,
    CURLOPT_POSTFIELDSIZE_LARGE = 30120,
    CURLINFO_RESPONSE_CODE = 0x200002,
    CURL_ERROR_SIZE = 256,
};

static struct {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, int, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, int, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    char load_error[256];
    int loaded;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(curl.load_error, sizeof curl.load_error,
                 "https:// needs libcurl (libcurl.so.4), which could not be loaded (install libcurl4, or use an http:// endpoint)");
        return;
    }
#define SYM(field, name) *(void **)(&curl.field) = dlsym(lib, name); if (!curl.field) { \
        snprintf(curl.load_error, sizeof curl.load_error, "libcurl.so.4 lacks %s", name); return; }
    SYM(easy_init, "curl_easy_init")
    SYM(easy_setopt, "curl_easy_setopt")
    SYM(easy_perform, "curl_easy_perform")
    SYM(easy_getinfo, "curl_easy_getinfo")
    SYM(easy_cleanup, "curl_easy_cleanup")
    SYM(easy_strerror, "curl_easy_strerror")
    SYM(slist_append, "curl_slist_append")
    SYM(slist_free_all, "curl_slist_free_all")
#undef SYM
    curl.loaded = 1;
}

int curl_shim_available(char *error, size_t error_size) {
    pthread_once(&load_once, load);
    if (!curl.loaded && error && error_size) snprintf(error, error_size, "%s", curl.load_error);
    return curl.loaded;
}

typedef struct { char *data; size_t length; } buffer;

static size_t write_body(char *chunk, size_t size, size_t count, void *context) {
    buffer *b = context;
    size_t n = size * count;
    char *grown = realloc(b->data, b->length + n + 1);
    if (!grown) return 0;
    memcpy(grown + b->length, chunk, n);
    b->data = grown;
    b->length += n;
    b->data[b->length] = 0;
    return n;
}

/// Keeps the Retry-After header's delay in seconds (its HTTP-date form is left out: servers of
/// chat APIs send seconds).
static size_t read_header(char *line, size_t size, size_t count, void *context) {
    size_t n = size * count;
    if (n > 12 && strncasecmp(line, "retry-after:", 12) == 0) {
        char copy[64] = { 0 };
        memcpy(copy, line + 12, n - 12 < sizeof copy - 1 ? n - 12 : sizeof copy - 1);
        char *end = NULL;
        double seconds = strtod(copy, &end);
        if (end != copy && seconds >= 0) *(double *)context = seconds;
    }
    return n;
}

curl_shim_response curl_shim_post(const char *url, const char *const *headers, int header_count,
                                  const char *body, size_t body_length,
                                  long connect_timeout_ms, long timeout_ms, int idle) {
    curl_shim_response r;
    memset(&r, 0, sizeof r);
    r.retry_after = -1;
    if (!curl_shim_available(r.error, sizeof r.error)) return r;
    CURL *h = curl.easy_init();
    if (!h) { snprintf(r.error, sizeof r.error, "curl_easy_init failed"); return r; }
    struct curl_slist *list = NULL;
    for (int i = 0; i < header_count; i++) list = curl.slist_append(list, headers[i]);
    buffer b = { NULL, 0 };
    char message[CURL_ERROR_SIZE] = { 0 };
    curl.easy_setopt(h, CURLOPT_URL, url);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_POST, 1L);
    curl.easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (long long)body_length);
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, message);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, read_header);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &r.retry_after);
    if (idle) {
        curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (timeout_ms + 999) / 1000);
    } else {
        curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    }
    CURLcode code = curl.easy_perform(h);
    if (code == CURLE_OK) {
        r.ok = 1;
        curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
        r.body = b.data;
        r.body_length = b.length;
    } else {
        r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
        snprintf(r.error, sizeof r.error, "%s", message[0] ? message : curl.easy_strerror(code));
        free(b.data);
    }
    curl.slist_free_all(list);
    curl.easy_cleanup(h);
    return r;
}

void curl_shim_free(curl_shim_response *response) {
    free(response->body);
    response->body = NULL;
    response->body_length = 0;
}
