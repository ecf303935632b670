"""Who the caller is."""

from django.http import HttpRequest
from ninja import Router

from ehcbudgets.api.errors import problem_responses
from ehcbudgets.api.schemas import MeOut

router = Router(tags=["Account"])


@router.get("/me", response=MeOut, summary="Who I am", openapi_extra=problem_responses(401))
def get_me(request: HttpRequest):
    """The user the token or session belongs to: email, role, council or ICB, and what the role may do."""
    return request.user
