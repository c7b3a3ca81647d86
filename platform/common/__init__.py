"""Helpers every layer may use: no models, no knowledge of any module (CSV export, showing
a service's errors on a form). It sits below `accounts` in the import contracts."""
