#include "sync/hub/db/provisioning.h"

#include <regex>

#include "base/uuid.h"
#include "sync/hub/db/credentials.h"
#include "sync/hub/db/feed.h"
#include "sync/hub/db/location_rules.h"
#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

// Env time as a timestamptz parameter.
std::string timestamp_param(std::int64_t unix_ms) {
  return std::to_string(unix_ms / 1000) + "." + std::to_string(1000 + unix_ms % 1000).substr(1);
}

Status require_uuid(const std::string& value, const char* field) {
  if (!is_uuid(value)) return invalid_argument(std::string(field) + " '" + value + "' is not a UUID");
  return Status::ok();
}

}  // namespace

Status add_tenant(PgConnection& conn, const TenantSpec& spec) {
  LARDER_RETURN_IF_ERROR(require_uuid(spec.id, "tenant id"));
  if (spec.name.empty()) return invalid_argument("tenant name is empty");
  if (!std::regex_match(spec.currency, std::regex("[A-Z]{3}"))) {
    return invalid_argument("tenant currency '" + spec.currency + "' is not 3 capital letters (ISO 4217)");
  }
  if (spec.brand_color && !std::regex_match(*spec.brand_color, std::regex("#[0-9A-Fa-f]{6}"))) {
    return invalid_argument("brand_color '" + *spec.brand_color + "' is not #RRGGBB");
  }
  return run_for_tenant(conn, spec.id, [&](Transaction& tx) {
    Status s = tx.exec(
                     "INSERT INTO tenants (tenant_id, name, currency, brand_color, logo_url)"
                     " VALUES ($1, $2, $3, $4, $5)",
                     {spec.id, spec.name, spec.currency, spec.brand_color, spec.logo_url})
                   .status();
    if (s.code() == Code::kAlreadyExists)
      return already_exists("tenant " + spec.id + " already exists");
    return s.with_context("adding tenant " + spec.id);
  });
}

Status add_location(PgConnection& conn, const LocationSpec& spec) {
  LARDER_RETURN_IF_ERROR(require_uuid(spec.id, "location id"));
  if (spec.name.empty() || spec.name.size() > 200) {
    return invalid_argument("location name must be 1 to 200 characters");
  }
  if (spec.tax_rate_bp < 0 || spec.tax_rate_bp > 100000) {
    return invalid_argument("tax_rate_bp " + std::to_string(spec.tax_rate_bp) +
                            " is outside 0..100000");
  }
  // What larder-node could not parse is refused here (location_rules.h),
  // before PostgreSQL's trigger would refuse it with the same words.
  std::string hours = opening_hours_problem(spec.opening_hours_json);
  if (!hours.empty()) return invalid_argument(hours);
  return run_for_tenant(conn, spec.tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(std::string tz, timezone_problem(tx, spec.timezone));
    if (!tz.empty()) return invalid_argument(tz);
    LARDER_ASSIGN_OR_RETURN(
        PgResult tenant, tx.exec("SELECT 1 FROM tenants WHERE tenant_id = $1", {spec.tenant_id}));
    if (tenant.rows() == 0) return not_found("tenant " + spec.tenant_id + " does not exist");
    Status s = tx.exec(
                     "INSERT INTO locations (tenant_id, id, name, timezone, opening_hours,"
                     " tax_rate_bp, tax_inclusive) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)",
                     {spec.tenant_id, spec.id, spec.name, spec.timezone, spec.opening_hours_json,
                      std::to_string(spec.tax_rate_bp), spec.tax_inclusive ? "true" : "false"})
                   .status();
    if (s.code() == Code::kAlreadyExists) {
      return already_exists("tenant " + spec.tenant_id + " already has location " + spec.id);
    }
    return s.with_context("adding location " + spec.id + " to tenant " + spec.tenant_id);
  });
}

