from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sangtao.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Tên đăng nhập hoặc email"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "language"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên token (để nhớ dùng vào việc gì)"), max_length=80)
