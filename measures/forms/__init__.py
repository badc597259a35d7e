"""Forms of the measures screens, one module per area like ``measures/views/``: Thai labels, help
texts and errors; BE date and time inputs (``ita_portal.forms_thai``).

Forms only read and check what was typed; views hand ``cleaned_data`` to the services.
"""
