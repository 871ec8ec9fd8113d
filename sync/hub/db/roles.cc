#include "sync/hub/db/roles.h"

namespace larder::hub::db {
namespace {

Status ensure_role(PgConnection& conn, const std::string& name, const std::string& attributes,
                   const std::optional<std::string>& password) {
  LARDER_ASSIGN_OR_RETURN(PgResult r,
                          conn.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {name}));
  if (r.rows() == 0) {
    // Role names are our constants, never user input; quote_ident anyway.
    LARDER_ASSIGN_OR_RETURN(PgResult q, conn.exec("SELECT quote_ident($1) AS q", {name}));
    LARDER_RETURN_IF_ERROR(
        conn.exec("CREATE ROLE " + std::string(q.get(0, "q")) + " " + attributes).status());
  }
  if (password) {
    // format('%L') quotes the password in the server, not here.
    LARDER_ASSIGN_OR_RETURN(
        PgResult sql, conn.exec("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) AS s",
                                {name, *password}));
    LARDER_RETURN_IF_ERROR(conn.exec(sql.get(0, "s")).status());
  }
  return Status::ok();
}

}  // namespace

Status bootstrap_roles(PgConnection& superuser, const RolePasswords& passwords) {
  LARDER_RETURN_IF_ERROR(ensure_role(superuser, kOwnerRole, "LOGIN NOSUPERUSER NOBYPASSRLS",
                                     passwords.owner)
                             .with_context("creating role larder_owner"));
  LARDER_RETURN_IF_ERROR(
      ensure_role(superuser, kHubRole,
                  "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT", passwords.hub)
          .with_context("creating role larder_hub"));
  return Status::ok();
}

Status check_hub_role_is_safe(PgConnection& conn) {
  // Every role the current one is (or can become by SET ROLE), with what
  // makes it unsafe. pg_has_role(..., 'MEMBER') includes the role itself.
  LARDER_ASSIGN_OR_RETURN(
      PgResult r,
      conn.exec(
          "SELECT current_user AS me, r.rolname, r.rolsuper, r.rolbypassrls,"
          "       (SELECT c.relname FROM pg_class c"
          "         WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
          "           AND c.relnamespace NOT IN ('pg_catalog'::regnamespace,"
          "                                      'information_schema'::regnamespace)"
          "           AND c.relnamespace::regnamespace::text NOT LIKE 'pg_toast%'"
          "         ORDER BY c.relname LIMIT 1) AS owned"
          "  FROM pg_roles r"
          " WHERE pg_has_role(current_user, r.oid, 'MEMBER')"
          " ORDER BY r.rolname = current_user DESC, r.rolname"));
  for (int i = 0; i < r.rows(); ++i) {
    std::string me(r.get(i, "me"));
    std::string role(r.get(i, "rolname"));
    std::string who = role == me ? "role " + me : "role " + me + " (through membership in " + role + ")";
    std::string why;
    if (r.get_bool(i, "rolsuper")) {
      why = "is a superuser";
    } else if (r.get_bool(i, "rolbypassrls")) {
      why = "has BYPASSRLS";
    } else if (auto owned = r.get_opt(i, "owned")) {
      why = "owns table " + *owned;
    }
    if (!why.empty()) {
      return permission_denied(
          "refusing to serve as database " + who + ": it " + why +
          ", so row level security would not isolate tenants; connect as larder_hub");
    }
  }
  return Status::ok();
}

Status require_schema_owner(PgConnection& conn, const std::string& command) {
  LARDER_ASSIGN_OR_RETURN(
      PgResult r,
      conn.exec("SELECT current_user AS me, o.rolname AS owner,"
                "       pg_has_role(current_user, c.relowner, 'USAGE') AS owns,"
                "       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super"
                "  FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner"
                " WHERE c.oid = to_regclass('tenants')"));
  if (r.rows() == 0) {
    return failed_precondition(command +
                               ": this database has no Larder schema (table tenants); "
                               "run larder-hub migrate first");
  }
  if (r.get_bool(0, "owns") || r.get_bool(0, "super")) return Status::ok();
  const std::string me(r.get(0, "me"));
  const std::string owner(r.get(0, "owner"));
  return permission_denied(command + " must run as the schema owner, " + owner +
                           " (the role that ran larder-hub migrate), not " + me +
                           ": row level security hides every tenant from " + me +
                           ", so nothing would be done; use --db \"... user=" + owner + "\"");
}

}  // namespace larder::hub::db
