"""Field and line-item extractors, one per document type (issue 3)."""