Result<NewDevice> add_device(PgConnection& conn, Env& env, const std::string& tenant_id,
                             const std::string& location_id, const std::string& name,
                             const std::string& short_code, std::chrono::seconds ttl,
                             std::string device_id) {
  if (device_id.empty()) device_id = new_uuid_v7(env);
  LARDER_RETURN_IF_ERROR(require_uuid(device_id, "device id"));
  LARDER_RETURN_IF_ERROR(require_uuid(location_id, "location id"));
  if (!std::regex_match(short_code, std::regex("[A-Za-z0-9]{1,8}"))) {
    return invalid_argument("short code '" + short_code + "' must be 1 to 8 letters or digits");
  }
  if (ttl.count() <= 0) return invalid_argument("enrollment code lifetime must be positive");
  NewDevice out;
  out.device_id = device_id;
  out.expires_unix_ms = env.now_unix_ms() + ttl.count() * 1000;
  Status done = run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(PgResult loc, tx.exec("SELECT 1 FROM locations WHERE tenant_id = $1 AND id = $2",
                                                  {tenant_id, location_id}));
    if (loc.rows() == 0) return not_found("tenant " + tenant_id + " has no location " + location_id);
    out.enrollment_code = make_enrollment_code(env, tenant_id);
    return tx.exec("INSERT INTO devices (tenant_id, id, location_id, name, short_code,"
                   " enrollment_code_hash, enrollment_expires_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::numeric))",
                   {tenant_id, device_id, location_id, name, short_code,
                    sha256_hex(out.enrollment_code), timestamp_param(out.expires_unix_ms)})
        .status()
        .with_context("adding device " + short_code + " to tenant " + tenant_id);
  });
  if (!done.is_ok()) return done;
  return out;
}

Result<EnrolledDevice> enroll_device(PgConnection& conn, Env& env, const std::string& code) {
  LARDER_ASSIGN_OR_RETURN(ParsedCredential parsed, parse_enrollment_code(code));
  EnrolledDevice out;
  Status done = run_for_tenant(conn, parsed.tenant_id, [&](Transaction& tx) -> Status {
    // FOR UPDATE: two devices racing with one code cannot both win.
    LARDER_ASSIGN_OR_RETURN(
        PgResult r,
        tx.exec("SELECT id, location_id, short_code, enrolled_at IS NOT NULL AS used,"
                " revoked_at IS NOT NULL AS revoked,"
                " enrollment_expires_at <= to_timestamp($3::numeric) AS expired"
                " FROM devices WHERE tenant_id = $1 AND enrollment_code_hash = $2 FOR UPDATE",
                {parsed.tenant_id, parsed.hash, timestamp_param(env.now_unix_ms())}));
    if (r.rows() == 0) return permission_denied("unknown enrollment code");
    if (r.get_bool(0, "used")) return permission_denied("enrollment code was already used");
    if (r.get_bool(0, "revoked")) return permission_denied("device was revoked");
    if (r.get_bool(0, "expired")) return permission_denied("enrollment code has expired");
    out.identity = {parsed.tenant_id, std::string(r.get(0, "id")), std::string(r.get(0, "location_id")),
                    std::string(r.get(0, "short_code"))};
    out.token = make_device_token(env, parsed.tenant_id);
    return tx.exec("UPDATE devices SET token_hash = $3, enrolled_at = to_timestamp($4::numeric)"
                   " WHERE tenant_id = $1 AND id = $2",
                   {parsed.tenant_id, out.identity.device_id, sha256_hex(out.token),
                    timestamp_param(env.now_unix_ms())})
        .status();
  });
  if (!done.is_ok()) return done;
  return out;
}

Result<DeviceIdentity> authenticate_device(PgConnection& conn, const std::string& token) {
  LARDER_ASSIGN_OR_RETURN(ParsedCredential parsed, parse_device_token(token));
  DeviceIdentity out;
  Status done = run_for_tenant(conn, parsed.tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(
        PgResult r, tx.exec("SELECT id, location_id, short_code, revoked_at IS NOT NULL AS revoked"
                            " FROM devices WHERE tenant_id = $1 AND token_hash = $2",
                            {parsed.tenant_id, parsed.hash}));
    if (r.rows() == 0) return permission_denied("unknown device token");
    if (r.get_bool(0, "revoked")) return permission_denied("device token was revoked");
    out = {parsed.tenant_id, std::string(r.get(0, "id")), std::string(r.get(0, "location_id")),
           std::string(r.get(0, "short_code"))};
    return Status::ok();
  });
  if (!done.is_ok()) return done;
  return out;
}

