"""Validation of pole data against the law (art. 9, art. 1–2), State call eligibility and data
quality: SHACL shapes in ``shapes/``, pySHACL, a typed report and its renderers."""

from ptce_kg.validation.engine import freeze_caches, validate, validate_files
from ptce_kg.validation.inputs import (
    InputBytes,
    read_input,
    read_input_bytes,
    read_inputs,
    read_inputs_bytes,
)
from ptce_kg.validation.render import FORMATS, render, render_failure
from ptce_kg.validation.report import Report, Result
from ptce_kg.validation.shapes import RULE_SETS

__all__ = [
    "FORMATS",
    "InputBytes",
    "RULE_SETS",
    "Report",
    "Result",
    "freeze_caches",
    "read_input",
    "read_input_bytes",
    "read_inputs",
    "read_inputs_bytes",
    "render",
    "render_failure",
    "validate",
    "validate_files",
]
