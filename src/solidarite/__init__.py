"""Solidarité: a platform for a municipality and its CCAS to run a solidarity plan end to end."""
