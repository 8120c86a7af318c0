/* A provider written against a smaller (older) provider table: no classify_error field at all.
 * The host must read only struct_size bytes and treat the missing callback as absent. */
#include <aicore/abi.h>
#include <stddef.h>
#include <string.h>

static acp_status create(acp_str s, acp_adapter** out, acp_error_sink* e) { (void)s; (void)e; *out = (acp_adapter*)1; return ACP_OK; }
static void destroy(acp_adapter* a) { (void)a; }
static int32_t detect(acp_adapter* a, acp_str m) { (void)a; return m.len > 4 && memcmp(m.ptr, "old-", 4) == 0; }
static acp_status conv_req(acp_adapter* a, const acp_request_in* in, acp_request_out* out, acp_error_sink* e) {
  (void)a; (void)e; out->set_target(out->ctx, (acp_str){"/old", 4}); out->write_body(out->ctx, in->body); return ACP_OK;
}
static acp_status conv_resp(acp_adapter* a, const acp_response_in* in, acp_sink* out, acp_error_sink* e) {
  (void)a; (void)e; out->write(out->ctx, in->body); return ACP_OK;
}
static acp_status s_open(acp_adapter* a, const acp_response_in* in, acp_stream** s, acp_error_sink* e) { (void)a; (void)in; (void)e; *s = (acp_stream*)1; return ACP_OK; }
static acp_status s_feed(acp_stream* s, acp_str b, acp_sink* ev, acp_error_sink* e) { (void)s; (void)e; ev->write(ev->ctx, b); return ACP_OK; }
static acp_status s_finish(acp_stream* s, acp_sink* ev, acp_error_sink* e) { (void)s; (void)ev; (void)e; return ACP_OK; }
static void s_close(acp_stream* s) { (void)s; }

static const acp_provider_v1 table = {offsetof(acp_provider_v1, classify_error), create, destroy, detect, 0,
                                      conv_req, conv_resp, s_open, s_feed, s_finish, s_close, 0};
static const acp_interface ifaces[] = {{ACP_IFACE_PROVIDER_V1, &table}};
static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), ACP_ABI_VERSION_MAJOR, 0, "old", "0.1", "older table", 1, ifaces};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) { (void)host; return &desc; }
