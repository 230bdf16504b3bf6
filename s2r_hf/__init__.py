"""s2r_hf: Select2Reason data selection on the Hugging Face stack."""

__version__ = "0.1.0"
