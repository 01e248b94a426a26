"""Content in: walk and read content/, the publication boundary, site.yml, front matter and Markdown."""
