/*
 * aicore-proxy plugin ABI — pure C, stable across compilers and standard libraries.
 *
 * Rules (see docs/architecture.md):
 *  - Only C types cross: fixed-width integers, {ptr,len} string views, opaque handles and tables of
 *    function pointers. No allocator crosses: inputs are borrowed, outputs go through host sinks
 *    that copy.
 *  - Every table starts with `struct_size`; fields are only ever appended. A reader uses
 *    min(struct_size, sizeof what it knows) and treats a missing or NULL optional callback as absent.
 *  - One exported symbol per library: ACP_PLUGIN_ENTRY_SYMBOL. A different major version is refused.
 *  - Plugins never do I/O: no sockets, no files at request time, no sleeping, no global mutable state.
 *
 * OWNERSHIP notes on every pointer say who owns it and for how long it lives.
 * THREADS notes say which calls may run concurrently.
 */
#ifndef AICORE_ABI_H
#define AICORE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACP_ABI_VERSION_MAJOR 1u
/* 1.1 (appended): acp_event_sink and acp_usage, announced by acp_host_api.event_sinks.
 * 1.2 (appended): ACP_UPSTREAM_TOO_LONG, announced by acp_host_api.error_classes.
 * 1.3 (appended): acp_client_auth_v1.identify and acp_name_out (named client keys). */
#define ACP_ABI_VERSION_MINOR 3u

/* The single symbol every plugin library exports. */
#define ACP_PLUGIN_ENTRY_SYMBOL "acp_plugin_entry"

/* Interface names a plugin may offer (one library may offer several). */
#define ACP_IFACE_PROVIDER_V1 "acp.provider.v1"
#define ACP_IFACE_CLIENT_AUTH_V1 "acp.client_auth.v1"
#define ACP_IFACE_UPSTREAM_AUTH_V1 "acp.upstream_auth.v1"

/* Dialects: the client-facing APIs. Passed as strings so new ones need no ABI change. */
#define ACP_DIALECT_OPENAI_CHAT "openai.chat"
#define ACP_DIALECT_OPENAI_EMBEDDINGS "openai.embeddings"
#define ACP_DIALECT_ANTHROPIC_MESSAGES "anthropic.messages"
#define ACP_DIALECT_ANTHROPIC_COUNT_TOKENS "anthropic.count_tokens"
/* The OpenAI Responses API (POST /v1/responses), as Codex CLI and the openai SDK's
 * responses.create / responses.stream speak it. Streams: one `event: response.*` SSE event per
 * write, numbered by sequence_number from 0; end() after response.completed, response.incomplete
 * or response.failed. */
#define ACP_DIALECT_OPENAI_RESPONSES "openai.responses"
/* POST /v1/responses/input_tokens: answered by the plugin itself (acp_request_out.respond), like
 * anthropic.count_tokens. */
#define ACP_DIALECT_OPENAI_RESPONSES_INPUT_TOKENS "openai.responses.input_tokens"
/* The Gemini API's generateContent (POST /v1beta/models/{model}:generateContent and
 * :streamGenerateContent), as Gemini CLI and the @google/genai SDK speak it. The model comes from
 * the path (acp_request_in.client_model, without "models/"), not the body; acp_request_in.stream
 * says which of the two methods was called. Streams: one `data: {GenerateContentResponse}` SSE event
 * per write (the host frames them as a JSON array when the client did not ask for ?alt=sse); no
 * terminator event; end() after the last one. */
#define ACP_DIALECT_GEMINI_GENERATE_CONTENT "gemini.generate_content"
/* POST /v1beta/models/{model}:countTokens: answered by the plugin itself ({"totalTokens":N}). */
#define ACP_DIALECT_GEMINI_COUNT_TOKENS "gemini.count_tokens"
/* POST /v1beta/models/{model}:embedContent ({"content":{"parts":[{"text"}]},"taskType"?,…} ->
 * {"embedding":{"values":[…]}}) and :batchEmbedContents ({"requests":[…]} ->
 * {"embeddings":[{"values":[…]},…]}). The model comes from the path, as for generate_content; no
 * streams. */
