"""Every shadow-AI table. All tenant tables derive from TenantModel; CatalogueTool is the one
global table (the shipped catalogue, the same for every organisation). Event is a
PostgreSQL table partitioned by month, created by migration SQL (docs/shadow_ai_ingest.md).
"""

from shadow_ai.models.catalogue import (
    CatalogueTool,
    Category,
    HostClassification,
    Tool,
    ToolSource,
    ToolStatus,
)
from shadow_ai.models.events import (
    DailyRollup,
    Event,
    IdentityAlias,
    IdentityKind,
    PromptRecord,
    QuarterRollup,
)
from shadow_ai.models.governance import Declaration, Frequency, ShadowSettings
from shadow_ai.models.ingest import (
    LogFormat,
    LogSource,
    RejectedRow,
    Upload,
    UploadKind,
    UploadStatus,
)
from shadow_ai.models.labels import SENSITIVE_LEVELS, Sensitivity, TaskCategory

__all__ = [
    "SENSITIVE_LEVELS",
    "CatalogueTool",
    "Category",
    "DailyRollup",
    "Declaration",
    "Event",
    "Frequency",
    "HostClassification",
    "IdentityAlias",
    "IdentityKind",
    "LogFormat",
    "LogSource",
    "PromptRecord",
    "QuarterRollup",
    "RejectedRow",
    "Sensitivity",
    "ShadowSettings",
    "TaskCategory",
    "Tool",
    "ToolSource",
    "ToolStatus",
    "Upload",
    "UploadKind",
    "UploadStatus",
]
