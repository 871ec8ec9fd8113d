-- Undo 006_location_node_format.
DROP TRIGGER c_check_location ON locations;
DROP FUNCTION larder_check_location();
DROP FUNCTION larder_location_problem(text, jsonb);
DROP FUNCTION larder_timezone_problem(text);
DROP FUNCTION larder_opening_hours_problem(jsonb);
DROP FUNCTION larder_hhmm_minutes(jsonb);
