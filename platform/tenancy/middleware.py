from tenancy import context


class TenantContextMiddleware:
    """Safety net: no tenant state outlives its request.

    The platform operators' Django admin (superusers only) runs in system context.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            user = getattr(request, "user", None)
            if request.path.startswith("/django-admin/") and user and user.is_superuser:
                with context.system_context():
                    response = self.get_response(request)
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    return response
            return self.get_response(request)
        finally:
            context.reset()
