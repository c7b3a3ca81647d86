from django import forms

from tenancy.models import Department, JobTrack, Membership, Organization, Role


class MembershipForm(forms.ModelForm):
    managed_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Departments whose aggregates this person sees as a manager.",
    )

    class Meta:
        model = Membership
        fields = ["role", "department", "job_track", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated inside the tenant context: only this organisation's departments.
        departments = Department.objects.order_by("name")
        self.fields["department"].queryset = departments
        self.fields["managed_departments"].queryset = departments
        if self.instance.pk:
            self.fields["managed_departments"].initial = list(
                self.instance.managed_departments.values_list("pk", flat=True)
            )


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EMPLOYEE)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False)
    job_track = forms.ChoiceField(choices=[("", "—"), *JobTrack.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")


class DepartmentForm(forms.Form):
    name = forms.CharField(max_length=120)


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name, department, role, job_track. UTF-8, at most 5 MB.",
    )


class OrganizationPolicyForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "anonymity_threshold",
            "min_fluency_level",
            "currency",
            "fiscal_year_start_month",
            "model_confidence_threshold",
        ]
        labels = {"min_fluency_level": "Minimum AI-fluency level"}


class InvitationAcceptNewUserForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password")
    password2 = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            raise forms.ValidationError("The two passwords differ.")
        if cleaned.get("password1"):
            validate_password(cleaned["password1"])
        return cleaned
