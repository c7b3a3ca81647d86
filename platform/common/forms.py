from django.core.exceptions import ValidationError
from django.forms import Form


def add_validation_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where it names one
    the form has, otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
