// Database roles (DESIGN.md decision 9).
//
//   larder_owner: owns the schema's tables and functions; runs migrations
//                 and admin jobs. Subject to RLS too (FORCE), but as the
//                 owner it could turn RLS off, so the hub never uses it.
//   larder_hub:   what `larder-hub serve` connects as. Owns nothing,
//                 NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT,
//                 and holds only the grants of migrations/002 and 003.
//
// bootstrap_roles() creates both (if missing) with a superuser connection;
// it is the one step that needs a superuser. Migrations name larder_hub in
// their GRANTs, so the role name is fixed.
//
// check_hub_role_is_safe() is run by `larder-hub serve` on its pool's first
// connection: it refuses a role that could see across tenants.
// require_schema_owner() is the opposite check, for admin work that must
// see every tenant.
//
// Thread safety: functions; the connection is used by the calling thread.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

inline constexpr const char* kOwnerRole = "larder_owner";
inline constexpr const char* kHubRole = "larder_hub";

struct RolePasswords {
  std::optional<std::string> owner;  // unset: no password (trust/peer auth)
  std::optional<std::string> hub;
};

// Creates larder_owner and larder_hub when missing (and sets the given
// passwords). Needs a superuser (or CREATEROLE) connection.
Status bootstrap_roles(PgConnection& superuser, const RolePasswords& passwords = {});

// OK when the connected role (current_user) is not a superuser, has no
// BYPASSRLS, owns no table, view or sequence in this database, and is not a
// member of any role that is or does any of these (membership would let it
// SET ROLE). kPermissionDenied naming the reason otherwise.
Status check_hub_role_is_safe(PgConnection& conn);

// OK when the connected role may do admin work across tenants (`purge`):
// it owns the schema's tables (is larder_owner, or a member that inherits
// it) or is a superuser. Otherwise kPermissionDenied saying which role is
// needed: as larder_hub, row level security hides every tenant, and the
// work would "succeed" having done nothing. kFailedPrecondition when the
// database has no Larder schema. `command` names the work in the message.
Status require_schema_owner(PgConnection& conn, const std::string& command);

}  // namespace larder::hub::db
