USE CATALOG default_catalog
