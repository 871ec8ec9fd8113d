#include "sync/hub/admin_commands.h"

#include <cstdlib>
#include <ctime>
#include <iomanip>

#include "base/atomic_file.h"
#include "base/env.h"
#include "base/uuid.h"
#include "sync/hub/db/daypart_rules.h"
#include "sync/hub/db/feed.h"
#include "sync/hub/db/location_rules.h"
#include "sync/hub/db/menu_import.h"
#include "sync/hub/db/migrations.h"
#include "sync/hub/db/orders.h"
#include "sync/hub/db/provisioning.h"
#include "sync/hub/db/roles.h"

namespace larder::hub {
namespace {

int fail(std::ostream& err, const Status& s) {
  err << "larder-hub: " << s.message() << "\n";
  return 1;
}

Result<db::PgConnection> connect(const AdminArgs& a) {
  return db::PgConnection::connect(resolve_conninfo(a.db));
}

std::string when(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string retention_days_error(const std::string& given) {
  return "must be a whole number of days from 0 to " + std::to_string(kMaxRetentionDays) +
         " (10 years), not " + given;
}

std::string resolve_conninfo(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("DATABASE_URL");
  return env != nullptr ? env : "";
}

int admin_init_roles(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  Status s = db::bootstrap_roles(*conn);
  if (!s.is_ok() && s.code() != Code::kAlreadyExists) return fail(err, s);
  out << "roles larder_owner (migrations) and larder_hub (the hub; owns nothing, no BYPASSRLS) are "
         "ready\n";
  return 0;
}

int admin_migrate(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  auto steps = a.down_to >= 0 ? db::migrate_down(*conn, a.down_to) : db::migrate_up(*conn);
  if (!steps.is_ok()) return fail(err, steps.status());
  auto version = db::current_migration_version(*conn);
  if (!version.is_ok()) return fail(err, version.status());
  out << "schema at version " << *version << " (" << *steps
      << (a.down_to >= 0 ? " step(s) reverted" : " step(s) applied")
      << "; newest known: " << db::latest_migration_version() << ")\n";
  if (a.down_to < 0) {
    // Locations stored before the schema checked them (migration 006) are
    // kept as they are, and named here rather than passed over in silence.
    auto bad = db::find_location_problems(*conn);
    if (!bad.is_ok()) return fail(err, bad.status().with_context("checking stored locations"));
    for (const db::LocationProblem& p : *bad) {
      err << "larder-hub: warning: location " << p.location_id << " of tenant " << p.tenant_id
          << ": " << p.problem << "; larder-node cannot serve its menu or orders until it is "
          << "fixed (docs/PROTOCOL.md \"Locations\")\n";
    }
    // The same for menus' dayparts (migration 008).
    auto menus = db::find_menu_problems(*conn);
    if (!menus.is_ok()) return fail(err, menus.status().with_context("checking stored menus"));
    for (const db::MenuProblem& p : *menus) {
      err << "larder-hub: warning: menu " << p.menu_id << " of tenant " << p.tenant_id << ": "
          << p.problem << "; larder-node cannot serve this tenant's menu until it is fixed"
          << " (docs/PROTOCOL.md \"Locations\")\n";
    }
  }
  return 0;
}

int admin_tenant_add(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  db::TenantSpec t;
  t.id = a.id.empty() ? new_uuid_v7(system_env()) : a.id;
  t.name = a.name;
  t.currency = a.currency;
  if (!a.brand_color.empty()) t.brand_color = a.brand_color;
  if (!a.logo_url.empty()) t.logo_url = a.logo_url;
  Status s = db::add_tenant(*conn, t);
  if (!s.is_ok()) return fail(err, s);
  out << t.id << "\n";
  return 0;
}

int admin_location_add(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  db::LocationSpec l;
  l.tenant_id = a.tenant;
  l.id = a.id.empty() ? new_uuid_v7(system_env()) : a.id;
  l.name = a.name;
  l.timezone = a.timezone;
  l.opening_hours_json = a.opening_hours;
  l.tax_rate_bp = a.tax_rate_bp;
  l.tax_inclusive = a.tax_inclusive;
  Status s = db::add_location(*conn, l);
  if (!s.is_ok()) return fail(err, s);
  out << l.id << "\n";
  return 0;
}

int admin_device_add(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  auto d = db::add_device(*conn, system_env(), a.tenant, a.location, a.name, a.short_code,
                          std::chrono::hours(a.ttl_hours), a.id);
  if (!d.is_ok()) return fail(err, d.status());
  out << d->enrollment_code << "\n";
  err << "device " << d->device_id << ": enrollment code above, valid until "
      << when(d->expires_unix_ms) << " and for one use:\n  larder-node enroll --hub HUB_URL --code "
      << d->enrollment_code << "\n";
  return 0;
}

int admin_device_revoke(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  Status s = db::revoke_device(*conn, a.tenant, a.device);
  if (!s.is_ok()) return fail(err, s);
  out << "device " << a.device << " revoked: its token is refused from now on\n";
  return 0;
}

int admin_devices(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  auto list = db::list_devices(*conn, a.tenant);
  if (!list.is_ok()) return fail(err, list.status());
  out << std::left << std::setw(38) << "DEVICE" << std::setw(6) << "CODE" << std::setw(22)
      << "LAST SEEN" << std::setw(10) << "VERSION" << std::setw(8) << "OUTBOX" << std::setw(6)
      << "LAG"
      << "STATE / LAST ERROR\n";
  for (const db::DeviceStatus& d : *list) {
    std::string state = d.revoked ? "revoked" : d.enrolled ? "enrolled" : "awaiting enrollment";
    if (!d.last_error.empty()) state += " / " + d.last_error;
    out << std::setw(38) << d.device_id << std::setw(6) << d.short_code << std::setw(22)
        << (d.last_seen_unix_ms ? when(*d.last_seen_unix_ms) : std::string("never"))
        << std::setw(10) << (d.app_version.empty() ? "-" : d.app_version) << std::setw(8)
        << d.outbox_depth << std::setw(6) << d.lag_versions << state << "\n";
  }
  return 0;
}

int admin_menu_import(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto text = read_file(a.file);
  if (!text.is_ok()) return fail(err, text.status());
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  auto stats = db::import_menu(*conn, a.tenant, *text);
  if (!stats.is_ok()) return fail(err, stats.status().with_context(a.file));
  out << "imported " << stats->menus << " menus, " << stats->categories << " categories, "
      << stats->items << " items, " << stats->modifiers << " modifier groups, " << stats->options
      << " options\n";
  return 0;
}

int admin_order_status(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  Status s = db::set_order_status(*conn, a.tenant, a.order, a.status);
  if (!s.is_ok()) return fail(err, s);
  out << "order " << a.order << " is " << a.status << "\n";
  return 0;
}

int admin_purge(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  if (a.retention_days < 0 || a.retention_days > kMaxRetentionDays) {
    err << "larder-hub: --retention-days " << retention_days_error(std::to_string(a.retention_days))
        << "\n";
    return 2;
  }
  auto conn = connect(a);
  if (!conn.is_ok()) return fail(err, conn.status());
  // As the hub role, row level security would hide every tenant and the
  // purge would "succeed" having deleted nothing.
  Status owner = db::require_schema_owner(*conn, "purge");
  if (!owner.is_ok()) return fail(err, owner);
  auto tenants = conn->exec("SELECT tenant_id::text FROM tenants ORDER BY 1");
  if (!tenants.is_ok()) return fail(err, tenants.status());
  std::int64_t total = 0;
  for (int i = 0; i < tenants->rows(); ++i) {
    std::string t(tenants->get(i, 0));
    auto n = db::purge_feed(*conn, t, std::chrono::hours(24 * a.retention_days));
    if (!n.is_ok()) return fail(err, n.status().with_context("tenant " + t));
    total += *n;
  }
  out << "purged " << total << " feed rows older than " << a.retention_days << " days\n";
  return 0;
}

}  // namespace larder::hub
