"""The use cases that span domains, above enrollment (the person and the conversation) and
delivery (the outbox): texts she sends (stored by the webhooks, handled in batches), the join
page's codes and what a confirmed code does, and women a clinic enrolls from a file."""