#define ACP_DIALECT_GEMINI_EMBED_CONTENT "gemini.embed_content"
#define ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS "gemini.batch_embed_contents"

/* A borrowed byte string, not NUL-terminated.
 * OWNERSHIP: never owned by the receiver; valid only for the duration of the call it is passed to. */
typedef struct acp_str {
  const char* ptr;
  size_t len;
} acp_str;

/* Status codes. Errors are values: a failing call returns one of these and writes a message to the
 * acp_error_sink it was given. */
typedef enum acp_status {
  ACP_OK = 0,
  ACP_ERR_INVALID_REQUEST = 1, /* the client's request is wrong: host answers 400 */
  ACP_ERR_UNSUPPORTED = 2,     /* this plugin does not serve that dialect/model: host answers 400 */
  ACP_ERR_UPSTREAM = 3,        /* the upstream answered something unusable: host answers 502 */
  ACP_ERR_INTERNAL = 4,        /* a bug in the plugin (or an exception caught by the thunk): 500 */
  ACP_ERR_UNAUTHORIZED = 5,    /* client auth: key rejected: host answers 401 */
  ACP_ERR_CONFIG = 6           /* plugin settings rejected at start-up */
} acp_status;

/* How the host should treat an upstream error (the plugin classifies, the host owns the policy). */
typedef enum acp_error_class {
  ACP_UPSTREAM_FATAL = 0,  /* relay to the client, do not retry */
  ACP_UPSTREAM_RETRY = 1,  /* try another deployment / back off */
  ACP_UPSTREAM_REAUTH = 2, /* drop the cached token and retry once */
  /* ABI 1.2: the prompt does not fit the model's context window. Final for this model (no other
   * deployment of it is tried), but the host may send the request to a context-window fallback
   * model; else it is relayed like FATAL. Return it only to a host whose
   * acp_host_api.error_classes >= ACP_UPSTREAM_TOO_LONG (an older host would retry it). */
  ACP_UPSTREAM_TOO_LONG = 3
} acp_error_class;

/* Log levels for acp_host_api.log. */
typedef enum acp_log_level { ACP_LOG_DEBUG = 1, ACP_LOG_INFO = 2, ACP_LOG_WARN = 3, ACP_LOG_ERROR = 4 } acp_log_level;

/* Every member of every table below is marked Required (the side that fills the table must set it)
 * or Optional (it may be NULL/zero, or lie beyond an older writer's struct_size; the reader then
 * treats it as absent). "Host" and "plugin" say which side fills the table. */

/* A byte sink supplied by the host. Each write() call is one unit (one SSE event for stream sinks,
 * one list item for list sinks, a fragment of a body otherwise); the host copies the bytes.
 * OWNERSHIP: host-owned; valid for the duration of the call it is passed to.
 * THREADS: used only by the thread that received it. */
typedef struct acp_sink {
  void* ctx;                               /* Required (host): passed back to write */
  void (*write)(void* ctx, acp_str bytes); /* Required (host) */
} acp_sink;

/* Token usage of one response (ABI 1.1). Every count is -1 when unknown. The counts follow one
 * convention whatever the upstream's own: input_tokens is every prompt token the upstream counted,
 * cache reads and writes included (OpenAI's prompt_tokens; Anthropic's input_tokens +
 * cache_read_input_tokens + cache_creation_input_tokens); output_tokens every generated token,
 * reasoning included. The other three are parts of those two.
 * OWNERSHIP: the sender's; borrowed for the call it is passed to. The reader copies
 * min(struct_size, what it knows) bytes. */
typedef struct acp_usage {
  uint32_t struct_size;       /* Required */
  int64_t input_tokens;       /* Required (-1: unknown) */
  int64_t output_tokens;      /* Required (-1: unknown) */
  int64_t cache_read_tokens;  /* Required (-1: unknown): part of input_tokens read from a prompt cache */
  int64_t cache_write_tokens; /* Required (-1: unknown): part of input_tokens written to a prompt cache */
  int64_t reasoning_tokens;   /* Required (-1: unknown): part of output_tokens spent on reasoning */
} acp_usage;

