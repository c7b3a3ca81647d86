"""Writes for tenancy. Each service is keyword-only, atomic, and records an audit event."""
