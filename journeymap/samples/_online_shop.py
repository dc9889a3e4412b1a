"""``online_shop``: an e-commerce order across web, app, email, chat and phone."""

from __future__ import annotations

import random

from journeymap.samples._core import DAY, HOUR, MIN, Hours, Journey, Planted, Recipe, SampleSpec

EXIT = 0.08  # chance of leaving after a step before the goal (times the journey's lift)
P_APP = 0.60  # mobile customers who shop in the app (the rest use the mobile web)
P_TIE = 0.35  # "Order confirmed" logged in the same second as the last "Checkout: payment"
# planted frictions
P_POPUP = 0.45  # Newsletter sign-up shown right after the first page
P_BUY_NOW = 0.10  # "Buy now": Add to cart and Cart skipped
P_FAQ = 0.14  # FAQ: delivery costs opened after the cart
P_FAQ_CALL = 0.55  # ... then a call about delivery costs
P_SWAP = 0.08  # Checkout: delivery before Checkout: address
P_DELIVERY_EXIT = 0.30  # leaving after Checkout: delivery (shipping costs shown)
P_DECLINED = 0.22  # a payment attempt declined and retried (at most 3 attempts)
P_SLOW = 0.60  # shipping notice 3–6 days after the order instead of 2–20 hours
P_WISMO = 0.12  # "where is my order" chat/phone ping-pong
P_WISMO_SECOND_CALL = 0.50
P_PUSH = 0.30  # app orders whose delivery confirmation comes as an app push, not by email

CALL_HOURS = Hours(days=6, open_h=8, close_h=20)
CHAT_HOURS = Hours(days=7, open_h=8, close_h=22)
CART = {"web": "Cart", "app": "Basket"}

