"""Word lists the generators draw names and texts from (a few with accents on purpose)."""

from __future__ import annotations

import random
import unicodedata


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Ada Alan Alice Amara Amir Ana Andrés Anna Arjun Ben Bianca Carlos Chen Chloé Daniel Dara "
    "David Elena Elif Emma Ethan Fatima Felix Freya Grace Hana Hugo Ibrahim Ines Isla Ivan Jack "
    "James Jana Javier Jonas Julia Kai Kenji Lara Leo Lena Liam Lucas Maya Mei Mia Miguel Nadia "
    "Nina Noah Nora Olivia Omar Oscar Priya Rafael Rosa Ruth Sam Sara Sofia Tariq Theo Uma "
    "Valentina Victor Wei Yara Yusuf Zoë Łukasz Søren Émile Björn"
)
LAST_NAMES = _words(
    "Adams Ahmed Alvarez Andersen Baker Becker Bianchi Brown Carter Chen Costa Cruz Dubois Evans "
    "Fischer Garcia Gomez Green Gupta Hall Hansen Hernandez Hoffmann Ito Jensen Johnson Kapoor "
    "Kim Klein Kowalski Lambert Lee Lopez Martin Meyer Miller Moreau Müller Nakamura Nguyen "
    "Novak O'Brien Okafor Olsen Park Patel Perez Petrov Quinn Rossi Santos Schmidt Silva Singh "
    "Smith Suzuki Tanaka Taylor Thomas Turner Walker Wang Weber Wilson Yilmaz Young Zhang Ødegård"
)
COMPANY_PARTS = _words(
    "Acme Apex Arbor Atlas Aurora Beacon Birch Blue Bright Cedar Cinder Clear Cobalt Coral Crest "
    "Delta Echo Ember Fable Falcon Fern Flux Forge Granite Harbor Helix Horizon Indigo Iron Jade "
    "Juniper Keystone Kite Lark Lumen Maple Meridian Mesa Nimbus Nova Oak Onyx Orbit Pine Pixel "
    "Prairie Quartz Raven Ridge River Sable Sage Signal Silver Slate Solar Spruce Summit Tidal "
    "Timber Trail Umber Vale Vector Willow Zenith"
)
COMPANY_KINDS = _words(
    "Labs Systems Health Logistics Analytics Foods Media Capital Retail Energy Robotics Travel "
    "Networks Studio Works Bank Insurance Software Games Mobility"
)
COMPANY_SUFFIXES = ("Inc.", "GmbH", "Ltd", "LLC", "S.A.", "B.V.", "Corp.", "AG", "")
INDUSTRIES = _words(
    "Technology Healthcare Finance Retail Manufacturing Education Media Logistics Energy "
    "Hospitality Insurance Telecommunications"
)
COUNTRIES = (
    "United States",
    "United States",
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "Canada",
    "Netherlands",
    "Australia",
    "Spain",
    "Japan",
    "Brazil",
)

PRODUCT_AREAS = _words(
    "dashboard export API SSO billing webhooks search notifications permissions reports "
    "integrations mobile-app audit-log data-import scheduler alerts"
)
TICKET_SUBJECTS = (
    "Cannot log in with SSO since this morning",
    "{area} is very slow for our team",
    "Question about {area} limits",
    "Error 500 when using {area}",
    "How do I configure {area}?",
    "Invoice does not match our plan",
    "Feature request: better {area}",
    "{area} shows wrong numbers",
    "Please add a new admin to our account",
    "Data missing after {area} sync",
    "Timeout errors on {area}",
    "Can we get a copy of our {area} data?",
)
REQUESTER_LINES = (
    "Hi team, since yesterday {area} does not work for several of our users.",
    "Hello, we need help with {area}. Steps: open the page, click save, nothing happens.",
    "Could you look into this? It blocks our month-end reporting.",
    "Quick question: is there a limit on {area}? We hit an error around 10k rows.",
    "Following up on this, any news?",
    "Thanks, that worked!",
    "Still seeing the problem, see the attached screenshot.",
    "We tried again this morning and got the same error.",
)
AGENT_LINES = (
    "Thanks for reaching out! Could you share the request id and the time it happened?",
    "I have reproduced the issue and passed it to our engineers.",
    "This should be fixed now, could you try again?",
    "Here is how to configure {area}: Settings → {area} → Enable. Let me know if it helps.",
    "Our engineering team is working on a fix; I will update you as soon as it ships.",
    "I have added the new admin to your account.",
    "The limit on {area} is 50,000 rows per request; larger exports run in the background.",
)
INTERNAL_NOTES = (
    "Checked the logs: 502s from the {area} service around that time.",
    "Customer is on the enterprise plan, handle with priority.",
    "Escalating to engineering, looks like a regression in {area}.",
    "Waiting for billing to confirm the refund.",
)
ISSUE_TITLES = (
    "{area}: timeout on large accounts",
    "Fix wrong totals in {area}",
    "Customer reports {area} failing intermittently",
    "Investigate 500s from {area}",
    "Improve error message when {area} fails",
    "Add pagination to {area}",
    "{area} permissions check is too strict",
    "Upgrade dependencies for {area}",
    "Flaky test in {area}",
    "Support {area} for EU region",
)
CHAT_LINES = (
    "Morning all!",
    "Has anyone seen the new {area} numbers?",
    "Deploy of {area} is done ✅",
    "Can someone review my PR for {area}?",
    "Lunch?",
    "Reminder: planning at 2pm",
    "I'll be out tomorrow afternoon",
    "The {area} dashboard looks off today",
    "Great work on the release everyone 🎉",
    "Does anyone know who owns {area}?",
    "Pushed a fix, should be green now",
    "Sharing the notes from the customer call",
)
SLACK_REQUESTS = (
    "Hey, a customer says {area} is broken for them, can someone take a look?",
    "Is {area} down? Getting reports from two accounts.",
    "Can engineering help with a {area} question from a customer?",
    "Customer asking whether {area} supports SSO groups, who knows?",
    "Urgent: enterprise customer blocked on {area}",
    "Anyone able to check why {area} exports are empty for one workspace?",
)
SLACK_ANSWERS = (
    "Looking now 👀",
    "That's a known issue, fix is rolling out today.",
    "Can you share the account id?",
    "Should be fine now, we restarted the worker.",
    "I think this is a config problem on their side; here's the doc.",
)
REACTIONS = (
    "eyes",
    "white_check_mark",
    "+1",
    "tada",
    "pray",
    "raised_hands",
    "fire",
    "thinking_face",
)


def fill(template: str, rng: random.Random) -> str:
    return template.format(area=rng.choice(PRODUCT_AREAS))


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for e-mail local parts and domains: 'Zoë Ødegård' -> 'zoe.odegard'."""
    folded = text.replace("Ø", "O").replace("ø", "o").replace("Ł", "L").replace("ł", "l")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c in ".-")
