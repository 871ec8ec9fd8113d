-- 006: a location holds only what larder-node can read (node/menu/daypart.h),
-- whoever writes it: the admin CLI, the back office, or plain SQL.
--
--   opening_hours  an object keyed by mon..sun; each day an array (maybe
--                  empty: closed) of ["HH:MM", "HH:MM"] spans, opening
--                  00:00..23:59, closing 00:00..24:00 (a closing time at or
--                  before the opening runs past midnight); {} = always open.
--   timezone       an IANA zone name PostgreSQL knows (pg_timezone_names,
--                  case as listed), except the ones the node's tz database
--                  does not load (posix/..., right/..., posixrules, Factory)
--                  and localtime (the device's own zone, not the location's).
--
-- A row the node cannot parse made its menu and order endpoints fail, so a
-- write of either column is refused (SQLSTATE LD400) with a message naming
-- the field and the value. sync/hub/db/location_rules.cc is the same check
-- in C++ (the admin CLI's messages); location_rules_test.cc keeps the two,
-- and the node's parser, in agreement.
--
-- Rows written before this migration are not touched and do not fail it:
-- the trigger checks a row only when its timezone or opening_hours is
-- written, so an old bad row can still be renamed and is fixed by writing
-- those columns. `larder-hub migrate` lists every such row it finds
-- (docs/PROTOCOL.md "Locations").

CREATE FUNCTION larder_hhmm_minutes(v jsonb) RETURNS int
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  s text;
  h int;
  m int;
BEGIN
  -- plpgsql, not SQL: a CASE in an inlined SQL function may fold the casts
  -- of a constant argument before its guard is checked.
  IF jsonb_typeof(v) IS DISTINCT FROM 'string' THEN
    RETURN NULL;
  END IF;
  s := v #>> '{}';
  IF s !~ '^[0-9][0-9]:[0-9][0-9]$' THEN
    RETURN NULL;
  END IF;
  h := substr(s, 1, 2)::int;
  m := substr(s, 4, 2)::int;
  IF h > 24 OR m > 59 OR (h = 24 AND m <> 0) THEN
    RETURN NULL;
  END IF;
  RETURN h * 60 + m;
END
$$;

-- NULL when larder-node parses `hours`, else what is wrong (the first problem).
CREATE FUNCTION larder_opening_hours_problem(hours jsonb) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  day text;
  spans jsonb;
  span jsonb;
  opens int;
  i int;
  at text;
BEGIN
  IF jsonb_typeof(hours) IS DISTINCT FROM 'object' THEN
    RETURN format('opening_hours must be an object such as {"mon": [["08:00", "22:00"]]}, not %s',
                  CASE jsonb_typeof(hours) WHEN 'array' THEN 'an array' WHEN 'string' THEN 'a string'
                    WHEN 'number' THEN 'a number' WHEN 'boolean' THEN 'a boolean' ELSE 'null' END);
  END IF;
  FOR day, spans IN SELECT key, value FROM jsonb_each(hours) LOOP
    IF day NOT IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') THEN
      RETURN format('opening_hours has the key %s; days are mon, tue, wed, thu, fri, sat, sun',
                    to_jsonb(day));
    END IF;
    IF jsonb_typeof(spans) <> 'array' THEN
      RETURN format('opening_hours.%s must be an array of ["HH:MM", "HH:MM"] spans, not %s', day,
                    spans);
    END IF;
    FOR i IN 0 .. jsonb_array_length(spans) - 1 LOOP
      span := spans -> i;
      at := format('opening_hours.%s[%s]', day, i);
      IF jsonb_typeof(span) <> 'array' OR jsonb_array_length(span) <> 2 THEN
        RETURN format('%s must be ["HH:MM", "HH:MM"], not %s', at, span);
      END IF;
      opens := larder_hhmm_minutes(span -> 0);
      IF opens IS NULL OR opens >= 24 * 60 THEN
        RETURN format('%s[0] is %s; an opening time is "HH:MM" from 00:00 to 23:59', at, span -> 0);
      END IF;
      IF larder_hhmm_minutes(span -> 1) IS NULL THEN
        RETURN format('%s[1] is %s; a closing time is "HH:MM" from 00:00 to 24:00', at, span -> 1);
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$$;

-- NULL when larder-node can load the zone, else what is wrong.
CREATE FUNCTION larder_timezone_problem(tz text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE
      WHEN tz IS NULL THEN 'timezone is required (an IANA name such as Europe/Paris)'
      WHEN tz ~ '^(posix|right)/' OR tz IN ('posixrules', 'Factory', 'localtime') THEN
        format('timezone %s is not accepted: use an IANA zone name such as Europe/Paris'
               ' (not posix/..., right/..., posixrules, Factory or localtime)', quote_literal(tz))
      WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = tz) THEN
        format('timezone %s is not an IANA zone name (names are case-sensitive, e.g. Europe/Paris)',
               quote_literal(tz))
    END
  $$;

CREATE FUNCTION larder_location_problem(tz text, hours jsonb) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(larder_timezone_problem(tz), larder_opening_hours_problem(hours)) $$;

CREATE FUNCTION larder_check_location() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  problem text := larder_location_problem(NEW.timezone, NEW.opening_hours);
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'location %: %', NEW.id, problem USING ERRCODE = 'LD400';
  END IF;
  RETURN NEW;
END
$$;

-- "c_": after a_skip_noop_update and b_touch (BEFORE triggers fire by name).
CREATE TRIGGER c_check_location BEFORE INSERT OR UPDATE OF timezone, opening_hours ON locations
  FOR EACH ROW EXECUTE FUNCTION larder_check_location();
