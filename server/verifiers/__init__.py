"""Verifiers (v6 API-139..147): stored verification rules (policies.py) and the verification itself
(verification.py)."""
