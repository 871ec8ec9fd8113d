// GET /api/v1/tenants/{tenant}/menu: the MenuView body, revalidated by ETag.
#include "node/api/route_handlers.h"
#include "node/api/static_files.h"
#include "node/pricing/field_error.h"

namespace larder::node::api {

ApiResponse handle_menu(NodeService& node, const std::string& tenant,
                        const std::optional<std::string>& if_none_match, const Logger& log) {
  if (!valid_identifier(tenant)) {
    return error_response(400, "invalid_tenant", "the tenant id must be 1 to 64 visible ASCII characters");
  }
  auto view = node.menu(tenant);
  if (!view.is_ok()) return error_for_status(view.status(), tenant, log);
  if (*view == nullptr) {
    return error_for_status(internal_error("NodeService::menu returned no view"), tenant, log);
  }
  const menu::MenuView& m = **view;
  ApiResponse r;
  // The menu changes under the screen (sync, dayparts): the browser may keep
  // it but must revalidate every time, which costs a 304 when nothing moved.
  r.set_header("ETag", m.etag);
  r.set_header("Cache-Control", "no-cache");
  if (if_none_match && etag_matches(*if_none_match, m.etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.body = m.body;
  r.content_type = "application/json";
  return r;
}

}  // namespace larder::node::api
