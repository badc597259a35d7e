"""The ITA catalogue as data (``fixtures/frameworks/``): load, validate, export, CSV/XLSX import and export.

``core`` holds the dict form and the idempotent loader; ``files`` the flat CSV/XLSX layout and the
one entry point that reads any framework file. Import from here: ``from indicators.catalogue import
framework_load``.
"""

from indicators.catalogue.core import framework_export, framework_load, framework_load_file, framework_validate, parse_item_code
from indicators.catalogue.files import (
    framework_data_from_rows,
    framework_export_csv,
    framework_export_xlsx,
    framework_import_file,
    framework_rows,
)

__all__ = [
    "framework_data_from_rows",
    "framework_export",
    "framework_export_csv",
    "framework_export_xlsx",
    "framework_import_file",
    "framework_load",
    "framework_load_file",
    "framework_rows",
    "framework_validate",
    "parse_item_code",
]
