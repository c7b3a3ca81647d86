from django.core.validators import RegexValidator
from rest_framework import serializers

from tenancy.models import Department, Membership

# A name as the services take it: some character that is not white space (they strip the
# rest), and no NUL. Spelled out rather than `\s`, which stands for other characters in
# Python than in the ECMA regexes of the OpenAPI schema; valid in both.
WHITE_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAME_PATTERN = rf"^[^\x00]*[^\x00{WHITE_SPACE}][^\x00]*$"


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "created_at"]
        read_only_fields = ["id", "created_at"]


class NameField(serializers.CharField):
    """A name for something in the organisation. The raw value is checked as sent, so that
    the schema's rules (length, pattern) are exactly the server's."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 120)
        super().__init__(
            trim_whitespace=False,
            validators=[RegexValidator(NAME_PATTERN, "Give a name that is not just spaces.")],
            **kwargs,
        )


class DepartmentInputSerializer(serializers.Serializer):
    name = NameField()


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    department = serializers.CharField(
        source="department.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "department", "job_track", "is_active"]
        read_only_fields = fields


class OrganizationMembershipSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    organizations = OrganizationMembershipSerializer(many=True)
