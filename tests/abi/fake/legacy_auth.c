/* A client-auth plugin written in plain C against ABI 1.2, as third-party ones built before 1.3
 * are: its table ends at `check` (no identify), so it cannot name callers. It lets in a client
 * whose x-api-key starts with "ok-". The host must still load it, call check, and treat the
 * caller as unnamed (tests/abi/auth_compat_test.cpp). */
#include <aicore/abi.h>

#include <stddef.h>
#include <string.h>

static acp_str lit(const char* s) { acp_str r = {s, strlen(s)}; return r; }

static acp_status create(acp_str settings, acp_client_auth** out, acp_error_sink* err) {
  (void)settings; (void)err;
  *out = (acp_client_auth*)1;
  return ACP_OK;
}
static void destroy(acp_client_auth* a) { (void)a; }

static acp_status check(acp_client_auth* a, const acp_header* headers, size_t n, acp_error_sink* err) {
  (void)a;
  for (size_t i = 0; i < n; ++i)
    if (headers[i].name.len == 9 && memcmp(headers[i].name.ptr, "x-api-key", 9) == 0 && headers[i].value.len > 3 &&
        memcmp(headers[i].value.ptr, "ok-", 3) == 0)
      return ACP_OK;
  err->set(err->ctx, 401, lit("authentication_error"), lit("invalid API key"));
  return ACP_ERR_UNAUTHORIZED;
}

/* The table as ABI 1.0-1.2 defined it: struct_size stops before identify. */
static const acp_client_auth_v1 table = {offsetof(acp_client_auth_v1, identify), create, destroy, check};
static const acp_interface ifaces[] = {{ACP_IFACE_CLIENT_AUTH_V1, &table}};
static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), 1, 2, "legacy_auth", "1.0.0",
                                           "an ABI 1.2 client-auth plugin in C", 1, ifaces};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  (void)host;
  return &desc;
}
