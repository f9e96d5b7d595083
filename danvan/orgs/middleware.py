from django.utils.functional import SimpleLazyObject

from danvan.orgs.selectors import working_unit


class WorkingUnitMiddleware:
    """Sets ``request.working_unit`` (lazily: pages that never use it pay nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.working_unit = SimpleLazyObject(lambda: working_unit(request))
        return self.get_response(request)
