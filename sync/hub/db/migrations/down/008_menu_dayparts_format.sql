-- Undo 008_menu_dayparts_format.
DROP TRIGGER c_check_menu ON menus;
DROP FUNCTION larder_check_menu();
DROP FUNCTION larder_dayparts_problem(jsonb);
