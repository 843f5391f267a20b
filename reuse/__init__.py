"""reuse: keep reusable objects out of the waste stream."""