SPEC = SampleSpec(
    name="online_shop",
    title="Online shop order",
    industry="retail / e-commerce",
    goal="Order confirmed",
    default_journeys=7_000,
    description=(
        "A customer finds a product on the web shop or in the app, puts it in the cart, goes "
        "through a four-page checkout and pays; after the order, emails confirm it, announce "
        "the shipment and the delivery. Desktop and tablet customers use the web; 60% of mobile "
        "customers use the app, where the cart is called 'Basket'."
    ),
    planted=(
        Planted(
            "dropoff",
            ("Checkout: delivery",),
            P_DELIVERY_EXIT,
            "journeys that reach Checkout: delivery (open ones left out)",
            "30% leave right after Checkout: delivery (the shipping costs appear), against "
            "8% x lift after every other step before the goal",
            "dropoff at Checkout: delivery, exit rate about 30% against 2-6% elsewhere",
        ),
        Planted(
            "loop",
            ("Checkout: payment",),
            P_DECLINED,
            "journeys that reach Checkout: payment",
            "each attempt is declined with p=0.22 and retried 30 s-3 min later, at most 3 "
            "attempts: 22% have 2 or more, 4.8% have 3",
            "loop on Checkout: payment (Checkout: payment -> Checkout: payment)",
        ),
        Planted(
            "ping_pong",
            ("Chat: where is my order", "Call: where is my order"),
            P_WISMO,
            "journeys that reach Delivery confirmation",
            "after Shipping notice: Chat (chat) -> Call (phone) -> Chat, and in 50% of them a "
            "second Call; chat and call in opening hours, 10 min to 1 day apart",
            "ping_pong between Chat: where is my order and Call: where is my order (chat <-> "
            "phone)",
        ),
        Planted(
            "channel_switch",
            ("FAQ: delivery costs", "Call: delivery costs"),
            P_FAQ_CALL,
            "journeys that open FAQ: delivery costs (14% of journeys that pass the cart)",
            "the next event after the FAQ page (web/app) is a phone call, 10 min to 1 day later "
            "in call-centre hours (Mon-Sat 8-20); the checkout then resumes online",
            "channel_switch from FAQ: delivery costs (web/app) to Call: delivery costs (phone)",
        ),
        Planted(
            "unnecessary_step",
            ("Newsletter sign-up",),
            P_POPUP,
            "all journeys (shown right after the first page, before anyone can leave)",
            "adds about 45 s (it appears 3-10 s after the first page and holds the customer "
            "20-90 s); journeys with and without "
            "it convert at the same rate (it causes no extra exit: those who leave on the first "
            "page simply leave from the form)",
            "unnecessary_step Newsletter sign-up: conversion lift about 0, added time about 40 s",
        ),
        Planted(
            "slow_transition",
            ("Order confirmation email", "Shipping notice"),
            P_SLOW,
            "transitions Order confirmation email -> Shipping notice",
            "wait 3-6 days (uniform) instead of 2-20 hours (log-uniform, median 6.3 h); "
            "target max_wait 1d; waits over 2 days occur only in planted ones",
            "slow_transition Order confirmation email -> Shipping notice, median wait about "
            "3.5 days",
        ),
        Planted(
            "deviation",
            ("Add to cart", "Cart"),
            P_BUY_NOW,
            "journeys that go on after Product page / Product reviews",
            "'Buy now' skips Add to cart and Cart/Basket, straight to the checkout",
            "skipped non-optional steps Add to cart and Cart",
            deviation="skipped_step",
        ),
        Planted(
            "deviation",
            ("Checkout: delivery", "Checkout: address"),
            P_SWAP,
            "journeys that reach Checkout: address or Checkout: delivery",
            "Checkout: delivery comes before Checkout: address",
            "out-of-order steps Checkout: delivery / Checkout: address",
            deviation="out_of_order",
        ),
        Planted(
            "deviation",
            ("Delivery confirmation",),
            P_PUSH,
            "app journeys (Order confirmed on channel app) that reach Delivery confirmation",
            "sent as an app push (channel app) instead of an email",
            "wrong channel for Delivery confirmation: app instead of email",
            deviation="wrong_channel",
        ),
        Planted(
            "deviation",
            (
                "Newsletter sign-up",
                "FAQ: delivery costs",
                "Call: delivery costs",
                "Chat: where is my order",
                "Call: where is my order",
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
    "name": "Online order",
    "goal": "Order confirmed",
    "stages": [
        {
            "name": "Discover",
            "steps": [
                {"touchpoint": "Home page", "optional": True, "effort": 1, "max_wait": "30m"},
                {"touchpoint": "Search results", "optional": True, "effort": 1, "max_wait": "30m"},
                {"touchpoint": "Product page", "effort": 1, "max_wait": "30m"},
                {"touchpoint": "Product reviews", "optional": True, "effort": 1},
            ],
        },
        {
            "name": "Decide",
            "steps": [
                {"touchpoint": "Add to cart", "effort": 1, "max_wait": "30m"},
                {"touchpoint": "Cart", "effort": 1, "max_wait": "3d", "aliases": ["Basket"]},
            ],
        },
        {
            "name": "Checkout",
            "steps": [
                {"touchpoint": "Checkout: login", "optional": True, "effort": 2},
                {"touchpoint": "Checkout: address", "effort": 2, "max_wait": "30m"},
                {"touchpoint": "Checkout: delivery", "effort": 2, "max_wait": "30m"},
                {"touchpoint": "Checkout: payment", "effort": 3, "max_wait": "30m"},
                {"touchpoint": "Order confirmed", "effort": 1, "max_wait": "1h"},
            ],
        },
        {
            "name": "Deliver",
            "steps": [
                {"touchpoint": "Order confirmation email", "channel": "email", "max_wait": "1d"},
                {"touchpoint": "Shipping notice", "channel": "email", "max_wait": "3d"},
                {"touchpoint": "Delivery tracking", "optional": True, "effort": 1},
                {"touchpoint": "Delivery confirmation", "channel": "email"},
            ],
        },
    ],
}

# share of first events per hour of the day: evenings are busiest
START_HOURS = (1, 1, 0.5, 0.5, 0.5, 1, 2, 3, 4, 5, 5, 6, 7, 6, 5, 5, 5, 6, 7, 9, 10, 9, 6, 3)


def attributes(r: random.Random) -> tuple[str, str]:
    segment = "new" if r.random() < 0.45 else "returning"
    device = r.choices(("desktop", "mobile", "tablet"), cum_weights=(40, 90, 100))[0]
    return segment, device


def journey(b: Journey) -> None:
    fr = b.frictions
    ch = "app" if b.attribute == "mobile" and b.chance(P_APP) else "web"
    popup = fr and b.deal("P_POPUP", P_POPUP)

    def page(touchpoint: str, lift: float = 1.0, hotspot: bool = False) -> bool:
        """Log a page; True when the journey ends after it."""
        b.log(touchpoint, ch, b.wait(10, 150) if b.times else 0.0)
        if popup and len(b.times) == 1:
            b.log("Newsletter sign-up", ch, b.wait(3, 10))
            b.t += b.wait(20, 90)
        b.lift *= lift
        if hotspot:
            return b.deal("P_DELIVERY_EXIT", P_DELIVERY_EXIT)
        return b.leaves(EXIT * b.lift)

    # Discover
    if b.chance(0.45) and page("Home page", 0.6):
        return
    if b.chance(0.55) and page("Search results", 0.6):
        return
    if page("Product page"):
        return
    if b.chance(0.35) and page("Product reviews", 0.75):
        return
    # Decide
    buy_now = fr and b.deal("P_BUY_NOW", P_BUY_NOW)
    if not buy_now:
        if page("Add to cart") or page(CART[ch]):
            return
        if fr and b.deal("P_FAQ", P_FAQ):
            b.log("FAQ: delivery costs", ch, b.wait(10, 90))
            if b.deal("P_FAQ_CALL", P_FAQ_CALL):
                b.log_open("Call: delivery costs", "phone", b.wait(10 * MIN, DAY), CALL_HOURS)
                b.pain += 1
                b.survey(ces=0.3, csat=0.3)
                if b.leaves(EXIT * b.lift):
                    return
                b.t += b.wait(10 * MIN, DAY)
            elif b.leaves(EXIT * b.lift):
                return
    if not buy_now and b.chance(0.3):  # the checkout happens in a later session
        b.t += b.wait(HOUR, 2 * DAY)
    # Checkout
    if b.segment == "returning" and page("Checkout: login", 0.6):
        return
    steps = ["Checkout: address", "Checkout: delivery"]
    if fr and b.deal("P_SWAP", P_SWAP):
        steps.reverse()
    for step in steps:
        if page(step, hotspot=fr and step == "Checkout: delivery"):
            return
    b.log("Checkout: payment", ch, b.wait(20, 180))
    attempts = 1
    while fr and attempts < 3 and b.deal("P_DECLINED", P_DECLINED):
        b.log("Checkout: payment", ch, b.wait(30, 180))
        attempts += 1
        b.pain += 1
    if b.leaves(EXIT * b.lift):
        return
    b.log("Order confirmed", ch, 0.0 if b.deal("P_TIE", P_TIE) else b.wait(1, 20))
    b.survey(ces=0.2)
    # Deliver (after the goal: nobody leaves)
    b.log("Order confirmation email", "email", b.wait(5, 120))
    slow = fr and b.deal("P_SLOW", P_SLOW)
    b.log(
        "Shipping notice",
        "email",
        b.r.uniform(3 * DAY, 6 * DAY) if slow else b.wait(2 * HOUR, 20 * HOUR),
    )
    b.pain += slow
    if b.chance(0.4):
        b.log("Delivery tracking", ch, b.wait(HOUR, DAY))
    if fr and b.deal("P_WISMO", P_WISMO):
        b.log_open("Chat: where is my order", "chat", b.wait(2 * HOUR, DAY), CHAT_HOURS)
        b.log_open("Call: where is my order", "phone", b.wait(10 * MIN, DAY), CALL_HOURS)
        b.log_open("Chat: where is my order", "chat", b.wait(HOUR, DAY), CHAT_HOURS)
        b.pain += 2
        if b.deal("P_WISMO_SECOND_CALL", P_WISMO_SECOND_CALL):
            b.log_open("Call: where is my order", "phone", b.wait(10 * MIN, DAY), CALL_HOURS)
            b.pain += 1
        b.survey(ces=0.3, csat=0.3)
    push = fr and ch == "app" and b.deal("P_PUSH", P_PUSH)
    b.log("Delivery confirmation", "app" if push else "email", b.wait(12 * HOUR, 2 * DAY))
    b.survey(csat=0.15)


RECIPE = Recipe(
    spec=SPEC,
    attribute="device",
    attributes=attributes,
    next_segment=lambda segment: "returning",
    return_rate=0.35,
    start_hours=START_HOURS,
    journey=journey,
    target=TARGET,
)
