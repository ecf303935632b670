"""The one way a page declares the permission it needs (ARCHITECTURE: the matrix is written once)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .permissions import Perm, has_perm


def require(perm: Perm):
    """Signed-in users whose role grants the permission; others are sent to sign in or refused (403)."""

    def decorator(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded = login_required(inner)
        guarded.required_perm = perm
        return guarded

    return decorator


def public(view):
    """Marks a page anyone may see, signed in or not."""
    view.required_perm = None
    view.is_public = True
    return view


def signed_in(view):
    """Marks a page any signed-in user may see (their own account pages)."""
    guarded = login_required(view)
    guarded.required_perm = None
    guarded.signed_in_only = True
    return guarded
