-- The application's role is not a superuser, so PostgreSQL row-level security binds it.
CREATE ROLE platform LOGIN PASSWORD 'platform' CREATEDB NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE platform OWNER platform;
