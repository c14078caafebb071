"""The SQLite store: connections, transactions and migrations, which database a process
uses, weekly roll-ups, backups, the audit log and storage errors."""
