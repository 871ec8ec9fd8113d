-- Replica schema v1: the menu, as the centre ships it (see notes in FORMAT.md).
-- Column names mirror the central tables (sync/hub/db/migrations) minus tenant_id:
-- one database file holds one tenant. Money is integer minor units.

CREATE TABLE tenants (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  brand_color  TEXT,
  logo_url     TEXT,
  currency     TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
  updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE locations (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  timezone       TEXT NOT NULL,
  opening_hours  TEXT NOT NULL DEFAULT '{}',   -- JSON {"mon":[["08:00","22:00"]],...}
  tax_rate_bp    INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 100000),
  tax_inclusive  INTEGER NOT NULL DEFAULT 0 CHECK (tax_inclusive IN (0, 1)),
  updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE menus (
  id           TEXT PRIMARY KEY,
  location_id  TEXT,                           -- NULL: every location
  name         TEXT NOT NULL,
  dayparts     TEXT NOT NULL DEFAULT '[]',     -- JSON [{"days":["mon"],"start":"06:00","end":"11:00"}]
  sort_order   INTEGER NOT NULL DEFAULT 0,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at   TEXT NOT NULL
) STRICT;

-- No foreign keys between menu tables: the feed delivers rows in the order the
-- centre committed them, which may put a child before its parent within a
-- batch, and a compacted feed may deliver a parent's tombstone before its
-- children's. The menu reader joins, so orphans are simply not shown.
CREATE TABLE categories (
  id           TEXT PRIMARY KEY,
  menu_id      TEXT NOT NULL,
  name         TEXT NOT NULL,
  description  TEXT,
  sort_order   INTEGER NOT NULL DEFAULT 0,
  updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX categories_menu ON categories (menu_id, sort_order);

CREATE TABLE items (
  id           TEXT PRIMARY KEY,
  category_id  TEXT NOT NULL,
  name         TEXT NOT NULL,
  description  TEXT,
  price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
  available    INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
  image_url    TEXT,
  sort_order   INTEGER NOT NULL DEFAULT 0,
  updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX items_category ON items (category_id, sort_order);

CREATE TABLE modifiers (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  selection    TEXT NOT NULL CHECK (selection IN ('single', 'multi')),
  min_choices  INTEGER NOT NULL DEFAULT 0 CHECK (min_choices >= 0),
  max_choices  INTEGER NOT NULL DEFAULT 1 CHECK (max_choices >= min_choices),
  updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE item_modifiers (
  item_id      TEXT NOT NULL,
  modifier_id  TEXT NOT NULL,
  sort_order   INTEGER NOT NULL DEFAULT 0,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (item_id, modifier_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE options (
  id                 TEXT PRIMARY KEY,
  modifier_id        TEXT NOT NULL,
  name               TEXT NOT NULL,
  price_delta_minor  INTEGER NOT NULL DEFAULT 0,
  is_default         INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  available          INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
  sort_order         INTEGER NOT NULL DEFAULT 0,
  updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX options_modifier ON options (modifier_id, sort_order);
