/* A provider written in plain C against ABI 1.0, as third-party plugins built before 1.1 are: its
 * descriptor says minor 0 and it reports nothing but its text. It serves "legacy-*" models on
 * Azure-style deployments by passing the client's chat body through and relaying the upstream's
 * SSE events unchanged, one write per complete event, with usage only through stream_usage.
 * tests/integration/legacy_plugin.test.mjs proves that a 1.1 host still ends its streams, fails
 * over on an error it streams first, and counts its tokens, from that text alone. */
#include <aicore/abi.h>

#include <stdlib.h>
#include <string.h>

typedef struct legacy_stream {
  char* buf;
  size_t len, cap;
  int64_t prompt_tokens;
} legacy_stream;

static acp_str lit(const char* s) { acp_str r = {s, strlen(s)}; return r; }

static acp_status create(acp_str settings, acp_adapter** out, acp_error_sink* err) {
  (void)settings; (void)err;
  *out = (acp_adapter*)1;
  return ACP_OK;
}
static void destroy(acp_adapter* a) { (void)a; }

static int32_t detect(acp_adapter* a, acp_str model) {
  (void)a;
  return model.len > 7 && memcmp(model.ptr, "legacy-", 7) == 0;
}

static acp_status convert_request(acp_adapter* a, const acp_request_in* in, acp_request_out* out, acp_error_sink* err) {
  (void)a;
  if (in->dialect.len != strlen(ACP_DIALECT_OPENAI_CHAT) || memcmp(in->dialect.ptr, ACP_DIALECT_OPENAI_CHAT, in->dialect.len) != 0) {
    err->set(err->ctx, 400, lit("invalid_request_error"), lit("the legacy plugin serves openai.chat only"));
    return ACP_ERR_UNSUPPORTED;
  }
  out->set_target(out->ctx, lit("/chat/completions?api-version=2024-12-01-preview"));
  out->write_body(out->ctx, in->body);
  return ACP_OK;
}

static acp_status convert_response(acp_adapter* a, const acp_response_in* in, acp_sink* out, acp_error_sink* err) {
  (void)a; (void)err;
  out->write(out->ctx, in->body);
  return ACP_OK;
}

static acp_status stream_open(acp_adapter* a, const acp_response_in* in, acp_stream** out, acp_error_sink* err) {
  (void)a; (void)in; (void)err;
  legacy_stream* s = calloc(1, sizeof *s);
  if (!s) return ACP_ERR_INTERNAL;
  s->prompt_tokens = -1;
  *out = (acp_stream*)s;
  return ACP_OK;
}

/* Writes every complete event (up to and including its blank line) and keeps the rest. */
static void flush_events(legacy_stream* s, acp_sink* events) {
  size_t start = 0;
  for (;;) {
    char* end = NULL;
    for (size_t i = start; i + 1 < s->len; ++i)
      if (s->buf[i] == '\n' && s->buf[i + 1] == '\n') { end = s->buf + i + 2; break; }
    if (!end) break;
    acp_str ev = {s->buf + start, (size_t)(end - (s->buf + start))};
    const char* usage = strstr(ev.ptr, "\"prompt_tokens\":");
    if (usage && usage < end) s->prompt_tokens = atoll(usage + 16);
    events->write(events->ctx, ev);
    start = (size_t)(end - s->buf);
  }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
}

static acp_status stream_feed(acp_stream* st, acp_str bytes, acp_sink* events, acp_error_sink* err) {
  legacy_stream* s = (legacy_stream*)st;
  if (s->len + bytes.len + 1 > s->cap) {
    size_t cap = (s->len + bytes.len + 1) * 2;
    char* b = realloc(s->buf, cap);
    if (!b) {
      err->set(err->ctx, 500, lit("api_error"), lit("out of memory"));
      return ACP_ERR_INTERNAL;
    }
    s->buf = b;
    s->cap = cap;
  }
  memcpy(s->buf + s->len, bytes.ptr, bytes.len);
  s->len += bytes.len;
  s->buf[s->len] = '\0';
  flush_events(s, events);
  return ACP_OK;
}

static acp_status stream_finish(acp_stream* st, acp_sink* events, acp_error_sink* err) {
  (void)st; (void)events; (void)err;
  return ACP_OK;
}

static void stream_close(acp_stream* st) {
  legacy_stream* s = (legacy_stream*)st;
  free(s->buf);
  free(s);
}

static void stream_usage(acp_stream* st, int64_t* prompt_tokens, int64_t* completion_tokens) {
  *prompt_tokens = ((legacy_stream*)st)->prompt_tokens;
  *completion_tokens = -1;
}

/* The provider table as ABI 1.0 defined it: no member added since. */
static const acp_provider_v1 table = {sizeof(acp_provider_v1), create, destroy, detect, 0, convert_request,
                                      convert_response, stream_open, stream_feed, stream_finish, stream_close, 0,
                                      stream_usage};
static const acp_interface ifaces[] = {{ACP_IFACE_PROVIDER_V1, &table}};
static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), 1, 0, "legacy", "1.0.0",
                                           "an ABI 1.0 provider in C", 1, ifaces};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  (void)host;
  return &desc;
}
