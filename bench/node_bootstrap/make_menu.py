#!/usr/bin/env python3
"""make_menu: writes a menu import document (sync/hub/db/MENU_IMPORT.md) with
N items: 1 menu, N/100 categories, N items, 20 modifiers of 5 options each,
and one item_modifiers link per item. Ids are deterministic UUIDs.

usage: make_menu.py N OUT.json   (prints the number of rows it holds)
"""
import json
import sys


def uid(kind, n):
    return f"0190b3c5-{kind:04x}-7000-8000-{n:012x}"


def menu(n_items):
    n_cats = max(1, n_items // 100)
    doc = {
        "menus": [{"id": uid(1, 1), "location_id": None, "name": "Everything", "dayparts": [],
                   "sort_order": 0, "active": True}],
        "categories": [{"id": uid(2, c), "menu_id": uid(1, 1), "name": f"Category {c}",
                        "description": "", "sort_order": c} for c in range(n_cats)],
        "items": [{"id": uid(3, i), "category_id": uid(2, i % n_cats), "name": f"Item {i}",
                   "description": "A generated item for the bootstrap benchmark", "price_minor": 100 + i % 900,
                   "available": True, "image_url": None, "sort_order": i} for i in range(n_items)],
        "modifiers": [{"id": uid(4, m), "name": f"Modifier {m}", "selection": "multi" if m % 2 else "single",
                       "min_choices": 0, "max_choices": 1 if m % 2 == 0 else 3} for m in range(20)],
        "options": [{"id": uid(5, o), "modifier_id": uid(4, o // 5), "name": f"Option {o}",
                     "price_delta_minor": (o % 5) * 25, "is_default": False, "available": True,
                     "sort_order": o % 5} for o in range(100)],
        "item_modifiers": [{"item_id": uid(3, i), "modifier_id": uid(4, i % 20), "sort_order": 0}
                           for i in range(n_items)],
    }
    return doc


if __name__ == "__main__":
    d = menu(int(sys.argv[1]))
    with open(sys.argv[2], "w") as f:
        json.dump(d, f)
    print(sum(len(v) for v in d.values()))
