"""The use cases that span domains: texts she sends (stored by the webhooks, handled in batches),
above enrollment (the conversation) and delivery (the outbox)."""
