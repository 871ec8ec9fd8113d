#include "sync/hub/endpoint_support.h"

#include <charconv>

namespace larder::hub {

using http::Request;
using http::Response;

Response error(int status, std::string_view code, std::string_view message) {
  return Response::error(status, code, message);
}

Response from_status(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument:
      return error(400, "bad_request", s.message());
    case Code::kPermissionDenied:
      return error(401, "unauthorized", "the device token was refused");
    case Code::kUnavailable:
    case Code::kResourceExhausted:
      return error(503, "unavailable", "the database is unavailable; retry");
    default:
      return error(500, "internal_error", "internal error");
  }
}

std::string bearer_token(const Request& req) {
  const std::string* h = req.header("Authorization");
  if (h == nullptr || h->rfind("Bearer ", 0) != 0) return {};
  return h->substr(7);
}

Result<db::DeviceIdentity> authenticate(db::PgConnection& conn, const std::string& token) {
  if (token.empty()) return permission_denied("no bearer token");
  return db::authenticate_device(conn, token);
}

bool parse_int(const std::string* text, int min, int max, int fallback, int* out) {
  if (text == nullptr || text->empty()) {
    *out = fallback;
    return true;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) return false;
  *out = v;
  return true;
}

sync::FeedPosition to_wire(const db::FeedPosition& p) {
  auto key = [](const std::optional<db::SnapshotKey>& k) -> std::optional<sync::SnapshotKey> {
    if (!k) return std::nullopt;
    return sync::SnapshotKey{k->table, k->row_key};
  };
  sync::FeedPosition out;
  out.tenant_version = p.tenant_version;
  out.location_version = p.location_version;
  out.tenant_snapshot_end = p.tenant_snapshot_end;
  out.location_snapshot_end = p.location_snapshot_end;
  out.tenant_snapshot_key = key(p.tenant_snapshot_key);
  out.location_snapshot_key = key(p.location_snapshot_key);
  return out;
}

db::FeedPosition from_wire(const sync::FeedPosition& p) {
  auto key = [](const std::optional<sync::SnapshotKey>& k) -> std::optional<db::SnapshotKey> {
    if (!k) return std::nullopt;
    return db::SnapshotKey{k->table, k->row_key};
  };
  db::FeedPosition out;
  out.tenant_version = p.tenant_version;
  out.location_version = p.location_version;
  out.tenant_snapshot_end = p.tenant_snapshot_end;
  out.location_snapshot_end = p.location_snapshot_end;
  out.tenant_snapshot_key = key(p.tenant_snapshot_key);
  out.location_snapshot_key = key(p.location_snapshot_key);
  return out;
}

}  // namespace larder::hub
