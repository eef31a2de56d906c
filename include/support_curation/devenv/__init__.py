"""The development environment, for a checkout of this repo: a throwaway PostgreSQL server
(``local_postgres``), the local Airflow stack of ``make up`` and the deployment test (``deploy_stack``),
and its demo data (``demo_data``). Used by scripts/ and the tests; the pipeline never imports it.
"""
