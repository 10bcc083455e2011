"""Option validators: one function per option, shared by every entry point.

Each validator takes the user's value, raises ``ValueError`` (or
:class:`~skbce._utils.validation.InvalidParameterError`) with a message that
names the option and the offending value, and returns the checked value.
"""

# --- options of the losses ----------------------------------------------------------


# --- options of the calibration report -------------------------------------------------
