"""Per-upload resolution of hosts to tools and identities to aliases, with dict caches so
the catalogue matcher (tldextract) runs once per distinct host and each identity is
looked up or created once per upload."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django.utils import timezone

from shadow_ai.catalogue import VENDOR_APEXES
from shadow_ai.matching import HostMatcher
from shadow_ai.models import CatalogueTool, HostClassification, Tool, ToolSource
from tenancy.context import org_context

IGNORE = -1  # hosts classified as not AI: their rows are counted, not stored


class Resolver:
    """Built inside the organisation's context; prepare() needs none open (it opens its own
    short transaction)."""

    def __init__(self, org_id: int) -> None:
        self.org_id = org_id
        catalogue = list(CatalogueTool.objects.values_list("pk", "key", "domains"))
        self.catalogue_ids = {key: pk for pk, key, _ in catalogue}
        claimed = {d.lower() for _, _, domains in catalogue for d in domains}
        # A vendor's bare apex (openai.com) counts as its main tool's, and as claimed by the
        # catalogue: a tool discovered under that apex keeps its hosts but not the apex.
        apexes = {a: k for a, k in VENDOR_APEXES.items() if k in self.catalogue_ids}
        claimed.update(apexes)
        entries: list[tuple[str, list[str]]] = [(key, domains) for _, key, domains in catalogue]
        self.tool_by_key: dict[str, int] = {}
        for tool_id, catalogue_id, domains in Tool.objects.values_list(
            "pk", "catalogue_tool_id", "domains"
        ):
            if catalogue_id is None:
                own = [d for d in domains if d.lower() not in claimed]
                if own:
                    entries.append((f"tool:{tool_id}", own))
                    claimed.update(d.lower() for d in own)
        for key, tool_id in Tool.objects.filter(catalogue_tool__isnull=False).values_list(
            "catalogue_tool__key", "pk"
        ):
            self.tool_by_key[key] = tool_id
        try:
            self.matcher = HostMatcher(entries, apexes)
        except ValueError:
            # An organisation's own domain pattern clashing in a way HostMatcher refuses:
            # match against the catalogue alone rather than stop ingesting.
            self.matcher = HostMatcher(entries[: len(catalogue)], apexes)
        self.hosts: dict[str, int | None] = {}
        for host, tool_id, is_ai in HostClassification.objects.values_list(
            "host", "tool_id", "is_ai"
        ):
            if tool_id is not None:
                self.hosts[host] = tool_id
            elif is_ai is False:
                self.hosts[host] = IGNORE
        self.aliases: dict[tuple[str, str], int] = {}

    def prepare(self, hosts: Iterable[str], identities: Iterable[tuple[str, str]]) -> None:
        """Resolve the hosts and identities not seen yet in this upload: match hosts,
        create the organisation's Tool rows for catalogue tools seen for the first time and
        the aliases seen for the first time (unmatched)."""
        new_hosts = [h for h in set(hosts) if h not in self.hosts]
        new_ids = [i for i in set(identities) if i not in self.aliases]
        if not new_hosts and not new_ids:
            return
        keys = {host: self.matcher.match(host) for host in new_hosts}
        with org_context(self.org_id):
            missing = {k for k in keys.values() if k and not k.startswith("tool:")} - set(
                self.tool_by_key
            )
            if missing:
                self._create_tools(missing)
            for host, key in keys.items():
                if key is None:
                    self.hosts[host] = None
                elif key.startswith("tool:"):
                    self.hosts[host] = int(key[5:])
                else:
                    self.hosts[host] = self.tool_by_key[key]
            if new_ids:
                self._aliases(new_ids)

    def _create_tools(self, keys: set[str]) -> None:
        now = timezone.now()
        for entry in CatalogueTool.objects.filter(key__in=keys):
            tool = Tool.objects.filter(catalogue_tool=entry).first()
            if tool is None:
                tool, _ = Tool.objects.get_or_create(
                    name=entry.name,
                    defaults={
                        "organization_id": self.org_id,
                        "catalogue_tool": entry,
                        "category": entry.category,
                        "domains": entry.domains,
                        "source": ToolSource.CATALOGUE,
                        "discovered_at": now,
                    },
                )
                if tool.catalogue_tool_id is None:  # a declared tool of the same name
                    tool.catalogue_tool = entry
                    tool.save(update_fields=["catalogue_tool", "updated_at"])
            self.tool_by_key[entry.key] = tool.pk

    def _aliases(self, identities: list[tuple[str, str]]) -> None:
        kinds = [kind for kind, _ in identities]
        values = [value for _, value in identities]
        with connections["default"].cursor() as cursor:
            cursor.execute(
                # An email that is a member's login is that member: linked at once, so the
                # admin maps only user names, addresses and foreign emails by hand.
                "INSERT INTO shadow_ai_identityalias"
                " (organization_id, kind, value, membership_id, created_at)"
                " SELECT %s, k, v, (SELECT m.id FROM tenancy_membership m"
                "   JOIN accounts_user usr ON usr.id = m.user_id"
                "   WHERE k = 'email' AND m.organization_id = %s AND m.is_active"
                "   AND lower(usr.email) = v LIMIT 1), now()"
                " FROM unnest(%s::text[], %s::text[]) AS u(k, v)"
                " ON CONFLICT (organization_id, kind, value) DO NOTHING",
                [self.org_id, self.org_id, kinds, values],
            )
            cursor.execute(
                "SELECT kind, value, id FROM shadow_ai_identityalias a"
                " JOIN unnest(%s::text[], %s::text[]) AS u(k, v) ON a.kind = u.k AND a.value = u.v"
                " WHERE a.organization_id = %s",
                [kinds, values, self.org_id],
            )
            for kind, value, alias_id in cursor.fetchall():
                self.aliases[(kind, value)] = alias_id
