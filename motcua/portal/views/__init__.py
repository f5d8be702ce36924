"""The citizen portal's pages; each module owns its URL patterns."""
