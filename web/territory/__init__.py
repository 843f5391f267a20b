"""The intercommunality: its monthly figures, exports, lots and the reuse actors serving it."""
