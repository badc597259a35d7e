"""The demo data set (``fixtures/demo/``, ``python manage.py load_demo``): the top layer, above every
app, because it writes scores, weaknesses, measures, meetings and reports through their services."""
