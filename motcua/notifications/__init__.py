"""Notifications (thông báo): telling citizens about their dossiers by e-mail and SMS.

Channels are plugins (``channels/``); messages go through the outbox (``Notification``),
are sent by a background task after the fact commits and retried with backoff
(``motcua notifications-retry`` re-queues the due ones from cron).
"""
