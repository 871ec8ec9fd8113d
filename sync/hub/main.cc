// larder-hub: the stateless central service between larder-node devices and
// PostgreSQL. `larder-hub --help` lists the commands; README "Operating the hub".
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <iostream>

#include "sync/hub/admin_commands.h"
#include "sync/hub/serve.h"

int main(int argc, char** argv) {
  using namespace larder::hub;
  CLI::App app{"larder-hub: the central sync service for larder-node devices"};
  app.require_subcommand(1);
  AdminArgs a;
  auto db_option = [&](CLI::App* c) {
    c->add_option("--db", a.db, "libpq connection string (default: $DATABASE_URL, then PG* variables)");
  };

  std::string config;
  auto* serve_cmd = app.add_subcommand("serve", "Serve nodes (HTTP API)");
  serve_cmd->add_option("--config,-c", config, "TOML config file")->required()->check(CLI::ExistingFile);

  auto* roles = app.add_subcommand("init-roles", "Create the larder_owner and larder_hub roles (superuser)");
  db_option(roles);
  auto* migrate = app.add_subcommand("migrate", "Apply the schema migrations (as larder_owner)");
  db_option(migrate);
  migrate->add_option("--down", a.down_to, "Roll back to this version instead");

  auto* tenant = app.add_subcommand("tenant", "Tenants")->require_subcommand(1);
  auto* tenant_add = tenant->add_subcommand("add", "Add a tenant; prints its id");
  db_option(tenant_add);
  tenant_add->add_option("--id", a.id, "UUID (default: a new one)");
  tenant_add->add_option("--name", a.name, "Display name")->required();
  tenant_add->add_option("--currency", a.currency, "ISO 4217 code");
  tenant_add->add_option("--brand-color", a.brand_color, "#RRGGBB");
  tenant_add->add_option("--logo-url", a.logo_url, "Logo URL");

  auto* location = app.add_subcommand("location", "Locations")->require_subcommand(1);
  auto* location_add = location->add_subcommand("add", "Add a location; prints its id");
  db_option(location_add);
  location_add->add_option("--tenant", a.tenant, "Tenant id")->required();
  location_add->add_option("--id", a.id, "UUID (default: a new one)");
  location_add->add_option("--name", a.name, "Display name")->required();
  location_add->add_option("--timezone", a.timezone, "IANA timezone, e.g. Europe/Berlin");
  location_add->add_option("--opening-hours", a.opening_hours, R"(JSON, e.g. {"mon":[["08:00","22:00"]]})");
  location_add->add_option("--tax-rate-bp", a.tax_rate_bp, "Tax rate in basis points (800 = 8%)");
  location_add->add_flag("--tax-inclusive", a.tax_inclusive, "Prices include tax");

  auto* device = app.add_subcommand("device", "Devices")->require_subcommand(1);
  auto* device_add = device->add_subcommand("add", "Add a device; prints its one-time enrollment code");
  db_option(device_add);
  device_add->add_option("--tenant", a.tenant, "Tenant id")->required();
  device_add->add_option("--location", a.location, "Location id")->required();
  device_add->add_option("--name", a.name, "Device name")->required();
  device_add->add_option("--short-code", a.short_code, "Order number prefix, e.g. K1")->required();
  device_add->add_option("--ttl-hours", a.ttl_hours, "How long the code stays valid");
  auto* device_revoke = device->add_subcommand("revoke", "Revoke a device's token");
  db_option(device_revoke);
  device_revoke->add_option("--tenant", a.tenant, "Tenant id")->required();
  device_revoke->add_option("--device", a.device, "Device id")->required();

  auto* devices = app.add_subcommand("devices", "Fleet health: last seen, lag, outbox, version");
  db_option(devices);
  devices->add_option("--tenant", a.tenant, "Tenant id")->required();

  auto* menu = app.add_subcommand("menu", "Menus")->require_subcommand(1);
  auto* menu_import = menu->add_subcommand("import", "Import a whole menu from JSON (one transaction)");
  db_option(menu_import);
  menu_import->add_option("--tenant", a.tenant, "Tenant id")->required();
  menu_import->add_option("file", a.file, "Menu JSON (sync/hub/db/MENU_IMPORT.md)")->required();

  auto* order = app.add_subcommand("order", "Orders")->require_subcommand(1);
  auto* order_status = order->add_subcommand("status", "Move an order's status forward");
  db_option(order_status);
  order_status->add_option("--tenant", a.tenant, "Tenant id")->required();
  order_status->add_option("order", a.order, "Order id")->required();
  order_status->add_option("status", a.status, "accepted, in_progress, ready, completed or cancelled")->required();

  auto* purge = app.add_subcommand("purge", "Drop tombstones older than the retention (owner role)");
  db_option(purge);
  // Read as text so that a number too big for an int gets the same message
  // as one out of range (admin_purge checks the range).
  purge->add_option_function<std::string>(
      "--retention-days",
      [&a](const std::string& text) {
        int days = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
        a.retention_days = ec == std::errc() && end == text.data() + text.size() ? days : -1;
        if (a.retention_days < 0 || a.retention_days > kMaxRetentionDays) {
          throw CLI::ValidationError("--retention-days", retention_days_error(text));
        }
      },
      "Keep deletes this long (0-" + std::to_string(kMaxRetentionDays) + " days, default 7)");

  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;
  if (*serve_cmd) return serve(config, err);
  if (*roles) return admin_init_roles(a, out, err);
  if (*migrate) return admin_migrate(a, out, err);
  if (*tenant_add) return admin_tenant_add(a, out, err);
  if (*location_add) return admin_location_add(a, out, err);
  if (*device_add) return admin_device_add(a, out, err);
  if (*device_revoke) return admin_device_revoke(a, out, err);
  if (*devices) return admin_devices(a, out, err);
  if (*menu_import) return admin_menu_import(a, out, err);
  if (*order_status) return admin_order_status(a, out, err);
  if (*purge) return admin_purge(a, out, err);
  return 2;
}
