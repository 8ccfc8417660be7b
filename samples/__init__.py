"""Synthetic claim packets with ground truth (`claims samples`), and the fixed demo inbox."""
