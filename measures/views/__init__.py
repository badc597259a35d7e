"""Staff pages of measures, follow-up meetings, progress and evidence (see ``measures/urls.py``).

Views stay thin: access through ``ita_portal.agencies.selectors`` (a refused read is 404, a refused
write 403), reads through ``measures.selectors``, every change through ``measures.services``.
"""
