/* A provider whose stream_open hands out a handle and then reports an error: the ABI says the
 * host closes every handle it was given, so the host must call stream_close for it. Its
 * convert_response reports how many streams were opened and closed. */
#include <aicore/abi.h>
#include <stdio.h>
#include <stdlib.h>

static int opened, closed;

static acp_status create(acp_str s, acp_adapter** out, acp_error_sink* e) { (void)s; (void)e; *out = (acp_adapter*)1; return ACP_OK; }
static void destroy(acp_adapter* a) { (void)a; }
static int32_t detect(acp_adapter* a, acp_str m) { (void)a; (void)m; return 0; }
static acp_status conv_req(acp_adapter* a, const acp_request_in* in, acp_request_out* out, acp_error_sink* e) {
  (void)a; (void)in; (void)out; (void)e; return ACP_OK;
}
static acp_status conv_resp(acp_adapter* a, const acp_response_in* in, acp_sink* out, acp_error_sink* e) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "{\"opened\":%d,\"closed\":%d}", opened, closed);
  (void)a; (void)in; (void)e;
  out->write(out->ctx, (acp_str){buf, (size_t)n});
  return ACP_OK;
}
static acp_status s_open(acp_adapter* a, const acp_response_in* in, acp_stream** s, acp_error_sink* e) {
  static const char msg[] = "upstream stream not understood";
  (void)a; (void)in;
  *s = (acp_stream*)malloc(16);
  ++opened;
  e->set(e->ctx, 502, (acp_str){"api_error", 9}, (acp_str){msg, sizeof msg - 1});
  return ACP_ERR_UPSTREAM;
}
static acp_status s_feed(acp_stream* s, acp_str b, acp_sink* ev, acp_error_sink* e) { (void)s; (void)b; (void)ev; (void)e; return ACP_OK; }
static acp_status s_finish(acp_stream* s, acp_sink* ev, acp_error_sink* e) { (void)s; (void)ev; (void)e; return ACP_OK; }
static void s_close(acp_stream* s) { free(s); ++closed; }

static const acp_provider_v1 table = {sizeof(acp_provider_v1), create, destroy, detect, 0, conv_req, conv_resp,
                                      s_open, s_feed, s_finish, s_close, 0, 0};
static const acp_interface ifaces[] = {{ACP_IFACE_PROVIDER_V1, &table}};
static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), ACP_ABI_VERSION_MAJOR, ACP_ABI_VERSION_MINOR,
                                           "stream_fails", "0.1", "stream_open fails after handing out a handle", 1, ifaces};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) { (void)host; return &desc; }
