"""The remediation errors a user can cause (exit status 2 on the command line)."""


class ProposalError(Exception):
    """No proposal can be made; the message says why."""


class PlaybookError(Exception):
    """A playbook file is invalid; the message names the file and the key."""
