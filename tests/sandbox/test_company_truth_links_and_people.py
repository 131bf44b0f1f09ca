"""The ground truth of escalation links and of people agrees with the served records.

Links: the Linear attachments pointing at tickets, and the Linear issue URL each escalated
ticket carries in its custom field. People: the e-mails the four vendors serve.
"""

from __future__ import annotations

import hashlib

from pipelines.sandbox.company.truth import (
    employee_truth,
    issue_impact_truth,
    issue_ticket_link_truth,
    issue_truth,
)


def _served(company, vendor, entity):
    return [s for r in company.records(vendor, entity) if (s := r.state_at(company.now))]


def _key(email):
    return hashlib.md5(email.strip().lower().encode()).hexdigest()


def test_links_are_the_served_attachments_and_ticket_fields(small_company):
    c = small_company
    attached = {
        (a["issueId"], int(a["url"].rsplit("/", 1)[1])): a["createdAt"]
        for a in _served(c, "linear", "attachments")
        if a["sourceType"] == "zendesk"
    }
    truth = {(t.issue_id, t.ticket_id): t.linked_at for t in issue_ticket_link_truth(c)}
    assert truth
    assert attached == truth
    urls = {i["id"]: i["url"] for i in _served(c, "linear", "issues")}
    fields = {
        t["id"]: {f["value"] for f in t["custom_fields"] if f["value"]}
        for t in _served(c, "zendesk", "tickets")
    }
    for issue_id, ticket_id in truth:
        assert urls[issue_id] in fields[ticket_id], (issue_id, ticket_id)


def test_issue_impact_counts_each_account_once(small_company):
    c = small_company
    impacts = {t.issue_id: t for t in issue_impact_truth(c)}
    links = issue_ticket_link_truth(c)
    assert set(impacts) == {t.issue_id for t in issue_truth(c)}
    assert any(t.affected_account_count for t in impacts.values())
    for impact in impacts.values():
        linked = [link for link in links if link.issue_id == impact.issue_id]
        assert impact.linked_ticket_count == len(linked)
        assert len(set(impact.affected_account_ids)) == impact.affected_account_count
        assert impact.affected_account_count + impact.unattributed_ticket_count <= len(linked)
        if not linked:
            assert impact.affected_arr == 0
        if impact.affected_arr is None:
            assert impact.affected_account_count == 0 and impact.unattributed_ticket_count > 0


def test_employees_appear_under_one_email_in_the_vendors_they_use(small_company):
    c = small_company
    served = {
        "zendesk": {
            _key(u["email"])
            for u in _served(c, "zendesk", "users")
            if u["role"] in ("agent", "admin")
        },
        "linear": {_key(u["email"]) for u in _served(c, "linear", "users") if u["email"]},
        "slack": {
            _key(u["profile"]["email"])
            for u in _served(c, "slack", "users")
            if u["profile"].get("email")
        },
        "salesforce": {_key(u["Email"]) for u in _served(c, "salesforce", "User")},
    }
    truth = employee_truth(c)
    assert len(truth) > 10
    for person in truth:
        assert person.is_in_zendesk == (person.person_key in served["zendesk"]), person
        assert person.is_in_linear == (person.person_key in served["linear"]), person
        assert person.is_in_slack == (person.person_key in served["slack"]), person
        assert person.is_in_salesforce == (person.person_key in served["salesforce"]), person
