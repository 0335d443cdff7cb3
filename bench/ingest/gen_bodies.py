#!/usr/bin/env python3
"""Writes pre-signed Meta webhook bodies for wrk (its Lua cannot compute HMAC).

Each output line is `sha256=<hex>\t<body>`: the X-Hub-Signature-256 value Meta would send, a tab,
and the body exactly as signed (compact JSON with non-ASCII escaped as \\uXXXX, as Meta sends it).

  gen_bodies.py --secret S --out DIR [--single N] [--batches N] [--batch-size 1000] [--seed 1]

single.txt: one event per delivery (Instagram 45 %, Messenger 35 %, WhatsApp 20 %): referrals in a
first message, standalone referrals, ad referrals, postbacks and plain messages, every mid/wamid unique.
batch.txt:  deliveries of --batch-size events each, grouped the way Meta batches them (several
entries per account, many messaging items / messages per entry), every mid/wamid unique.
"""
import argparse
import hashlib
import hmac
import json
import os
import random

IG_ACCOUNTS = ["17841400000000001", "17841400000000002", "17841400000000003", "17841400000000004"]
PAGES = ["104000000000001", "104000000000002", "104000000000003"]
WA_PHONES = [("15550001111", "106540000000001"), ("4930000000", "106540000000002")]
WABA = "102290000000001"
REFS = ["summer_sale", "qr-store-berlin", "collab_alice", "collab_bob_2026", "ig_story_13", "Cmp15=sale",
        "affiliate_zoe", "newsletter-nov", "bio_link", "tiktok_crossover"]
TEXTS = ["Hi! I saw your story", "Is this still available?", "Hallo, ich habe eine Frage \u00fcber Gr\u00f6\u00dfen",
         "Bonjour \u2014 prix ?", "\U0001F44B hello", "Can I get the discount code?", "What are your opening hours?"]
BASE_MS = 1763700000000


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seq = 0

    def uid(self):
        self.seq += 1
        return self.seq

    def participant(self, prefix):
        return f"{prefix}-{self.rng.randrange(1, 2_000_000)}"

    def ts(self):
        return BASE_MS + self.uid() * 7

    def referral(self, ad=False):
        if ad:
            return {"ref": self.rng.choice(REFS), "ad_id": str(6_000_000_000_000 + self.rng.randrange(1000)),
                    "source": "ADS", "type": "OPEN_THREAD",
                    "ads_context_data": {"ad_title": "Summer drop", "photo_url": "https://scontent.example/ad.jpg"}}
        return {"ref": self.rng.choice(REFS), "source": self.rng.choice(["SHORTLINK", "SHORTLINKS", "IGME_SOURCE_LINK"]),
                "type": "OPEN_THREAD"}

    def messaging_event(self, platform, account):
        sender = self.participant("IGSID" if platform == "instagram" else "PSID")
        t = self.ts()
        kind = self.rng.random()
        mid = f"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj{self.uid():012d}" if platform == "instagram" else f"m_{self.uid():016d}-Ax9f"
        evt = {"sender": {"id": sender}, "recipient": {"id": account}, "timestamp": t}
        if kind < 0.35:
            evt["message"] = {"mid": mid, "text": self.rng.choice(TEXTS), "referral": self.referral()}
        elif kind < 0.55:
            evt["referral"] = self.referral()
        elif kind < 0.65:
            evt["message"] = {"mid": mid, "text": self.rng.choice(TEXTS), "referral": self.referral(ad=True)}
        elif kind < 0.75:
            evt["postback"] = {"mid": mid, "title": "Get Started", "payload": "GET_STARTED", "referral": self.referral()}
        else:
            evt["message"] = {"mid": mid, "text": self.rng.choice(TEXTS)}
        return evt

    def wa_message(self):
        sender = f"49151{self.rng.randrange(10_000_000):07d}"
        seconds = str(BASE_MS // 1000 + self.uid())
        wamid = f"wamid.HBgNNDkxNTEyMzQ1Njc4FQIAEhgg{self.uid():016d}"
        if self.rng.random() < 0.3:
            msg = {"from": sender, "id": wamid, "timestamp": seconds, "type": "text",
                   "text": {"body": "Hi! I saw your ad"},
                   "referral": {"source_url": "https://fb.me/3xAmPlE", "source_id": str(120_000_000_000 + self.rng.randrange(1000)),
                                "source_type": "ad", "headline": "Summer drop", "body": "20 % off", "media_type": "image",
                                "ctwa_clid": f"ARAkLkA8rmlFeiCktEJQ-{self.uid()}"}}
        else:
            msg = {"from": sender, "id": wamid, "timestamp": seconds, "type": "text",
                   "text": {"body": f"Hello! ref: {self.rng.choice(REFS)}" if self.rng.random() < 0.5 else self.rng.choice(TEXTS)}}
        return sender, msg

    def single(self):
        r = self.rng.random()
        if r < 0.45:
            acc = self.rng.choice(IG_ACCOUNTS)
            return {"object": "instagram", "entry": [{"id": acc, "time": self.ts(), "messaging": [self.messaging_event("instagram", acc)]}]}
        if r < 0.80:
            acc = self.rng.choice(PAGES)
            return {"object": "page", "entry": [{"id": acc, "time": self.ts(), "messaging": [self.messaging_event("page", acc)]}]}
        return self.whatsapp(1)

    def whatsapp(self, n):
        display, phone_id = self.rng.choice(WA_PHONES)
        contacts, messages = [], []
        for _ in range(n):
            sender, msg = self.wa_message()
            contacts.append({"profile": {"name": "Kund\u00e9 " + sender[-4:]}, "wa_id": sender})
            messages.append(msg)
        value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": display, "phone_number_id": phone_id},
                 "contacts": contacts, "messages": messages}
        return {"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [{"value": value, "field": "messages"}]}]}

    def batch(self, size):
        r = self.rng.random()
        if r < 0.2:
            return self.whatsapp(size)
        platform, accounts = ("instagram", IG_ACCOUNTS) if r < 0.6 else ("page", PAGES)
        entries, left = [], size
        while left > 0:
            acc = self.rng.choice(accounts)
            n = min(left, self.rng.randrange(50, 250))
            entries.append({"id": acc, "time": self.ts(), "messaging": [self.messaging_event(platform, acc) for _ in range(n)]})
            left -= n
        return {"object": platform, "entry": entries}


def write(path, bodies, secret):
    with open(path, "w", encoding="ascii") as f:
        for doc in bodies:
            body = json.dumps(doc, separators=(",", ":"), ensure_ascii=True)
            sig = hmac.new(secret, body.encode("ascii"), hashlib.sha256).hexdigest()
            f.write(f"sha256={sig}\t{body}\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--secret", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--single", type=int, default=200_000)
    p.add_argument("--batches", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    g = Gen(a.seed)
    secret = a.secret.encode()
    write(os.path.join(a.out, "single.txt"), (g.single() for _ in range(a.single)), secret)
    write(os.path.join(a.out, "batch.txt"), (g.batch(a.batch_size) for _ in range(a.batches)), secret)


if __name__ == "__main__":
    main()
