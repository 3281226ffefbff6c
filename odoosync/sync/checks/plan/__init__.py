"""odoosync plan: what the next sync (or a backfill) would do in Odoo, and what it would do to the books, without
writing anything, to Odoo or to the queue.

Each record is built by the builders `sync` uses (`builders.build_document`), and its action is decided from the
state Odoo reports for its linked document, by the rules the engine follows (sync/push/): create, update a draft,
cancel, reverse with a credit note, fail. The journal impact is what the documents post, line by line as Odoo makes
them (account_move.py `_sync_dynamic_lines`): each invoice line on its account (the product's income account, else
the journal's default one), each tax on the account of its tax repartition line, the total on the partner's
receivable or payable account; a payment on its method line's account, else the company's outstanding receipts or
payments account (account_payment.py), against the partner's receivable (or the deposit account). Drafts count as
what they post once posted: the plan says which stay drafts.

Reads only what it needs: the linked documents' states, the taxes and their repartition lines, the Rent product's
account, the journals', method lines' and companies' outstanding accounts, the partners' receivable and payable
accounts, the names of the accounts: a dozen calls, whatever the number of records (in chunks of 1,000 ids).

The modules, each importing only those after it:

- ``documents``: :func:`run_plan`, which records, and what the next sync does with each one's document (create,
  update, cancel, reverse, replace, pay, post), built by the builders `sync` uses;
- ``journal``: a built document's lines, taxes, totals and journal items: the arithmetic Odoo does when it posts;
- ``books``: what the journal needs from Odoo (taxes, accounts, journals, partners' accounts), read once for all;
- ``items``: a record on its way through the plan;
- ``report``: :class:`Plan`, what it says, and its totals per account, tax and owner.
"""