/* The typed events of a converted response (ABI 1.1): acp_sink extended by layout, so a pointer to
 * one is also a valid acp_sink* for plugins built against 1.0. A host whose acp_host_api has
 * event_sinks != 0 passes one (cast to acp_sink*) as `events` of stream_feed / stream_finish and as
 * `out` of convert_response — never to model_candidates or classify_error. A plugin may read any
 * member past `base` only then, and calls a callback only when `struct_size` covers it and it is
 * not NULL. Each callback receives base.ctx.
 *
 * end():            called right after write() of the event that ends the client's stream: OpenAI
 *                   `data: [DONE]`, Anthropic `message_stop` or `error`. Nothing may be written
 *                   after it; the host then sends nothing more, not even its own error event when
 *                   the upstream connection breaks afterwards. Streams only.
 * upstream_error(): the upstream reported an error inside a successful (200) stream (Azure's
 *                   `data: {"error":…}`, a Bedrock exception, Vertex UNAVAILABLE /
 *                   RESOURCE_EXHAUSTED, an Anthropic `error` event). The plugin classifies it —
 *                   ACP_UPSTREAM_RETRY (another deployment may succeed), _REAUTH (a token problem),
 *                   _FATAL (the client's own problem, e.g. a content filter) — with the HTTP status
 *                   it stands for (429 rate limit, 503 overload, 502 other server errors, 4xx for
 *                   the client's) and the upstream's error type and message, and THEN still writes
 *                   its client error event as a 1.0 plugin would. When nothing has reached the
 *                   client yet and the class is not FATAL, the host fails over invisibly and drops
 *                   that event; otherwise the event reaches the client. Streams only.
 * usage():          whenever the plugin learns token usage, in streams and whole responses alike,
 *                   including usage the client did not ask to receive (the host's access log,
 *                   quotas and ledgers count it). It may be called several times: each call carries
 *                   the plugin's best totals so far, and a -1 count leaves the host's previous
 *                   value for it. Replaces acp_provider_v1.stream_usage for 1.1 hosts.
 * OWNERSHIP: host-owned; valid for the duration of the call it is passed to. `type`, `message` and
 *            `usage` are borrowed for the callback.
 * THREADS: as acp_sink: only the thread that received it, only during that call. */
typedef struct acp_event_sink {
  acp_sink base;          /* Required (host) */
  uint32_t struct_size;   /* Required (host): sizeof(acp_event_sink) as the host knows it */
  void (*end)(void* ctx); /* Required (host) */
  void (*upstream_error)(void* ctx, acp_error_class cls, int32_t http_status, acp_str type,
                         acp_str message);          /* Required (host) */
  void (*usage)(void* ctx, const acp_usage* usage); /* Required (host) */
} acp_event_sink;

/* Where a plugin reports an error: an HTTP status hint (0 = derive from acp_status), an error type
 * in the client's vocabulary (e.g. "invalid_request_error") and a human-readable message.
 * OWNERSHIP/THREADS: as acp_sink. */
typedef struct acp_error_sink {
  void* ctx;                                                                  /* Required (host) */
  void (*set)(void* ctx, int32_t http_status, acp_str type, acp_str message); /* Required (host) */
} acp_error_sink;

/* One HTTP header. OWNERSHIP: borrowed for the call. */
typedef struct acp_header {
  acp_str name;  /* Required: lower-case */
  acp_str value; /* Required */
} acp_header;

/* Services the host lends to plugins. The host owns every clock and every log.
 * OWNERSHIP: host-owned; valid from the entry call until the library is unloaded.
 * THREADS: every function may be called from any thread. */
