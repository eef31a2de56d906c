"""The stewards' web app: what was published, quarantined and validated, per dataset and day.

- :mod:`.queries`: pure reads over a storage (no web framework, no Airflow);
- :mod:`.pages`: Jinja2 templates rendered from what the queries return;
- :mod:`.app`: the FastAPI routes; the Airflow plugin (``plugins/steward_views.py``) mounts the app
  and supplies the api-server's authentication and the run lookups from the metadata database;
- :mod:`.urls`: where everything is served.
"""
