-- The three database roles of the platform (docs/architecture.md, "Database roles").
-- Run once as a superuser on a new server; change the passwords, and give each process the
-- URL of its role:
--   DATABASE_URL         postgres://platform:...@host/platform          (web, workers)
--   DATABASE_OWNER_URL   postgres://platform_owner:...@host/platform    (migrations)
--   DATABASE_SYSTEM_URL  postgres://platform_system:...@host/platform   (system_context)
--
-- owner:   owns the database and every table; runs migrations. Nothing else connects as it.
-- runtime: what web and workers use. Not a superuser, no BYPASSRLS, owns nothing, so it can
--          neither switch row-level security off nor drop a policy; it only gets row
--          privileges (granted by the platform after each migration).
-- system:  BYPASSRLS, owns nothing; only system_context() uses it (management commands,
--          the operators' admin, the invitation-token lookup).
-- The platform refuses to start outside DEBUG when the runtime role is a superuser, has
-- BYPASSRLS or owns a tenant table.
CREATE ROLE platform_owner LOGIN PASSWORD 'platform_owner' NOSUPERUSER NOBYPASSRLS CREATEDB;
CREATE ROLE platform LOGIN PASSWORD 'platform' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE ROLE platform_system LOGIN PASSWORD 'platform_system' NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE platform OWNER platform_owner;
