"""The live preview: the site kept in memory and brought up to date, and its server."""
