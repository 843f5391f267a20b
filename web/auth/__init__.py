"""Signing in: session cookies for people, bearer tokens for programs."""
