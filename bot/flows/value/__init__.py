"""Client value: fees on matters, the value score, tiers and their quarterly review, referrals."""
