"""The simulation's own event log, kept next to the served records for the ground truth.

`truth.py` reads only this log (the simulated events), never the served payloads' derived
fields, so the marts are checked against an independent computation.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.sandbox.company.linear import IssueSim
from pipelines.sandbox.company.people import People
from pipelines.sandbox.company.salesforce import Account
from pipelines.sandbox.company.slack import SlackRequest
from pipelines.sandbox.company.zendesk import ZendeskDirectory
from pipelines.sandbox.company.zendesk_tickets import TicketSim


@dataclass
class SimulationLog:
    people: People
    accounts: list[Account]
    directory: ZendeskDirectory
    tickets: list[TicketSim]
    issues: list[IssueSim]
    requests: list[SlackRequest]
