"""``telecom_support``: a broadband fault case, from the fault report to the repair."""

from __future__ import annotations

import random

from journeymap.samples._core import DAY, HOUR, MIN, Hours, Journey, Planted, Recipe, SampleSpec

EXIT = 0.06  # chance of leaving after a step before the goal (times the journey's lift)
P_TECHNICIAN = 0.50  # faults that need a technician (the rest are fixed by a router restart)
P_TIE = 0.40  # "Appointment confirmation" logged in the same second as the booking
# planted frictions
P_VERIFY = 0.50  # "Verify identity" asked before the fault report
P_SKIP_TEST = 0.10  # line test skipped (test system unavailable)
P_RETEST = 0.25  # a line test run again (at most 3 runs)
P_GUIDE_CALL = 0.35  # leaving the troubleshooting guide for a phone call
P_CALL_AGAIN = 0.40  # calling again with the same reason 1-4 days later
P_SLOT_EXIT = 0.25  # leaving at "Choose appointment slot" (no slot within the week)
P_SLOW = 0.60  # technician 7-10 days after the confirmation instead of 1-2 days

CALL_HOURS = Hours(days=6, open_h=8, close_h=20)
FIELD_HOURS = Hours(days=5, open_h=8, close_h=18)
REGIONS = ("North", "South", "East", "West", "Capital")

SPEC = SampleSpec(
    name="telecom_support",
    title="Broadband fault repair",
    industry="telecom",
    goal="Issue resolved",
    default_journeys=10_000,
    description=(
        "A broadband customer whose connection fails may check the service status page, "
        "reports the fault in the provider's app, runs a remote line test and may read the "
        "troubleshooting guide. Half of the faults are fixed by restarting the router; the "
        "other half need a technician: the customer picks a slot, gets an SMS confirmation and "
        "a visit. An SMS closes the case (Issue resolved); a survey may follow by email."
    ),
    planted=(
        Planted(
            "dropoff",
            ("Choose appointment slot",),
            P_SLOT_EXIT,
            "journeys that reach Choose appointment slot (open ones left out)",
            "25% leave right after Choose appointment slot (no slot within the week), against "
            "6% x lift after every other step before the goal",
            "dropoff at Choose appointment slot, exit rate about 25% against 2-6% elsewhere",
        ),
        Planted(
            "loop",
            ("Remote line test",),
            P_RETEST,
            "journeys that reach Remote line test",
            "each run is repeated with p=0.25, 2-10 min later, at most 3 runs: 25% have 2 or "
            "more, 6.25% have 3",
            "loop on Remote line test (Remote line test -> Remote line test)",
        ),
        Planted(
            "channel_switch",
            ("Troubleshooting guide", "Call: broadband fault"),
            P_GUIDE_CALL,
            "journeys that open Troubleshooting guide",
            "the next event after the guide (app) is a call (phone), 5 min to 6 h later in "
            "call-centre hours (Mon-Sat 8-20); the agent then handles the case",
            "channel_switch from Troubleshooting guide (app) to Call: broadband fault (phone)",
        ),
        Planted(
            "repeat_contact",
            ("Call: broadband fault",),
            P_CALL_AGAIN,
            "journeys with a Call: broadband fault",
            "a second call with the same reason 1-4 days after the first (always within 7 "
            "days), before any booking or resolution",
            "repeat_contact for Call: broadband fault within 7 days",
        ),
        Planted(
            "unnecessary_step",
            ("Verify identity",),
            P_VERIFY,
            "all journeys (asked just before Fault report; nobody leaves before that step)",
            "an SMS-code check that adds 1-3 min (median about 1.7 min); journeys with and "
            "without it are resolved at the same rate",
            "unnecessary_step Verify identity: conversion lift about 0, added time about 2 min",
        ),
        Planted(
            "slow_transition",
            ("Appointment confirmation", "Technician visit"),
            P_SLOW,
            "transitions Appointment confirmation -> Technician visit",
            "wait 7-10 days (uniform, then the next working hour) instead of 1-2 days "
            "(log-uniform, then the next working hour Mon-Fri 8-18); target max_wait 5d; "
            "waits over 6 days occur only in planted ones",
            "slow_transition Appointment confirmation -> Technician visit",
        ),
        Planted(
            "deviation",
            ("Remote line test",),
            P_SKIP_TEST,
            "journeys that go on after Fault report",
            "the line test is skipped (test system unavailable)",
            "skipped non-optional step Remote line test",
            deviation="skipped_step",
        ),
        Planted(
            "deviation",
            ("Technician appointment booked",),
            1.0,
            "journeys with a Call: broadband fault that reach Technician appointment booked",
            "the agent books the visit during the call: channel phone instead of app",
            "wrong channel for Technician appointment booked: phone instead of app",
            deviation="wrong_channel",
        ),
        Planted(
            "deviation",
            ("Verify identity", "Call: broadband fault"),
            None,
            "journeys containing them (rates above)",
            "touchpoints that are not in the target journey",
            "extra touchpoints not in the design",
            deviation="extra_touchpoint",
        ),
    ),
)

