"""The use-case lifecycle: which step follows which, and who may take it.

proposed -> assessed -> approved -> pilot -> production -> retired, and rejected from any
stage before production. No stage can be skipped.
"""

from roi.models import Stage
from tenancy.models import Role

NEXT = {
    Stage.PROPOSED: Stage.ASSESSED,
    Stage.ASSESSED: Stage.APPROVED,
    Stage.APPROVED: Stage.PILOT,
    Stage.PILOT: Stage.PRODUCTION,
    Stage.PRODUCTION: Stage.RETIRED,
}
REJECTABLE = {Stage.PROPOSED, Stage.ASSESSED, Stage.APPROVED, Stage.PILOT}

# Admins run the lifecycle; executives may also approve or reject (a sponsor's decision).
ROLES = {
    Stage.ASSESSED: {Role.ADMIN},
    Stage.APPROVED: {Role.ADMIN, Role.EXECUTIVE},
    Stage.PILOT: {Role.ADMIN},
    Stage.PRODUCTION: {Role.ADMIN},
    Stage.RETIRED: {Role.ADMIN},
    Stage.REJECTED: {Role.ADMIN, Role.EXECUTIVE},
}


def allowed_targets(stage: str) -> list[str]:
    targets = [NEXT[stage]] if stage in NEXT else []
    if stage in REJECTABLE:
        targets.append(Stage.REJECTED)
    return targets


def targets_for_role(stage: str, role: str) -> list[str]:
    return [t for t in allowed_targets(stage) if role in ROLES[t]]
