"""Frameworks as versioned data: install the shipped files, clone, publish."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import Competency, Framework, FrameworkVersion, Item, Option
from assessments.selectors.frameworks import DEFAULT_FRAMEWORK, shipped_files
from audit.services import audit_record
from tenancy.models import JobTrack, Organization


def validate_definition(data: dict) -> None:
    """Refuse a framework file that would score nonsense; say where it is wrong."""
    problems = []
    levels = data.get("levels") or []
    if len(levels) < 2 or [lv["min_score"] for lv in levels] != sorted(
        lv["min_score"] for lv in levels
    ):
        problems.append("levels must be at least two, lowest first, with rising min_score")
    competencies = {c["key"] for c in data.get("competencies", [])}
    seen = set()
    for item in data.get("items", []):
        where = f"item {item.get('key')!r}"
        if item["key"] in seen:
            problems.append(f"{where}: duplicate key")
        seen.add(item["key"])
        if item["competency"] not in competencies:
            problems.append(f"{where}: unknown competency {item['competency']!r}")
        if item["type"] not in Item.Type.values:
            problems.append(f"{where}: unknown type {item['type']!r}")
        if item.get("track") and item["track"] not in JobTrack.values:
            problems.append(f"{where}: unknown track {item['track']!r}")
        if item["type"] == "scenario" and not all(0 <= o["score"] <= 3 for o in item["options"]):
            problems.append(f"{where}: scenario option scores must be 0-3")
        if item["type"] == "multi_select" and not any(o.get("correct") for o in item["options"]):
            problems.append(f"{where}: a multi-select item needs a correct option")
        if any(o.get("not_applicable") for o in item.get("options", [])) and (
            item["type"] != "frequency"
        ):
            problems.append(f"{where}: only frequency items may offer 'no AI tool for this'")
        if item["type"] == "error_spotting" and "error_sentences" in item:
            problems.extend(_error_sentence_problems(item, where))
    problems.extend(_slot_problems(data.get("items", [])))
    if problems:
        raise ValidationError(problems)


def _slot_problems(items: list[dict]) -> list[str]:
    """Parallel items (one `slot`) must be interchangeable: same competency, type and track."""
    kinds: dict[str, set] = {}
    for item in items:
        if item.get("slot"):
            kinds.setdefault(item["slot"], set()).add(
                (item["competency"], item["type"], item.get("track") or "")
            )
    return [
        f"slot {slot!r}: its items differ in competency, type or track"
        for slot, found in sorted(kinds.items())
        if len(found) > 1
    ]


def _error_sentence_problems(item: dict, where: str) -> list[str]:
    """`error_sentences`: one list of 1-based passage sentence numbers per planted error."""
    from assessments.free_text.rules import passage_sentences

    count = len(passage_sentences(item.get("passage", "")))
    lines = item["error_sentences"]
    if not isinstance(lines, list) or len(lines) != len(item.get("planted_errors") or []):
        return [f"{where}: error_sentences needs one list of sentence numbers per planted error"]
    bad = [
        n
        for group in lines
        for n in (group or [None])
        if not (isinstance(n, int) and 1 <= n <= count)
    ]
    if bad:
        return [f"{where}: error_sentences must be sentence numbers 1-{count}, got {bad}"]
    return []


@transaction.atomic
def framework_install(
    *,
    organization: Organization,
    slug: str = DEFAULT_FRAMEWORK,
    path: Path | None = None,
    actor=None,
) -> FrameworkVersion:
    """Install a shipped framework file (or the file at `path`) into the organisation: an
    admin's explicit action, or a step of seeding. Idempotent: an installed version of the
    same number is returned as it is."""
    path = path or shipped_files().get(slug)
    if path is None:
        raise ValidationError(f"No shipped framework {slug!r}")
    data = json.loads(path.read_text())
    validate_definition(data)
    framework, _ = Framework.objects.get_or_create(
        organization=organization,
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "description": data.get("description", ""),
            "shipped": True,
        },
    )
    existing = FrameworkVersion.objects.filter(framework=framework, number=data["version"]).first()
    if existing:
        return existing
    version = FrameworkVersion.objects.create(
        organization=organization,
        framework=framework,
        number=data["version"],
        status=FrameworkVersion.Status.PUBLISHED,
        levels=data["levels"],
        headline=data.get("headline", "share_at_or_above_min"),
        learning_plans=data.get("learning_plans", {}),
        published_at=timezone.now(),
    )
    _create_content(version, data["competencies"], data["items"])
    audit_record(
        organization=organization,
        actor=actor,
        action="framework.installed",
        target=version,
        after={"framework": framework.slug, "version": version.number},
    )
    return version


def _create_content(version: FrameworkVersion, competencies: list[dict], items: list[dict]) -> None:
    org = version.organization_id
    by_key = {}
    for position, c in enumerate(competencies):
        by_key[c["key"]] = Competency.objects.create(
            organization_id=org,
            version=version,
            key=c["key"],
            name=c["name"],
            description=c.get("description", ""),
            position=position,
        )
    created = Item.objects.bulk_create(
        [
            Item(
                organization_id=org,
                version=version,
                competency=by_key[i["competency"]],
                key=i["key"],
                type=i["type"],
                mode=i["mode"],
                track=i.get("track") or "",
                prompt=i["prompt"],
                rationale=i.get("rationale", ""),
                slot=i.get("slot") or "",
                position=position,
                retired=i.get("retired", False),
                task={
                    k: i[k]
                    for k in (
                        "weak_prompt",
                        "rubric",
                        "passage",
                        "planted_errors",
                        "error_sentences",
                        "reverse",
                    )
                    if k in i
                },
            )
            for position, i in enumerate(items)
        ]
    )
    Option.objects.bulk_create(
        [
            Option(
                organization_id=org,
                item=item,
                key=o["key"],
                text=o["text"],
                score=o.get("score", 0),
                correct=bool(o.get("correct", False)),
                not_applicable=bool(o.get("not_applicable", False)),
                position=position,
            )
            for item, data in zip(created, items, strict=True)
            for position, o in enumerate(data.get("options", []))
        ]
    )


def version_definition(version: FrameworkVersion) -> dict:
    """The version as a framework file's data (what a clone copies)."""
    items = []
    for item in version.items.select_related("competency").prefetch_related("options"):
        entry = {
            "key": item.key,
            "competency": item.competency.key,
            "mode": item.mode,
            "track": item.track or None,
            "type": item.type,
            "prompt": item.prompt,
            "rationale": item.rationale,
            "slot": item.slot or None,
            "retired": item.retired,
            **item.task,
        }
        if item.type not in Item.FREE_TEXT:
            entry["options"] = [
                {
                    "key": o.key,
                    "text": o.text,
                    "score": o.score,
                    "correct": o.correct,
                    "not_applicable": o.not_applicable,
                }
                for o in item.options.all()
            ]
        items.append(entry)
    return {
        "levels": version.levels,
        "competencies": [
            {"key": c.key, "name": c.name, "description": c.description}
            for c in version.competencies.all()
        ],
        "items": items,
    }


