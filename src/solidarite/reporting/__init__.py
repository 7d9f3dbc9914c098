"""Figures that combine case files and payments for those who report on them (elected viewers,
public pages). Kept apart so that cases and payments never import each other."""
