"""Paging: the page outbox and the notifiers.

The page path is a chain of small stages, as in Alertmanager's ``notify/notify.go``:

* planning (``outbox.plan_pages``, in the caller's transaction):
  route → silence → dedup → enqueue a ``pages`` row;
* delivery (``deliver.deliver_due``, any number of workers):
  claim → send → retry or give up → record.

A notifier (``pagerduty``, ``slack``, ``webhook``, ``email``) only knows how to send one page
and whether a failure is worth retrying; retry, dedup and recording are stages of their own,
so adding a receiver means adding one module and one entry in ``NOTIFIER_KINDS``.

A failed canary's rollback hook (``rollback``) rides the same outbox as one more row of its
incident (route ``canary-rollback``), planned by ``efficiency.stages.rollback``.
"""
