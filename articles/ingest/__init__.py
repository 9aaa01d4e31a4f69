"""The ingest pipeline: file bytes -> text -> ArticleDraft. Pure Python, no Django models."""
