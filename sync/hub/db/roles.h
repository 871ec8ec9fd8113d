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

}  // namespace larder::hub::db
