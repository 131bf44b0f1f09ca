"""dlt sources for Linear, Slack, Zendesk and Salesforce, and the local sandbox that emulates them.

Run from the repo root: `python -m pipelines load [--sandbox]`, `python -m pipelines sandbox`.
"""