typedef struct acp_host_api {
  uint32_t struct_size; /* Required */
  uint32_t abi_major;   /* Required */
  uint32_t abi_minor;   /* Required */
  /* Required. Log one line; `plugin` names the caller. Never pass secrets. */
  void (*log)(acp_log_level level, acp_str plugin, acp_str message);
  /* Required. Seconds since the Unix epoch (tests substitute a fixed clock). */
  int64_t (*unix_time)(void);
  /* ABI 1.1. Optional (0 or beyond struct_size: no): nonzero when this host passes an
   * acp_event_sink wherever that type's note says. An explicit flag rather than abi_minor >= 1, so
   * a host or test harness merely recompiled against a newer abi.h never makes plugins read a
   * bare acp_sink as the larger struct. */
  uint32_t event_sinks;
  /* ABI 1.2. Optional (0 or beyond struct_size: ACP_UPSTREAM_REAUTH): the highest acp_error_class
   * this host understands from classify_error. */
  uint32_t error_classes;
} acp_host_api;

/* ---------------------------------------------------------------------------------------------
 * acp.provider.v1 — one model family: detection, request/response and stream conversion.
 * ------------------------------------------------------------------------------------------- */

/* An adapter: a configured instance of a provider. Created once per (re)load of the config.
 * OWNERSHIP: plugin-owned; destroyed only through acp_provider_v1.destroy.
 * THREADS: every adapter function must be safe to call concurrently. */
typedef struct acp_adapter acp_adapter;

/* A per-response stream converter.
 * OWNERSHIP: plugin-owned; the host always calls stream_close exactly once, even after errors.
 * THREADS: used by one thread at a time. */
typedef struct acp_stream acp_stream;

/* What the host knows about one client request. OWNERSHIP: borrowed for the call. */
typedef struct acp_request_in {
  uint32_t struct_size;      /* Required (host) */
  acp_str dialect;           /* Required (host): ACP_DIALECT_* */
  acp_str client_model;      /* Required (host): the model name the client sent */
  acp_str model;             /* Required (host): the configured model key it resolved to */
  acp_str body;              /* Required (host): the client's JSON body, as received */
  const acp_header* headers; /* Optional (host): the client's headers (lower-case names), secrets removed */
  size_t header_count;       /* Required (host): 0 when headers is NULL */
  int32_t stream;            /* Required (host): 1 if the client asked for a stream */
} acp_request_in;

/* Where convert_request writes the upstream request.
 * set_target: path and query appended to the deployment URL (starts with '/'); for the upstream-auth
 *             interface, an absolute URL.
 * set_method: "POST" unless set.
 * add_header: an extra request header (the host adds Authorization, AI-Resource-Group and
 *             Content-Type itself).
 * write_body: appends bytes to the upstream body.
 * set_context: opaque bytes the host hands back unchanged to convert_response / stream_open
 *              (e.g. the client's model name, whether usage was requested). Keep it small.
 * respond:     answer the client directly, without any upstream call (e.g. count_tokens, which is
 *              estimated locally): `body` is the complete client body (JSON) with `http_status`.
 *              Optional for the host to offer (check struct_size); ignored by upstream-auth.
 * OWNERSHIP/THREADS: as acp_sink. */
typedef struct acp_request_out {
  uint32_t struct_size;                                          /* Required (host) */
  void* ctx;                                                     /* Required (host) */
  void (*set_target)(void* ctx, acp_str path_and_query);         /* Required (host) */
  void (*set_method)(void* ctx, acp_str method);                 /* Required (host) */
  void (*add_header)(void* ctx, acp_str name, acp_str value);    /* Required (host) */
  void (*write_body)(void* ctx, acp_str bytes);                  /* Required (host) */
  void (*set_context)(void* ctx, acp_str context);               /* Optional (host) */
  void (*respond)(void* ctx, int32_t http_status, acp_str body); /* Optional (host) */
} acp_request_out;

/* What the host knows about one upstream response. OWNERSHIP: borrowed for the call. */
typedef struct acp_response_in {
  uint32_t struct_size; /* Required (host) */
  acp_str dialect;      /* Required (host): the client's dialect */
  acp_str model;        /* Required (host): the configured model key */
  acp_str context;      /* Required (host): what convert_request passed to set_context (may be empty) */
  int32_t status;       /* Required (host): upstream HTTP status */
  acp_str content_type; /* Required (host): upstream Content-Type (may be empty) */
  acp_str body;         /* Required (host): whole body (convert_response / classify_error); empty for stream_open */
} acp_response_in;

