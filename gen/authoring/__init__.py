"""The editors' tools: start a column, scaffold a document, import a Word file."""