Status revoke_device(PgConnection& conn, const std::string& tenant_id, const std::string& device_id) {
  LARDER_RETURN_IF_ERROR(require_uuid(device_id, "device id"));
  return run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(PgResult r, tx.exec("SELECT 1 FROM devices WHERE tenant_id = $1 AND id = $2",
                                                {tenant_id, device_id}));
    if (r.rows() == 0) return not_found("tenant " + tenant_id + " has no device " + device_id);
    return tx.exec("UPDATE devices SET revoked_at = now()"
                   " WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL",
                   {tenant_id, device_id})
        .status();
  });
}

Status record_heartbeat(PgConnection& conn, Env& env, const DeviceIdentity& device,
                        const Heartbeat& hb) {
  if (hb.outbox_depth < 0) return invalid_argument("outbox_depth must be >= 0");
  return run_for_tenant(conn, device.tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(
        PgResult r,
        tx.exec("UPDATE devices SET last_seen_at = to_timestamp($3::numeric), app_version = $4,"
                " outbox_depth = $5, last_error = nullif($6, ''), cursor = $7,"
                " cursor_tenant_version = $8, cursor_location_version = $9"
                " WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id",
                {device.tenant_id, device.device_id, timestamp_param(env.now_unix_ms()),
                 hb.app_version, std::to_string(hb.outbox_depth), hb.last_error, hb.cursor,
                 std::to_string(hb.tenant_version), std::to_string(hb.location_version)}));
    if (r.rows() == 0) return permission_denied("device " + device.device_id + " is revoked or unknown");
    return Status::ok();
  });
}

Result<std::vector<DeviceStatus>> list_devices(PgConnection& conn, const std::string& tenant_id) {
  std::vector<DeviceStatus> out;
  Status done = run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    out.clear();
    LARDER_ASSIGN_OR_RETURN(
        PgResult r,
        tx.exec("SELECT d.id, d.location_id, d.name, d.short_code, d.enrolled_at IS NOT NULL AS enrolled,"
                " d.revoked_at IS NOT NULL AS revoked,"
                " (extract(epoch FROM d.last_seen_at) * 1000)::bigint AS last_seen_ms,"
                " coalesce(d.app_version, '') AS app_version, coalesce(d.outbox_depth, 0) AS outbox_depth,"
                " coalesce(d.last_error, '') AS last_error,"
                " CASE WHEN d.cursor_tenant_version IS NULL THEN 0 ELSE"
                "   greatest(coalesce(t.version, 0) - d.cursor_tenant_version, 0)"
                "   + greatest(coalesce(l.version, 0) - d.cursor_location_version, 0) END AS lag"
                " FROM devices d"
                " LEFT JOIN feed_counters t ON t.tenant_id = d.tenant_id AND t.location_id = $2"
                " LEFT JOIN feed_counters l ON l.tenant_id = d.tenant_id AND l.location_id = d.location_id"
                " WHERE d.tenant_id = $1 ORDER BY d.short_code",
                {tenant_id, kTenantScopeLocation}));
    for (int i = 0; i < r.rows(); ++i) {
      DeviceStatus d;
      d.device_id = std::string(r.get(i, "id"));
      d.location_id = std::string(r.get(i, "location_id"));
      d.name = std::string(r.get(i, "name"));
      d.short_code = std::string(r.get(i, "short_code"));
      d.enrolled = r.get_bool(i, "enrolled");
      d.revoked = r.get_bool(i, "revoked");
      if (auto seen = r.get_opt(i, "last_seen_ms")) d.last_seen_unix_ms = std::stoll(*seen);
      d.app_version = std::string(r.get(i, "app_version"));
      d.outbox_depth = static_cast<int>(r.get_int(i, "outbox_depth"));
      d.last_error = std::string(r.get(i, "last_error"));
      d.lag_versions = r.get_int(i, "lag");
      out.push_back(std::move(d));
    }
    return Status::ok();
  });
  if (!done.is_ok()) return done;
  return out;
}

}  // namespace larder::hub::db
