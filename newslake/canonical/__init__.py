"""Entity canonicalization: one name, label and place for each thing the news mentions."""
