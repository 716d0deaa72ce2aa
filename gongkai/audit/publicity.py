"""Which audited actions can change what the public sees — the page cache's one rule.

The public page cache (gongkai/caching.py) keys every stored page on the hash of the newest
audit entry that may have changed a public page: `AuditHead.public_hash`, moved by
`audit.services.record`. Actions listed here change no public page, so they leave every cached
page valid: signing in and out, accounts and tokens, a citizen's letter or application arriving
(both stay private until staff answer or publish), a staff-only review step, an import batch
opening or closing. Anything not listed counts as public, so a new action is safe by default.

Public pages that show live counts of such private records (the mailbox statistics, the
annual report of 依申请公开) are not stored at all: `caching.CONTENT_TAGGED` renders them on
every request.
"""

QUIET_PREFIXES = (
    "login.",
    "logout",
    "user.",
    "permission.",
    "token.",
    "application.",
    "calendar.",
    "letter.submit",
    "letter.register",
    "letter.recompute",
    "opendata.access.",
    "import.batch_",
    "review.scan",
    "review.sign",
    "review.finding.",
    "reply_template.",
    "audit.",
    "monitor.",  # probes, link checks, inspections: staff-only figures
    "column.",
    "correction.",  # a 我要纠错 report and its answer go to the reporter only
    "execution.overdue",  # the daily overdue flags
)


def changes_public_pages(action: str) -> bool:
    """False only for the actions above; every other action may change a public page."""
    return not action.startswith(QUIET_PREFIXES)
