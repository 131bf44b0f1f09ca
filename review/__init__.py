"""Metric review of a change: build the base ref and the working tree on the same raw data,
then report what changed, its lineage, the data and metric diffs and the governance checks."""