typedef struct acp_provider_v1 {
  uint32_t struct_size; /* Required */
  /* Required. Create an adapter from the plugin's settings (a JSON object, "{}" when none).
   * OWNERSHIP: *out becomes host-held until destroy. */
  acp_status (*create)(acp_str settings_json, acp_adapter** out, acp_error_sink* err);
  /* Required. */
  void (*destroy)(acp_adapter* adapter);

  /* Required. 1 if the model name belongs to this family, else 0. */
  int32_t (*detect_model)(acp_adapter* adapter, acp_str model);

  /* Optional (NULL: exact and alias matches only). Normalised names under which `model` may be
   * configured, best first; one write() per name. */
  void (*model_candidates)(acp_adapter* adapter, acp_str model, acp_sink* names);

  /* Required. Client request -> upstream request. */
  acp_status (*convert_request)(acp_adapter* adapter, const acp_request_in* in, acp_request_out* out,
                                acp_error_sink* err);

  /* Required. Whole upstream success body -> client body (written to `out`). From a host with
   * event_sinks, `out` is an acp_event_sink: report the response's usage through it. */
  acp_status (*convert_response)(acp_adapter* adapter, const acp_response_in* in, acp_sink* out, acp_error_sink* err);

  /* Required, all four. Streaming: open a converter for one response. The host then feeds the
   * upstream bytes in arbitrary splits; each write() on `events` is one complete client SSE event
   * (framed, ready to send). finish() flushes what remains, including the dialect's terminator.
   * From a host with event_sinks, `events` is an acp_event_sink: report end, upstream errors and
   * usage through it.
   * OWNERSHIP: a handle stored in *out is closed by the host with stream_close, also when
   * stream_open then returns an error. */
  acp_status (*stream_open)(acp_adapter* adapter, const acp_response_in* in, acp_stream** out, acp_error_sink* err);
  acp_status (*stream_feed)(acp_stream* stream, acp_str bytes, acp_sink* events, acp_error_sink* err);
  acp_status (*stream_finish)(acp_stream* stream, acp_sink* events, acp_error_sink* err);
  void (*stream_close)(acp_stream* stream);

  /* Optional (NULL: the host's default, 429/5xx retry, 401 re-auth, else fatal). Classify an
   * upstream error (status >= 400). The plugin may also write a client-facing message. */
  acp_error_class (*classify_error)(acp_adapter* adapter, const acp_response_in* in, acp_sink* message);

  /* Optional. Token usage seen so far on a stream (called after stream_finish), for the host's
   * access log, including usage the client did not ask to receive. -1 = unknown. Superseded by
   * acp_event_sink.usage: a 1.1 host calls it only for plugins whose descriptor says minor 0; a
   * 1.1 plugin keeps it for 1.0 hosts. */
  void (*stream_usage)(acp_stream* stream, int64_t* prompt_tokens, int64_t* completion_tokens);
} acp_provider_v1;

/* ---------------------------------------------------------------------------------------------
 * acp.client_auth.v1 — is this client allowed in?
 * The host passes the configured keys at create time; the plugin decides from the request headers.
 * ------------------------------------------------------------------------------------------- */
typedef struct acp_client_auth acp_client_auth;

/* Where identify writes who the caller is (ABI 1.3). OWNERSHIP/THREADS: as acp_sink. */
typedef struct acp_name_out {
  void* ctx; /* Required (host) */
  /* Required (host). The caller's name as configured; the host copies it. */
  void (*set)(void* ctx, acp_str name);
} acp_name_out;

