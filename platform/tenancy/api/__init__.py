from tenancy.api.base import OrgViewSet

__all__ = ["OrgViewSet"]
