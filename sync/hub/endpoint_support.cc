#include "sync/hub/endpoint_support.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>

#include "sync/hub/db/credentials.h"
#include "sync/hub/db/pg_error.h"

namespace larder::hub {

using http::Request;
using http::Response;

Response error(int status, std::string_view code, std::string_view message) {
  return Response::error(status, code, message);
}

Response from_status(const Status& s, std::string_view context) {
  const std::string cause = std::string(context) + ": " + s.message();
  Response r;
  switch (s.code()) {
    case Code::kInvalidArgument:
      if (db::sqlstate_of(s).empty()) return error(400, "bad_request", s.message());
      // PostgreSQL refused a value the hub let through: the node gets no SQL.
      spdlog::warn("answered 400: {}", cause);
      return error(400, "bad_request", "the hub's database refused a value of this request");
    case Code::kPermissionDenied:
      return error(401, "unauthorized", "the device token was refused");
    case Code::kUnavailable:
    case Code::kResourceExhausted:
      r = error(503, "unavailable", "the database is unavailable; retry");
      break;
    default:
      r = error(500, "internal_error", "internal error");
      break;
  }
  r.log_cause = cause;
  return r;
}

std::string bearer_token(const Request& req) { return req.bearer_token(); }

std::optional<Response> refuse_non_json(const Request& req) {
  auto refused = [&req](const std::string& why) {
    return error(
        415, "unsupported_media_type",
        req.method + " " + req.path + " needs Content-Type: application/json (" + why + ")");
  };
  const std::size_t n = req.header_count("Content-Type");
  if (n == 0) return refused("none was sent");
  if (n > 1) return refused("it was sent " + std::to_string(n) + " times");
  std::string v = *req.header("Content-Type");
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto trim = [](std::string_view t) {
    std::size_t b = t.find_first_not_of(" \t");
    if (b == std::string_view::npos) return std::string();
    return std::string(t.substr(b, t.find_last_not_of(" \t") + 1 - b));
  };
  std::size_t semi = v.find(';');
  const std::string type = trim(std::string_view(v).substr(0, semi));
  if (type != "application/json") return refused("not " + (type.empty() ? "an empty one" : type));
  while (semi != std::string::npos) {
    std::size_t next = v.find(';', semi + 1);
    std::string param = trim(std::string_view(v).substr(
        semi + 1, next == std::string::npos ? std::string::npos : next - semi - 1));
    if (!param.empty() && param != "charset=utf-8" && param != "charset=\"utf-8\"") {
      return refused("the body is read as UTF-8; not " + param);
    }
    semi = next;
  }
  return std::nullopt;
}

Result<db::DeviceIdentity> authenticate(db::PgConnection& conn, const std::string& token) {
  if (token.empty()) return permission_denied("no bearer token");
  return db::authenticate_device(conn, token);
}

std::string token_owner(const std::string& token) {
  auto parsed = db::parse_device_token(token);
  return parsed.is_ok() ? "device of tenant " + parsed->tenant_id : "device of an unknown tenant";
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