typedef struct acp_client_auth_v1 {
  uint32_t struct_size; /* Required */
  /* Required. settings_json: {"keys":["..."], "clients":[{"name":"...","sha256":"<64 hex>"}],
   * ...plugin settings}. "keys" holds the plain keys (for 1.0-1.2 plugins); "clients" (1.3 hosts)
   * every enabled client key by name, as the SHA-256 of the key (a config may hold only that).
   * OWNERSHIP: *out host-held until destroy. */
  acp_status (*create)(acp_str settings_json, acp_client_auth** out, acp_error_sink* err);
  /* Required. */
  void (*destroy)(acp_client_auth* auth);
  /* Required. ACP_OK when allowed, ACP_ERR_UNAUTHORIZED otherwise (with a message that names no key).
   * THREADS: concurrent calls allowed. */
  acp_status (*check)(acp_client_auth* auth, const acp_header* headers, size_t header_count, acp_error_sink* err);
  /* Optional (1.3). As check, and when allowed, writes the caller's name (a "clients" entry's
   * name) to *who; nothing written: allowed but unnamed. A 1.3 host calls it instead of check
   * when struct_size covers it and it is not NULL. THREADS: concurrent calls allowed. */
  acp_status (*identify)(acp_client_auth* auth, const acp_header* headers, size_t header_count, acp_name_out* who,
                         acp_error_sink* err);
} acp_client_auth_v1;

/* ---------------------------------------------------------------------------------------------
 * acp.upstream_auth.v1 — how an upstream OAuth token is requested and read.
 * The host performs the request, caches the token and shares it (single-flight).
 * ------------------------------------------------------------------------------------------- */
typedef struct acp_upstream_auth acp_upstream_auth;

/* OWNERSHIP/THREADS: as acp_sink. */
typedef struct acp_token_out {
  void* ctx; /* Required (host) */
  /* Required (host). expires_in_seconds <= 0: unknown (host uses a default). */
  void (*set)(void* ctx, acp_str access_token, int64_t expires_in_seconds);
} acp_token_out;

typedef struct acp_upstream_auth_v1 {
  uint32_t struct_size; /* Required */
  /* Required. OWNERSHIP: *out host-held until destroy. */
  acp_status (*create)(acp_str settings_json, acp_upstream_auth** out, acp_error_sink* err);
  /* Required. */
  void (*destroy)(acp_upstream_auth* auth);
  /* Required. Build the token request from a service key (JSON). set_target receives an absolute URL. */
  acp_status (*build_token_request)(acp_upstream_auth* auth, acp_str service_key_json, acp_request_out* out,
                                    acp_error_sink* err);
  /* Required. Read the token endpoint's answer. */
  acp_status (*parse_token_response)(acp_upstream_auth* auth, int32_t status, acp_str body, acp_token_out* out,
                                     acp_error_sink* err);
} acp_upstream_auth_v1;

/* ---------------------------------------------------------------------------------------------
 * The entry point and the plugin descriptor.
 * ------------------------------------------------------------------------------------------- */

/* One named interface: `table` points at e.g. an acp_provider_v1.
 * OWNERSHIP: plugin-owned static data; valid while the library is loaded. */
typedef struct acp_interface {
  const char* name;  /* Required: NUL-terminated, e.g. ACP_IFACE_PROVIDER_V1 */
  const void* table; /* Required: starts with its uint32_t struct_size */
} acp_interface;

/* What a plugin says about itself. OWNERSHIP: plugin-owned static data, valid while loaded. */
typedef struct acp_plugin_descriptor {
  uint32_t struct_size;            /* Required */
  uint32_t abi_major;              /* Required: the ABI the plugin was built for */
  uint32_t abi_minor;              /* Required: 0 tells a 1.1 host to derive stream events from the text */
  const char* name;                /* Required: short, unique: "openai" */
  const char* version;             /* Optional: the plugin's own version */
  const char* description;         /* Optional */
  size_t interface_count;          /* Required */
  const acp_interface* interfaces; /* Required when interface_count > 0 */
} acp_plugin_descriptor;

/* The entry point. `host` is valid until unload. Returns NULL (after logging why through
 * host->log) when the plugin refuses the host, e.g. a host older than it needs.
 * THREADS: called once, before any other call into the library. */
typedef const acp_plugin_descriptor* (*acp_plugin_entry_fn)(const acp_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* AICORE_ABI_H */
