"""End-to-end journeys in headless Chromium against a live server."""
