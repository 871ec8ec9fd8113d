-- 004: what the node sold with, kept centrally too: the diner's note for the
-- kitchen, and the tax rate and mode the totals were computed with.
ALTER TABLE orders
  ADD COLUMN note text CHECK (note IS NULL OR length(note) <= 200),
  ADD COLUMN tax_rate_bp int NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 100000),
  ADD COLUMN tax_inclusive boolean NOT NULL DEFAULT false;
