"""One redaction for every URL and error."""
