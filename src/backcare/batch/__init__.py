"""Screening a whole register: the rules compiled into dataframe expressions."""
