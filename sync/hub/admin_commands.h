// The admin commands of larder-hub, for the back office and operators
// (README: "Operating the hub"). Each runs against the database named by
// --db (a libpq connection string; else $DATABASE_URL; else libpq's PG*
// variables) and prints what it did, or a clear error, and returns the
// process exit code (0 ok, 1 refused or failed, 2 bad usage).
//
//   init-roles                     create larder_owner and larder_hub (superuser)
//   migrate [--down N]             apply (or roll back) the schema (owner role)
//   tenant add / location add      provision
//   device add                     prints a one-time enrollment code
//   device revoke                  refuses the device's token from now on
//   devices --tenant T             fleet health
//   menu import --tenant T FILE    a whole menu, one transaction
//   order status --tenant T ID S   the kitchen's side: move an order forward
//   purge --retention-days N       drop old tombstones (owner role, e.g. daily);
//                                  N is 0..kMaxRetentionDays (else exit 2), and
//                                  any role but the schema owner (or a
//                                  superuser) is refused (exit 1)
// `migrate` (up) also lists stored locations larder-node cannot read
// (db/location_rules.h) as warnings on `err`; they do not fail it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace larder::hub {

inline constexpr int kMaxRetentionDays = 3650;

struct AdminArgs {
  std::string db;
  std::string tenant, location, device, id, name, currency = "USD", brand_color, logo_url;
  std::string timezone = "UTC", opening_hours = "{}", short_code, file, order, status;
  int tax_rate_bp = 0;
  bool tax_inclusive = false;
  int ttl_hours = 24;
  int down_to = -1;
  int retention_days = 7;
};

int admin_init_roles(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_migrate(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_tenant_add(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_location_add(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_device_add(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_device_revoke(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_devices(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_menu_import(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_order_status(const AdminArgs& a, std::ostream& out, std::ostream& err);
int admin_purge(const AdminArgs& a, std::ostream& out, std::ostream& err);

// The message for a --retention-days outside 0..kMaxRetentionDays (or not
// a number at all), naming the value given.
std::string retention_days_error(const std::string& given);

// --db, else $DATABASE_URL, else "" (libpq's PG* variables and defaults).
std::string resolve_conninfo(const std::string& flag);

}  // namespace larder::hub
