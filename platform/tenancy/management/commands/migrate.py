"""Django's migrate, run on the owner role's connection unless --database says otherwise.

The runtime role must own no table (it could otherwise switch row-level security off), so
only the owner creates and alters tables (settings.MIGRATION_DATABASE).
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=settings.MIGRATION_DATABASE)
