"""Signing in and out, two-factor sign-in for staff, and personal API tokens."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ehcbudgets.core.forms import add_service_errors

from . import services
from .decorators import public, require, signed_in
from .forms import ApiTokenForm, SignInForm, TokenCodeForm
from .models import ApiToken
from .permissions import Perm

sign_in = public(
    auth_views.LoginView.as_view(
        template_name="accounts/sign_in.html", authentication_form=SignInForm, redirect_authenticated_user=True
    )
)
sign_out = signed_in(auth_views.LogoutView.as_view())


@public
def signed_out(request):
    return render(request, "accounts/signed_out.html")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("core:home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


@signed_in
def two_factor(request):
    """Set up an authenticator app on first sign-in, then confirm a code on every sign-in."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", "The security code is not right, or has expired. Enter the newest code.")
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buffer = io.BytesIO()
        image.save(buffer)
        context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@require(Perm.API_TOKENS)
def api_tokens(request):
    """The user's API tokens; a new token is shown once, straight after it is made."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            new_token = {"token": token, "raw": raw}
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token})


@require(Perm.API_TOKENS)
@require_POST
def api_token_revoke(request, token_pk):
    token = get_object_or_404(ApiToken, pk=token_pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token ‘{token.name}’ revoked")
    return redirect("accounts:api_tokens")
