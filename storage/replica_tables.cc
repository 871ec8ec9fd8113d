#include "storage/replica_tables.h"

namespace larder::storage {
namespace {

using T = ColumnType;

constexpr ReplicaColumn kId[] = {{"id", T::kText, true, false}};

constexpr ReplicaColumn kTenant[] = {
    {"id", T::kText, true, false},         {"name", T::kText, true, false},     {"brand_color", T::kText, false, true},
    {"logo_url", T::kText, false, true},  {"currency", T::kText, true, false}, {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kLocations[] = {
    {"id", T::kText, true, false},          {"name", T::kText, true, false},
    {"timezone", T::kText, true, false},    {"opening_hours", T::kJson, false, false},
    {"tax_rate_bp", T::kInteger, true, false}, {"tax_inclusive", T::kBool, true, false},
    {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kMenus[] = {
    {"id", T::kText, true, false},         {"location_id", T::kText, false, true}, {"name", T::kText, true, false},
    {"dayparts", T::kJson, false, false},  {"sort_order", T::kInteger, false, false},
    {"active", T::kBool, true, false},     {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kCategories[] = {
    {"id", T::kText, true, false},           {"menu_id", T::kText, true, false},
    {"name", T::kText, true, false},         {"description", T::kText, false, true},
    {"sort_order", T::kInteger, false, false}, {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kItems[] = {
    {"id", T::kText, true, false},            {"category_id", T::kText, true, false},
    {"name", T::kText, true, false},          {"description", T::kText, false, true},
    {"price_minor", T::kInteger, true, false}, {"available", T::kBool, true, false},
    {"image_url", T::kText, false, true},    {"sort_order", T::kInteger, false, false},
    {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kModifiers[] = {
    {"id", T::kText, true, false},             {"name", T::kText, true, false},
    {"selection", T::kText, true, false},      {"min_choices", T::kInteger, true, false},
    {"max_choices", T::kInteger, true, false}, {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kItemModifiersKey[] = {{"item_id", T::kText, true, false},
                                               {"modifier_id", T::kText, true, false}};
constexpr ReplicaColumn kItemModifiers[] = {{"item_id", T::kText, true, false},
                                            {"modifier_id", T::kText, true, false},
                                            {"sort_order", T::kInteger, false, false},
                                            {"updated_at", T::kText, true, false}};
constexpr ReplicaColumn kOptions[] = {
    {"id", T::kText, true, false},                  {"modifier_id", T::kText, true, false},
    {"name", T::kText, true, false},                {"price_delta_minor", T::kInteger, true, false},
    {"is_default", T::kBool, false, false},         {"available", T::kBool, true, false},
    {"sort_order", T::kInteger, false, false},      {"updated_at", T::kText, true, false}};

constexpr ReplicaTable kTables[] = {
    {"tenants", kId, kTenant},
    {"locations", kId, kLocations},
    {"menus", kId, kMenus},
    {"categories", kId, kCategories},
    {"items", kId, kItems},
    {"modifiers", kId, kModifiers},
    {"item_modifiers", kItemModifiersKey, kItemModifiers},
    {"options", kId, kOptions},
};

}  // namespace

std::span<const ReplicaTable> replica_tables() { return kTables; }

const ReplicaTable* find_replica_table(std::string_view name) {
  for (const ReplicaTable& t : kTables) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace larder::storage
