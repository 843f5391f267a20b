"""The déchèterie agent: declaring lots and following them."""
