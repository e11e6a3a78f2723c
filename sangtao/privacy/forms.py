from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sangtao.core.workflow import REASON_MAX

# Longer than any password a person types; a longer text is refused before it is hashed.
PASSWORD_MAX = 4096


class ErasureForm(forms.Form):
    """The password that confirms the erasure of one's account. A person who signs in only through
    single sign-on has no usable password and confirms without one."""

    password = forms.CharField(label=_("Nhập mật khẩu để xác nhận"), widget=forms.PasswordInput, strip=False,
                               required=False, max_length=PASSWORD_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user.has_usable_password() and not self.user.check_password(password):
            raise ValidationError(_("Mật khẩu không đúng."), code="password_incorrect")
        return password


class RestrictionForm(forms.Form):
    """Why the person asks to restrict the processing of their data."""

    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX,
                             error_messages={"required": _("Cần nêu lý do.")})


class LiftRestrictionForm(forms.Form):
    """Why DoST lifts a restriction (the person is told), as long as any move's reason may be."""

    reason = forms.CharField(label=_("Lý do gỡ"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX,
                             error_messages={"required": _("Cần nêu lý do.")})
