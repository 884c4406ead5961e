"""Enquiries: recording, the one-hour clock, the prospect stages and the pipeline metrics."""
