-- The platform's three roles on the CI machine's PostgreSQL (trust authentication), made or
-- corrected idempotently; docker/postgres-init.sql explains them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_owner') THEN
    CREATE ROLE platform_owner LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform') THEN
    CREATE ROLE platform LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_system') THEN
    CREATE ROLE platform_system LOGIN;
  END IF;
END $$;
ALTER ROLE platform_owner LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB;
ALTER ROLE platform LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
ALTER ROLE platform_system LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
