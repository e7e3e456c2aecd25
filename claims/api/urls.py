from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import path

from claims.api import api
from claims.api.http import problem_response


def _problem_for_wrong_method(view):
    """ninja answers a method an address does not take with a plain-text 405; ours is a problem too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return problem_response(405, f"This address takes {allowed} only.", headers={"Allow": allowed})
        return response

    return wrapper


# (Not named app_name: include() would read that from this module and nest the namespace.)
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = _problem_for_wrong_method(_pattern.callback)

urlpatterns = [path("", (_patterns, _app, _namespace))]
