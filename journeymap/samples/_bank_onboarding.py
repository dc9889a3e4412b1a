"""``bank_onboarding``: opening a current account online, from the application to the card."""

from __future__ import annotations

import random

from journeymap.samples._core import DAY, HOUR, MIN, Hours, Journey, Planted, Recipe, SampleSpec

EXIT = 0.05  # chance of leaving after a step before the goal (times the journey's lift)
P_TIE = 0.35  # "Account opened" logged in the same second as "Contract signature"
PERSONAL = "Application: personal details"
INCOME = "Application: income and employment"
# planted frictions
P_ADVICE_CALL = 0.30  # leaving the product comparison for a phone call
P_SWAP = 0.08  # income page before personal details (old form version)
P_PREFS = 0.50  # "Marketing preferences" asked before the first application page
P_INCOME_EXIT = 0.30  # leaving after the income page
P_SKIP_UPLOAD = 0.10  # ID upload skipped (document reused from an old file)
P_REUPLOAD = 0.30  # an ID photo rejected and uploaded again (at most 3 uploads)
P_DOCS = 0.20  # back office asks for more documents
P_DOCS_AGAIN = 0.50  # ... and asks again (second round)
P_DOCS_THIRD = 0.20  # ... and again (third round, among second rounds)
P_BRANCH = 0.12  # identity verified in a branch instead of by video call
P_SLOW = 0.60  # approval 5-10 days after the identity check instead of 1-6 hours

CALL_HOURS = Hours(days=5, open_h=8, close_h=20)
VIDEO_HOURS = Hours(days=6, open_h=8, close_h=22)
BRANCH_HOURS = Hours(days=5, open_h=9, close_h=17)
OFFICE_HOURS = Hours(days=5, open_h=8, close_h=18)
REGIONS = ("North", "South", "East", "West", "Capital")

SPEC = SampleSpec(
    name="bank_onboarding",
    title="Current account opening",
    industry="retail banking",
    goal="Account opened",
    default_journeys=8_000,
    description=(
        "A prospect may compare accounts on the bank's website, fills in a two-page "
        "application, uploads an ID document and proves their identity in a video call. The "
        "back office approves the application by email; the customer signs the contract online "
        "and the account is opened. A welcome pack follows and most customers activate their "
        "debit card in the app."
    ),
    planted=(
        Planted(
            "dropoff",
            (INCOME,),
            P_INCOME_EXIT,
            "journeys that reach Application: income and employment (open ones left out)",
            "30% leave right after the income page (it asks for payslips), against 5% x lift "
            "after every other step before the goal",
            "dropoff at Application: income and employment, exit rate about 30% against 2-5% "
            "elsewhere",
        ),
        Planted(
            "loop",
            ("ID document upload",),
            P_REUPLOAD,
            "journeys that reach ID document upload",
            "each upload is rejected with p=0.30 and repeated 1-10 min later, at most 3 "
            "uploads: 30% have 2 or more, 9% have 3",
            "loop on ID document upload (ID document upload -> ID document upload)",
        ),
        Planted(
            "ping_pong",
            ("Documents requested", "Additional documents upload"),
            P_DOCS_AGAIN,
            "journeys with a Documents requested",
            "20% of journeys that reach Identity verification first get Documents requested "
            "(email) -> Additional documents upload (web); half of them a second round and 20% "
            "of those a third: Documents requested -> upload -> Documents requested -> upload",
            "ping_pong between Documents requested (email) and Additional documents upload (web)",
        ),
        Planted(
            "channel_switch",
            ("Product comparison", "Call: product advice"),
            P_ADVICE_CALL,
            "journeys that open Product comparison",
            "the next event after the comparison page (web) is a call (phone), 10 min to 1 day "
            "later in call-centre hours (Mon-Fri 8-20); the application follows online",
            "channel_switch from Product comparison (web) to Call: product advice (phone)",
        ),
        Planted(
            "unnecessary_step",
            ("Marketing preferences",),
            P_PREFS,
            "all journeys (asked just before the first application page; nobody leaves before it)",
            "adds 1-3 min (median about 1.7 min); journeys with and without it open an account "
            "at the same rate",
            "unnecessary_step Marketing preferences: conversion lift about 0, added time about "
            "2 min",
        ),
        Planted(
            "slow_transition",
            ("Identity verification", "Application approved"),
            P_SLOW,
            "transitions Identity verification -> Application approved",
            "wait 5-10 days (uniform, then the next office hour) instead of 1-6 hours "
            "(log-uniform, then the next office hour Mon-Fri 8-18); target max_wait 3d; waits "
            "over 3.5 days occur only in planted ones",
            "slow_transition Identity verification -> Application approved",
        ),
        Planted(
            "deviation",
            ("ID document upload",),
            P_SKIP_UPLOAD,
            "journeys that go on after both application pages",
            "the upload is skipped (an ID document on file from an old product is reused)",
            "skipped non-optional step ID document upload",
            deviation="skipped_step",
        ),
        Planted(
            "deviation",
            (INCOME, PERSONAL),
            P_SWAP,
            "journeys that reach an application page",
            "the income page comes before the personal details page (old form version)",
            "out-of-order steps Application: income and employment / Application: personal details",
            deviation="out_of_order",
        ),
        Planted(
            "deviation",
            ("Identity verification",),
            P_BRANCH,
            "journeys that reach Identity verification",
            "done in a branch (channel branch, 1-6 days later, Mon-Fri 9-17) instead of by "
            "video call",
            "wrong channel for Identity verification: branch instead of video",
            deviation="wrong_channel",
        ),
        Planted(
            "deviation",
            (
                "Call: product advice",
                "Marketing preferences",
                "Documents requested",
                "Additional documents upload",
            ),
            None,
            "journeys containing them (rates above)",
            "touchpoints that are not in the target journey",
            "extra touchpoints not in the design",
            deviation="extra_touchpoint",
        ),
    ),
)

