-- 008: a menu's dayparts hold only what larder-node can read
-- (node/menu/daypart.h, parse_dayparts), whoever writes them: the menu
-- import, the back office, or plain SQL.
--
--   dayparts  an array (001_schema) of objects; each with "start" "HH:MM"
--             00:00..23:59 and "end" "HH:MM" 00:00..24:00 (an end at or
--             before the start runs past midnight), and optionally "days",
--             an array of mon..sun (absent: every day). Other keys are
--             ignored by the node. [] = the menu is served at all hours.
--
-- One menu the node cannot read made the tenant's whole menu endpoint fail
-- on every device (a kiosk showing an error instead of food), so a write of
-- the column is refused (SQLSTATE LD400) with a message naming the field and
-- the value. Rows written before this migration are not touched; the
-- trigger checks a row only when its dayparts are written.
-- sync/hub/db/daypart_rules_test.cc keeps this and the node's parser in
-- agreement.

-- NULL when larder-node parses `parts`, else what is wrong (the first problem).
CREATE FUNCTION larder_dayparts_problem(parts jsonb) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  d jsonb;
  day jsonb;
  i int;
  starts int;
  at text;
BEGIN
  IF jsonb_typeof(parts) IS DISTINCT FROM 'array' THEN
    RETURN 'dayparts must be an array such as [{"days": ["mon"], "start": "06:00", "end": "11:00"}]';
  END IF;
  FOR i IN 0 .. jsonb_array_length(parts) - 1 LOOP
    d := parts -> i;
    at := format('dayparts[%s]', i);
    IF jsonb_typeof(d) <> 'object' THEN
      RETURN format('%s must be an object with "start" and "end", not %s', at, d);
    END IF;
    IF d ? 'days' THEN
      IF jsonb_typeof(d -> 'days') <> 'array' THEN
        RETURN format('%s.days must be an array of mon..sun, not %s', at, d -> 'days');
      END IF;
      FOR day IN SELECT value FROM jsonb_array_elements(d -> 'days') LOOP
        IF jsonb_typeof(day) <> 'string' OR
           day #>> '{}' NOT IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') THEN
          RETURN format('%s.days has %s; days are mon, tue, wed, thu, fri, sat, sun', at, day);
        END IF;
      END LOOP;
    END IF;
    starts := larder_hhmm_minutes(d -> 'start');
    IF starts IS NULL OR starts >= 24 * 60 THEN
      RETURN format('%s.start is %s; a start is "HH:MM" from 00:00 to 23:59', at,
                    coalesce((d -> 'start')::text, 'missing'));
    END IF;
    IF larder_hhmm_minutes(d -> 'end') IS NULL THEN
      RETURN format('%s.end is %s; an end is "HH:MM" from 00:00 to 24:00', at,
                    coalesce((d -> 'end')::text, 'missing'));
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE FUNCTION larder_check_menu() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  problem text := larder_dayparts_problem(NEW.dayparts);
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'menu %: %', NEW.id, problem USING ERRCODE = 'LD400';
  END IF;
  RETURN NEW;
END
$$;

-- "c_": after a_skip_noop_update and b_touch (BEFORE triggers fire by name).
CREATE TRIGGER c_check_menu BEFORE INSERT OR UPDATE OF dayparts ON menus
  FOR EACH ROW EXECUTE FUNCTION larder_check_menu();
