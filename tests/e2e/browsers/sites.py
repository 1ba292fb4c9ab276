# SPDX-License-Identifier: GPL-3.0-or-later
"""The web messengers' notification shapes the real-browser test sends, site by site.

Each site is served under its real name (the browsers are told it lives on 127.0.0.1), and its
page fires these notifications with the Notification API, as the site's own script does. The
shapes follow shared/fixtures/formats.md and what the sites were seen to write; the sites
themselves are closed, so a shape here is the best reading of them, not their code.

Every message carries a tag (`wa-group-contact`) at the end of its text, so the verdict can find
it in nocontactd's journal and in the notification server's history.
"""

CONTACT = "Alex Morgan"
STRANGER = "Sam Lee"

# site -> (brand shown when the sender is hidden in the title, [(shape, title, body)]).
# {who} is the writer; a stranger's text mentions the contact instead of being from them.
SITES = {
    "web.whatsapp.com": ("WhatsApp", [
        ("direct", "{who}", "{text}"),
        ("group", "Hiking Club", "{who}: {text}"),
        ("hidden", "WhatsApp", "{who}: {text}"),
    ]),
    "www.messenger.com": ("Messenger", [
        ("direct", "{who}", "{text}"),
        ("group", "Hiking Club", "{who}: {text}"),
        ("hidden", "Messenger", "{who}: {text}"),
    ]),
    "discord.com": ("Discord", [
        ("direct", "{who}", "{text}"),
        ("group", "{who} (#general, Weekend Gamers)", "{text}"),
        ("group-dm", "{who} (Trip Planning)", "{text}"),
        ("hidden", "Discord", "{who}: {text}"),
    ]),
    "web.telegram.org": ("Telegram", [
        ("direct", "{who}", "{text}"),
        ("group", "Hiking Club", "{who}: {text}"),
        ("hidden", "Telegram", "{who}: {text}"),
    ]),
    "app.element.io": ("Element", [
        ("direct", "{who}", "{text}"),
        ("group", "{who} (Hiking Club)", "{text}"),
        ("hidden", "Element", "{who}: {text}"),
    ]),
    "app.slack.com": ("Slack", [
        ("direct", "New message from {who}", "{text}"),
        ("group", "New message in #weekend", "{who}: {text}"),
        ("hidden", "Slack", "{who}: {text}"),
    ]),
}

SHORT = {"web.whatsapp.com": "wa", "www.messenger.com": "fbm", "discord.com": "dc",
         "web.telegram.org": "tg", "app.element.io": "el", "app.slack.com": "sl"}


def notifications(site):
    """[(tag, from_contact, title, body)] for one site: the contact's, then a stranger's."""
    out = []
    for shape, title, body in SITES[site][1]:
        for from_contact in (True, False):
            who = CONTACT if from_contact else STRANGER
            tag = f"{SHORT[site]}-{shape}-{'contact' if from_contact else 'stranger'}"
            text = ("trail at 8? are you coming" if from_contact
                    else f"is {CONTACT} coming on Saturday?")
            out.append((tag, from_contact, title.format(who=who),
                        body.format(who=who, text=f"{text} [{tag}]")))
    return out


def order():
    return list(SITES)
