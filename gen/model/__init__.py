"""The site model: typed documents, the site as a whole, vocabularies, working days, annual report tables."""
