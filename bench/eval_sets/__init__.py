"""Seeded synthetic eval sets (Faker locales): per language and per style, dev and test splits."""
