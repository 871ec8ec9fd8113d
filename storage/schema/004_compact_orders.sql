-- Replica schema v4: the order ledger rebuilt to touch fewer pages per order
-- (SD-card wear; storage/FORMAT.md "Pages written per order"). Every page a
-- commit touches is written whole to the WAL, so each b-tree an order lands
-- in costs a page. v2 wrote about a dozen per order; this layout writes
-- about five:
--   orders   the lines and their option snapshots are a JSON array in the
--            order's own row (written once with it, always read whole); the
--            rowid `seq` is the device's order sequence, so the next number
--            is max(seq) + 1 and needs no counter row; only two indexes are
--            kept, the ones something reads: id (UNIQUE) and the client's
--            idempotency key (partial: orders without one cost nothing).
--            Dropped: the index on placed_at (nothing read it; ids are
--            UUIDv7, time-ordered) and UNIQUE(number) (numbers come from
--            the sequence and cannot repeat).
--   outbox   one row per order still to push (or dead, kept and shown),
--            keyed by the order's seq: no AUTOINCREMENT (its sqlite_sequence
--            row was another page), no index on order_id or state. A pushed
--            order's row is deleted, which writes one leaf.
-- Existing orders keep their ids, numbers and contents; synced outbox rows
-- are dropped, pending and dead ones kept. Their seq is their old rowid,
-- shifted up when needed so that the next number is never below
-- sync_state.next_order_seq, which is no longer written from here on.

CREATE TABLE orders_v4 (
  seq              INTEGER PRIMARY KEY,         -- the device's order sequence (the number's digits)
  id               TEXT NOT NULL UNIQUE,        -- UUIDv7, the idempotency key end to end
  number           TEXT NOT NULL,               -- device short code '-' seq, e.g. K1-0042
  location_id      TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'placed'
                   CHECK (status IN ('placed', 'accepted', 'in_progress', 'ready', 'completed', 'cancelled')),
  subtotal_minor   INTEGER NOT NULL CHECK (subtotal_minor >= 0),
  tax_minor        INTEGER NOT NULL CHECK (tax_minor >= 0),
  total_minor      INTEGER NOT NULL CHECK (total_minor >= 0),
  currency         TEXT NOT NULL CHECK (length(currency) = 3),
  tax_rate_bp      INTEGER NOT NULL,
  tax_inclusive    INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
  note             TEXT,
  idempotency_key  TEXT,                        -- the client's Idempotency-Key header, if any
  request_hash     TEXT,                        -- of the request body, to detect a reused key
  lines            TEXT NOT NULL CHECK (json_valid(lines)),  -- snapshot; format in FORMAT.md
  placed_at        TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;

INSERT INTO orders_v4 (seq, id, number, location_id, status, subtotal_minor, tax_minor,
                       total_minor, currency, tax_rate_bp, tax_inclusive, note, idempotency_key,
                       request_hash, lines, placed_at, updated_at)
SELECT o.rowid + coalesce((SELECT max(0, s.next_order_seq - 1 - (SELECT max(rowid) FROM orders))
                           FROM sync_state s WHERE s.id = 1), 0),
       o.id, o.number, o.location_id, o.status, o.subtotal_minor, o.tax_minor, o.total_minor,
       o.currency, o.tax_rate_bp, o.tax_inclusive, o.note, o.idempotency_key, o.request_hash,
       (SELECT coalesce(json_group_array(json(l.doc) ORDER BY l.line_no), '[]') FROM (
          SELECT i.line_no AS line_no,
                 json_object('line_no', i.line_no, 'item_id', i.item_id, 'name', i.name,
                             'unit_price_minor', i.unit_price_minor, 'quantity', i.quantity,
                             'line_total_minor', i.line_total_minor,
                             'options', json((SELECT coalesce(json_group_array(
                                 json_object('option_id', p.option_id, 'modifier_id', p.modifier_id,
                                             'name', p.name, 'price_delta_minor', p.price_delta_minor)
                                 ORDER BY p.option_id), '[]')
                               FROM order_item_options p
                               WHERE p.order_id = i.order_id AND p.line_no = i.line_no))) AS doc
          FROM order_items i WHERE i.order_id = o.id) l),
       o.placed_at, o.updated_at
FROM orders o ORDER BY o.rowid;

CREATE UNIQUE INDEX orders_idempotency_key ON orders_v4 (idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE outbox_v4 (
  seq          INTEGER PRIMARY KEY REFERENCES orders_v4 (seq),
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) STRICT;

INSERT INTO outbox_v4 (seq, state, attempts, last_error, created_at, updated_at)
SELECT o.seq, x.state, x.attempts, x.last_error, x.created_at, x.updated_at
FROM outbox x JOIN orders_v4 o ON o.id = x.order_id
WHERE x.state <> 'synced' ORDER BY o.seq;

-- Children first: with foreign keys on, dropping a parent checks its children.
DROP TABLE outbox;
DROP TABLE order_item_options;
DROP TABLE order_items;
DROP TABLE orders;
ALTER TABLE orders_v4 RENAME TO orders;
ALTER TABLE outbox_v4 RENAME TO outbox;