TARGET = {
    "name": "Current account opening",
    "goal": "Account opened",
    "stages": [
        {
            "name": "Explore",
            "steps": [
                {
                    "touchpoint": "Product comparison",
                    "channel": "web",
                    "optional": True,
                    "effort": 2,
                },
            ],
        },
        {
            "name": "Apply",
            "steps": [
                {"touchpoint": PERSONAL, "channel": "web", "effort": 2, "max_wait": "30m"},
                {"touchpoint": INCOME, "channel": "web", "effort": 3, "max_wait": "30m"},
            ],
        },
        {
            "name": "Verify",
            "steps": [
                {
                    "touchpoint": "ID document upload",
                    "channel": "web",
                    "effort": 3,
                    "max_wait": "4d",
                },
                {
                    "touchpoint": "Identity verification",
                    "channel": "video",
                    "effort": 3,
                    "max_wait": "3d",
                },
            ],
        },
        {
            "name": "Open",
            "steps": [
                {"touchpoint": "Application approved", "channel": "email", "max_wait": "2d"},
                {
                    "touchpoint": "Contract signature",
                    "channel": "web",
                    "effort": 2,
                    "max_wait": "5m",
                },
                {"touchpoint": "Account opened", "channel": "email"},
            ],
        },
        {
            "name": "Welcome",
            "steps": [
                {"touchpoint": "Welcome pack", "channel": "email"},
                {
                    "touchpoint": "Debit card activation",
                    "channel": "app",
                    "optional": True,
                    "effort": 1,
                },
            ],
        },
    ],
}

# applications start in the day and the evening
START_HOURS = (0.5, 0.3, 0.2, 0.2, 0.2, 0.5, 1, 3, 5, 6, 6, 6, 7, 6, 6, 6, 6, 6, 7, 8, 8, 6, 3, 1)


def attributes(r: random.Random) -> tuple[str, str]:
    segment = "personal" if r.random() < 0.85 else "business"
    region = r.choices(REGIONS, cum_weights=(20, 40, 55, 75, 100))[0]
    return segment, region