@transaction.atomic
def version_clone(*, version: FrameworkVersion, actor) -> FrameworkVersion:
    """A new draft version with the same content, for an admin to edit."""
    latest = (
        FrameworkVersion.objects.filter(framework=version.framework).order_by("-number").first()
    )
    definition = version_definition(version)
    clone = FrameworkVersion.objects.create(
        organization=version.organization,
        framework=version.framework,
        number=latest.number + 1,
        status=FrameworkVersion.Status.DRAFT,
        levels=version.levels,
        headline=version.headline,
        learning_plans=version.learning_plans,
    )
    _create_content(clone, definition["competencies"], definition["items"])
    audit_record(
        organization=version.organization,
        actor=actor,
        action="framework.cloned",
        target=clone,
        after={"from_version": version.number, "version": clone.number},
    )
    return clone


def _ensure_draft(version: FrameworkVersion) -> None:
    if version.status != FrameworkVersion.Status.DRAFT:
        raise ValidationError("Only a draft version can be edited; clone it first.")


def _edit_draft(obj, *, version: FrameworkVersion, actor, field: str, value, action: str):
    """Change one field of a draft version (or of one of its items), with an audit record."""
    _ensure_draft(version)
    before = getattr(obj, field)
    setattr(obj, field, value)
    obj.save(update_fields=[field])
    audit_record(
        organization=version.organization,
        actor=actor,
        action=action,
        target=obj,
        before={field: before},
        after={field: value},
    )
    return obj


@transaction.atomic
def version_update_levels(
    *, version: FrameworkVersion, actor, levels: list[dict]
) -> FrameworkVersion:
    _ensure_draft(version)  # before validating, as a published version can't change at all
    validate_definition({"levels": levels, "competencies": [], "items": []})
    return _edit_draft(
        version,
        version=version,
        actor=actor,
        field="levels",
        value=levels,
        action="framework.levels_updated",
    )


@transaction.atomic
def item_set_retired(*, item: Item, actor, retired: bool) -> Item:
    return _edit_draft(
        item,
        version=item.version,
        actor=actor,
        field="retired",
        value=retired,
        action="item.retired" if retired else "item.restored",
    )


@transaction.atomic
def item_set_track(*, item: Item, actor, track: str) -> Item:
    if track and track not in JobTrack.values:
        raise ValidationError({"track": f"Unknown job track {track!r}."})
    return _edit_draft(
        item,
        version=item.version,
        actor=actor,
        field="track",
        value=track,
        action="item.track_changed",
    )


@transaction.atomic
def version_publish(*, version: FrameworkVersion, actor) -> FrameworkVersion:
    if version.status == FrameworkVersion.Status.PUBLISHED:
        return version
    if not version.items.filter(retired=False).exists():
        raise ValidationError("A version needs at least one active item to be published.")
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit_record(
        organization=version.organization,
        actor=actor,
        action="framework.published",
        target=version,
        after={"version": version.number},
    )
    return version
