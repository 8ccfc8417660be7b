"""claims: medical-insurance claim packets in, extracted tables and decisions out."""
