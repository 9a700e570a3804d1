"""One repository per stored resource: the only code that writes SQL.

Reads run on the calling thread's connection (inside a `Storage.write()` block on the same thread
they see that transaction's changes). Writes take the `WriteBatch` of a `Storage.write()` block, so
a servicer composes several repository writes into one transaction; a write that changes what the
matching index or LanceDB must follow records that on the batch (journal entry, listener event).
"""
