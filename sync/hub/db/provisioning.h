// Provisioning: tenants, locations and devices (the admin CLI's commands),
// enrollment, authentication of device tokens, heartbeats, the fleet view.
//
// Every function runs in its own transaction scoped to one tenant under RLS
// (run_for_tenant); the connection must not be inside a transaction. Time
// comes from Env (expiry of enrollment codes, last_seen). Credentials:
// see credentials.h (only hashes are stored; the tenant is a token prefix).
//
// Errors: kInvalidArgument for bad input (message names the field),
// kAlreadyExists for a duplicate id or short code, kNotFound for an unknown
// location/device, kPermissionDenied for any refused credential (unknown,
// replayed, expired, revoked: the message says which, for logs; the HTTP side
// should answer 401 without detail), kUnavailable for database trouble.
//
// Thread safety: functions; the connection is used by the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

struct TenantSpec {
  std::string id;  // UUID
  std::string name;
  std::string currency;  // 'USD'
  std::optional<std::string> brand_color;  // '#RRGGBB'
  std::optional<std::string> logo_url;
};
Status add_tenant(PgConnection& conn, const TenantSpec& spec);

struct LocationSpec {
  std::string tenant_id;
  std::string id;
  std::string name;
  std::string timezone = "UTC";        // IANA name, checked against PostgreSQL's list
  std::string opening_hours_json = "{}";
  int tax_rate_bp = 0;                  // 0..100000
  bool tax_inclusive = false;
};
Status add_location(PgConnection& conn, const LocationSpec& spec);

struct NewDevice {
  std::string device_id;
  std::string enrollment_code;  // shown once; only its hash is stored
  std::int64_t expires_unix_ms = 0;
};
// Registers a device at a location and issues a one-time enrollment code
// valid for `ttl`. device_id is generated (UUIDv7) when empty.
Result<NewDevice> add_device(PgConnection& conn, Env& env, const std::string& tenant_id,
                             const std::string& location_id, const std::string& name,
                             const std::string& short_code, std::chrono::seconds ttl,
                             std::string device_id = "");

struct DeviceIdentity {
  std::string tenant_id;
  std::string device_id;
  std::string location_id;
  std::string short_code;
};
struct EnrolledDevice {
  DeviceIdentity identity;
  std::string token;  // shown once; only its hash is stored
};
// Trades a valid, unexpired, unused code for a bearer token. A replayed,
// expired, unknown or revoked code is kPermissionDenied.
Result<EnrolledDevice> enroll_device(PgConnection& conn, Env& env, const std::string& code);

// The device a bearer token belongs to; kPermissionDenied if unknown or revoked.
Result<DeviceIdentity> authenticate_device(PgConnection& conn, const std::string& token);

// Revokes the device's token (and any unused enrollment code). Idempotent.
Status revoke_device(PgConnection& conn, const std::string& tenant_id, const std::string& device_id);

struct Heartbeat {
  std::string app_version;
  int outbox_depth = 0;
  std::string last_error;  // "" = none
  std::string cursor;      // the opaque cursor the device holds
  std::int64_t tenant_version = 0;    // the feed position inside it,
  std::int64_t location_version = 0;  // for the lag column of the fleet view
};
Status record_heartbeat(PgConnection& conn, Env& env, const DeviceIdentity& device,
                        const Heartbeat& heartbeat);

struct DeviceStatus {
  std::string device_id, location_id, name, short_code;
  bool enrolled = false;
  bool revoked = false;
  std::optional<std::int64_t> last_seen_unix_ms;
  std::string app_version;
  int outbox_depth = 0;
  std::string last_error;
  // Feed versions the device is behind (tenant + location scope), from its
  // last heartbeat; 0 when it reported none.
  std::int64_t lag_versions = 0;
};
Result<std::vector<DeviceStatus>> list_devices(PgConnection& conn, const std::string& tenant_id);

}  // namespace larder::hub::db