def journey(b: Journey) -> None:
    fr = b.frictions
    # Explore (the comparison and the advice call never end a journey on their own)
    if b.chance(0.45):
        b.log("Product comparison", "web")
        b.lift *= 0.65
        if fr and b.deal("P_ADVICE_CALL", P_ADVICE_CALL):
            b.log_open("Call: product advice", "phone", b.wait(10 * MIN, DAY), CALL_HOURS)
            b.pain += 1
            b.survey(ces=0.3, csat=0.3)
            b.t += b.wait(10 * MIN, DAY)
    # Apply
    pages = [PERSONAL, INCOME]
    if fr and b.deal("P_SWAP", P_SWAP):
        pages.reverse()
    gap = b.wait(30, 5 * MIN) if b.times else 0.0
    if fr and b.deal("P_PREFS", P_PREFS):
        b.log("Marketing preferences", "web", gap)
        gap = b.wait(MIN, 3 * MIN)
    for page in pages:
        b.log(page, "web", gap)
        gap = b.wait(30, 5 * MIN)
        if fr and page == INCOME:
            if b.deal("P_INCOME_EXIT", P_INCOME_EXIT):
                return
        elif b.leaves(EXIT * b.lift):
            return
    # Verify
    if not (fr and b.deal("P_SKIP_UPLOAD", P_SKIP_UPLOAD)):
        b.log("ID document upload", "web", b.wait(MIN, 8 * MIN))
        uploads = 1
        while fr and uploads < 3 and b.deal("P_REUPLOAD", P_REUPLOAD):
            b.log("ID document upload", "web", b.wait(MIN, 10 * MIN))
            uploads += 1
            b.pain += 1
        if b.leaves(EXIT * b.lift):
            return
    if fr and b.deal("P_DOCS", P_DOCS):  # nobody leaves during the document rounds
        rounds = 1
        if b.deal("P_DOCS_AGAIN", P_DOCS_AGAIN):
            rounds = 3 if b.deal("P_DOCS_THIRD", P_DOCS_THIRD) else 2
        for _ in range(rounds):
            b.log_open("Documents requested", "email", b.wait(2 * HOUR, DAY), OFFICE_HOURS)
            b.log("Additional documents upload", "web", b.wait(HOUR, 2 * DAY))
        b.pain += rounds
    if fr and b.deal("P_BRANCH", P_BRANCH):
        b.log_open("Identity verification", "branch", b.r.uniform(DAY, 6 * DAY), BRANCH_HOURS)
        b.pain += 1
    else:
        b.log_open("Identity verification", "video", b.wait(5 * MIN, 2 * DAY), VIDEO_HOURS)
    if b.leaves(EXIT * b.lift):
        return
    # Open
    slow = fr and b.deal("P_SLOW", P_SLOW)
    wait = b.r.uniform(5 * DAY, 10 * DAY) if slow else b.wait(HOUR, 6 * HOUR)
    b.log_open("Application approved", "email", wait, OFFICE_HOURS)
    b.pain += slow
    if b.leaves(EXIT * b.lift):
        return
    b.log("Contract signature", "web", b.wait(10 * MIN, 2 * DAY))
    b.log("Account opened", "email", 0.0 if b.deal("P_TIE", P_TIE) else b.wait(1, 30))
    b.survey(ces=0.2)
    # Welcome (after the goal)
    b.log("Welcome pack", "email", b.wait(2 * MIN, 10 * MIN))
    if b.chance(0.6):
        b.log("Debit card activation", "app", b.wait(3 * DAY, 8 * DAY))
        b.survey(csat=0.15)


RECIPE = Recipe(
    spec=SPEC,
    attribute="region",
    attributes=attributes,
    next_segment=lambda segment: segment,
    return_rate=0.08,
    start_hours=START_HOURS,
    journey=journey,
    target=TARGET,
)
