"""Labels shared by events, prompts and rollups."""

from django.db import models


class TaskCategory(models.TextChoices):
    WRITING = "writing", "Writing"
    CODING = "coding", "Coding"
    ANALYSIS = "analysis", "Analysis"
    CUSTOMER_COMMUNICATION = "customer_communication", "Customer communication"
    SUMMARISATION = "summarisation", "Summarisation"
    TRANSLATION = "translation", "Translation"
    OTHER = "other", "Other"


class Sensitivity(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


# Events at these levels count as "sensitive" in DailyRollup.sensitive_events.
SENSITIVE_LEVELS = (Sensitivity.CONFIDENTIAL.value, Sensitivity.RESTRICTED.value)
