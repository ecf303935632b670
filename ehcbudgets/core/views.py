"""Pages that belong to no stage of the chain, and the one helper every form page uses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from ehcbudgets.accounts.decorators import public
from ehcbudgets.accounts.permissions import Perm, has_perm

from .forms import add_service_errors


def form_page(
    request,
    *,
    form,
    save,
    title: str,
    success_url,
    success_message: str,
    back_url: str = "",
    caption: str = "",
    intro: str = "",
    template: str = "components/form_page.html",
    extra=None,
):
    """Show a form; on a valid post call the service; service errors go back onto the form and nothing is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    context = {
        "form": form,
        "title": title,
        "back_url": back_url,
        "cancel_url": back_url,
        "caption": caption,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context)


def confirm_page(request, *, action, template: str, context: dict, success_message: str, success_url: str):
    """A page with one button that runs a service; its refusals come back to the page as an error summary and
    change nothing."""
    errors = []
    if request.method == "POST":
        try:
            action()
        except PermissionDenied as exc:
            errors = [str(exc) or "Your role does not allow this."]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return render(request, template, {**context, "errors": errors})


def paginate(request, queryset, per_page: int):
    """A page of results and the page links (with ellipses) for the GOV.UK pagination component."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return {
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "querystring_base": f"{base}&" if base else "",
    }


@public
def home(request):
    """Signed in: straight to the user's work. Signed out: the start page."""
    user = request.user
    if user.is_authenticated:
        if has_perm(user, Perm.WORK_QUEUE):
            return redirect("monitoring:queue")
        if has_perm(user, Perm.CASES_VIEW):
            return redirect("cases:list")
        if has_perm(user, Perm.FAMILY_VIEW):
            return redirect("family:children")
    return render(request, "core/start.html")


@public
def accessibility(request):
    """The accessibility statement (a legal duty for public sector websites)."""
    return render(request, "core/accessibility.html")


@public
def privacy(request):
    """What the service records and why."""
    return render(request, "core/privacy.html")


@public
def health(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No request context: the failure may be the database, which the context processors would call again.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))


def error_400(request, exception=None):
    return HttpResponse(render(request, "errors/400.html").content, status=400)
