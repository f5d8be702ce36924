"""Admin for the organisation: agencies, officials, role assignments, Excel onboarding."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.text import fold
from motcua.org.models import Agency, RoleAssignment, User
from motcua.org.onboarding import (
    MAX_UPLOAD_BYTES,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
    ImportReport,
    OfficialsFileError,
    build_officials_template,
    check_xlsx,
    import_officials,
)
from motcua.org.selectors import is_province_admin


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = [
        "name",
        "kind",
        "identifier",
        "identifier_is_illustrative",
        "is_reception_point",
        "parent",
        "active",
    ]
    list_filter = ["kind", "is_reception_point", "identifier_is_illustrative", "active"]
    search_fields = ["name", "short_name", "identifier"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Agency], search_term: str
    ) -> tuple[QuerySet[Agency], bool]:
        """Also match without diacritics: "tan trao" finds "Tân Trào"."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = fold(search_term)
        if key:
            results = results | queryset.filter(search_key__contains=key)
        return results, may_have_duplicates


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "agency", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = ["agency"]


class OfficialCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "agency")
        field_classes = {"username": UsernameField}


class OfficialChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


class OfficialsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("At most 5 MB, made from the template."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check the file only, write nothing"),
        required=False,
        label_suffix="",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
            )
        try:
            check_xlsx(upload)
        except OfficialsFileError as exc:
            raise ValidationError(str(exc)) from exc
        return upload


@admin.register(User)
class OfficialAdmin(DjangoUserAdmin[User]):
    form = OfficialChangeForm
    add_form = OfficialCreationForm
    list_display = [
        "username",
        "last_name",
        "first_name",
        "agency",
        "job_title",
        "email",
        "is_active",
        "is_staff",
    ]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "agency__kind",
        "role_assignments__role",
    ]
    search_fields = ["username", "first_name", "last_name", "email", "phone", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (gettext_lazy("Official"), {"fields": ("agency", "job_title", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (gettext_lazy("Official"), {"fields": ("agency",)}),
    )

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_officials_view),
                name="{}_{}_import_officials".format(*info),
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.officials_template_view),
                name="{}_{}_officials_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import_officials": is_province_admin(request.user),  # type: ignore[arg-type]
        }
        return super().changelist_view(request, extra_context)

    def _require_importer(self, request: HttpRequest) -> None:
        if not is_province_admin(request.user):  # type: ignore[arg-type]
            raise PermissionDenied

    def officials_template_view(self, request: HttpRequest) -> HttpResponse:
        self._require_importer(request)
        response = HttpResponse(build_officials_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response

    def import_officials_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a filled-in template; show its problems, or what was imported."""
        self._require_importer(request)
        report: ImportReport | None = None
        if request.method == "POST":
            form = OfficialsUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    report = import_officials(
                        form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
                    )
                except OfficialsFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    if report.written:
                        self._log_import(request, report)
        else:
            form = OfficialsUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import officials from Excel"),
            "form": form,
            "report": report,
            "credentials_csv": _credentials_data_uri(report) if report else "",
        }
        return TemplateResponse(request, "admin/org/user/import_officials.html", context)

    def _log_import(self, request: HttpRequest, report: ImportReport) -> None:
        message = _("Imported from an Excel file.")
        user_id = request.user.pk
        if user_id is None:
            return
        for ids, flag in ((report.created_ids, ADDITION), (report.updated_ids, CHANGE)):
            if ids:
                LogEntry.objects.log_actions(
                    user_id=user_id,
                    queryset=User.objects.filter(pk__in=ids),
                    action_flag=flag,
                    change_message=message,
                )


def _credentials_data_uri(report: ImportReport) -> str:
    """The created accounts' initial passwords as a CSV link built in the page, not stored."""
    if not report.credentials:
        return ""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("Dòng", "Mã định danh cơ quan", "Họ và tên", "Tên đăng nhập", "Mật khẩu"))
    for c in report.credentials:
        writer.writerow((c.row, c.agency, c.full_name, c.username, c.password))
    payload = base64.b64encode(("\ufeff" + buffer.getvalue()).encode()).decode()
    return f"data:text/csv;charset=utf-8;base64,{payload}"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "agency", "granted_at"]
    list_filter = ["role", "agency__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]
    readonly_fields = ["granted_at"]
