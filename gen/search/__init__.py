"""The search index: the text Pagefind indexes, the text of Word and PDF downloads, the sharded bundle."""
