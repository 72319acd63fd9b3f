"""API views: parse input, call a service or selector, render. Everything is the caller's own."""
