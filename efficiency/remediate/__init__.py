"""Remediation: hot spots, the playbook engine, codemods, proposals in git, verification."""
