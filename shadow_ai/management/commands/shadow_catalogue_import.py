"""manage.py shadow_catalogue_import [--path tools.json]: load the AI-tool catalogue."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shadow_ai.catalogue import CatalogueError
from shadow_ai.services.catalogue import catalogue_import
from tenancy.context import system_context


class Command(BaseCommand):
    help = "Import the shipped AI-tool catalogue (or another tools.json) into the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", type=Path, default=None)

    def handle(self, *args, path: Path | None = None, **options) -> None:
        try:
            with system_context():
                created, updated = catalogue_import(path=path)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Catalogue imported: {created} new, {updated} updated.")