TARGET = {
    "name": "Broadband fault repair",
    "goal": "Issue resolved",
    "stages": [
        {
            "name": "Report",
            "steps": [
                {
                    "touchpoint": "Service status page",
                    "channel": "web",
                    "optional": True,
                    "effort": 1,
                },
                {"touchpoint": "Fault report", "channel": "app", "effort": 2, "max_wait": "30m"},
            ],
        },
        {
            "name": "Diagnose",
            "steps": [
                {"touchpoint": "Remote line test", "channel": "app", "effort": 1, "max_wait": "1h"},
                {
                    "touchpoint": "Troubleshooting guide",
                    "channel": "app",
                    "optional": True,
                    "effort": 2,
                },
            ],
        },
        {
            "name": "Repair",
            "steps": [
                {
                    "touchpoint": "Choose appointment slot",
                    "channel": "app",
                    "optional": True,
                    "effort": 2,
                    "max_wait": "30m",
                },
                {
                    "touchpoint": "Technician appointment booked",
                    "channel": "app",
                    "optional": True,
                    "effort": 1,
                    "max_wait": "5m",
                },
                {
                    "touchpoint": "Appointment confirmation",
                    "channel": "sms",
                    "optional": True,
                    "max_wait": "5d",
                },
                {
                    "touchpoint": "Technician visit",
                    "channel": "field",
                    "optional": True,
                    "effort": 2,
                    "max_wait": "4h",
                },
                {
                    "touchpoint": "Router restart guide",
                    "channel": "app",
                    "optional": True,
                    "effort": 2,
                    "max_wait": "2h",
                },
            ],
        },
        {
            "name": "Close",
            "steps": [
                {"touchpoint": "Issue resolved", "channel": "sms"},
                {
                    "touchpoint": "Satisfaction survey",
                    "channel": "email",
                    "optional": True,
                    "effort": 1,
                },
            ],
        },
    ],
}

# faults are reported all day, most in the evening when people are home
START_HOURS = (1, 0.5, 0.5, 0.5, 0.5, 1, 2, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 9, 10, 10, 8, 5, 2)


def attributes(r: random.Random) -> tuple[str, str]:
    segment = "consumer" if r.random() < 0.85 else "business"
    region = r.choices(REGIONS, cum_weights=(20, 40, 55, 75, 100))[0]
    return segment, region


def journey(b: Journey) -> None:
    fr = b.frictions
    # Report (the status page never ends a journey: the connection is still down)
    if b.chance(0.45):
        b.log("Service status page", "web")
        b.lift *= 0.7
    gap = b.wait(MIN, 30 * MIN) if b.times else 0.0
    if fr and b.deal("P_VERIFY", P_VERIFY):
        b.log("Verify identity", "app", gap)
        gap = b.wait(MIN, 3 * MIN)
    b.log("Fault report", "app", gap)
    if b.leaves(EXIT * b.lift):
        return
    # Diagnose
    if not (fr and b.deal("P_SKIP_TEST", P_SKIP_TEST)):
        b.log("Remote line test", "app", b.wait(MIN, 5 * MIN))
        runs = 1
        while fr and runs < 3 and b.deal("P_RETEST", P_RETEST):
            b.log("Remote line test", "app", b.wait(2 * MIN, 10 * MIN))
            runs += 1
            b.pain += 1
        if b.leaves(EXIT * b.lift):
            return
    called = False
    if b.chance(0.40):
        b.log("Troubleshooting guide", "app", b.wait(30, 5 * MIN))
        b.lift *= 0.6
        if fr and b.deal("P_GUIDE_CALL", P_GUIDE_CALL):
            called = True
            b.log_open("Call: broadband fault", "phone", b.wait(5 * MIN, 6 * HOUR), CALL_HOURS)
            b.pain += 1
            b.survey(ces=0.25, csat=0.25)
            if b.deal("P_CALL_AGAIN", P_CALL_AGAIN):
                b.log_open("Call: broadband fault", "phone", b.r.uniform(DAY, 4 * DAY), CALL_HOURS)
                b.pain += 1
                b.survey(ces=0.25, csat=0.25)
        if b.leaves(EXIT * b.lift):
            return
    # Repair
    if b.chance(P_TECHNICIAN):
        if called:
            b.log("Technician appointment booked", "phone", b.wait(3 * MIN, 12 * MIN))
        else:
            b.log("Choose appointment slot", "app", b.wait(MIN, 10 * MIN))
            if b.deal("P_SLOT_EXIT", P_SLOT_EXIT) if fr else b.leaves(EXIT * b.lift):
                return
            b.log("Technician appointment booked", "app", b.wait(30, 3 * MIN))
        b.log("Appointment confirmation", "sms", 0.0 if b.deal("P_TIE", P_TIE) else b.wait(2, 30))
        slow = fr and b.deal("P_SLOW", P_SLOW)
        wait = b.r.uniform(7 * DAY, 10 * DAY) if slow else b.wait(DAY, 2 * DAY)
        b.log_open("Technician visit", "field", wait, FIELD_HOURS)
        b.pain += slow
        if b.leaves(EXIT * b.lift):
            return
        b.log("Issue resolved", "sms", b.wait(30 * MIN, 3 * HOUR))
    else:
        if not called:
            b.log("Router restart guide", "app", b.wait(MIN, 5 * MIN))
            if b.leaves(EXIT * b.lift):
                return
        b.log("Issue resolved", "sms", b.wait(5 * MIN, HOUR))
    b.survey(ces=0.2)
    # after the goal
    if b.chance(0.35):
        b.log("Satisfaction survey", "email", b.wait(DAY, 2 * DAY))
        b.survey(ces=1.0, csat=1.0)


RECIPE = Recipe(
    spec=SPEC,
    attribute="region",
    attributes=attributes,
    next_segment=lambda segment: segment,
    return_rate=0.15,
    start_hours=START_HOURS,
    journey=journey,
    target=TARGET,
)
