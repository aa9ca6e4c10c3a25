"""Monthly reports from a file: the template to download, whole-file validation, preview and confirm."""
