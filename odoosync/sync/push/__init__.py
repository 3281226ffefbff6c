"""Sending the queue to Odoo. `drain` claims batches of jobs and records their outcomes (`leases` keeps a batch's
jobs leased while it works); `batch` drives each batch through the steps, one module each: `withdraw`, `update`,
`create`, `post_and_pay`, `reverse`, with `reading` for what they read back; `context` is what they share."""
