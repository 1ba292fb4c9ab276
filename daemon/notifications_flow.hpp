// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Notifications (DESIGN.md §2, §5): each one another app shows, through either door — the
// monitor (at the Notify call and at its reply) or the GNOME Shell extension's Decide — judged
// once and carried out: a contact's message kept on disk first, then taken off the screen (or
// left hidden by the server's own rule), announced, and met by its pause. Also what the server's
// rules held while nocontactd was not running, and KDE Connect's desktop copies that only the
// phone's own half could place (daemon/phone_pairs.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/withdrawal.hpp"
#include "daemon/clock.hpp"
#include "daemon/keeper.hpp"
#include "daemon/kept_early.hpp"
#include "daemon/phone_events.hpp"
#include "daemon/phone_pairs.hpp"
#include "daemon/portal_copies.hpp"
#include "daemon/rules_flow.hpp"
#include "dbus/decide_request.hpp"
#include "dbus/observed.hpp"
#include "dbus/withholder.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

namespace nocontact::daemon {

class NotificationsFlow {
  public:
    // What has happened to notifications since nocontactd started, for Status.
    struct Counts {
        std::uint64_t seen = 0;  // other apps' notifications (never nocontact's own)
        std::uint64_t withheld = 0, refused = 0, failed = 0;
        std::uint64_t unkept = 0;  // contact messages left on screen, kept nowhere
        // Contact messages whose id never came, so they stayed on screen: kept all the same.
        std::uint64_t unanswerable = 0;
    };

    // What the flow needs of the daemon: its engine and profiles (in force now), the keeper and
    // the server's rules (none in a dry run), the withholder, and a few questions.
    struct Context {
        const Clock& clock;
        const policy::Engine& engine;
        const policy::Profiles& profiles;
        bool dry_run = false;
        Keeper* keeper = nullptr;
        RulesFlow* rules = nullptr;
        dbus::Withholder& withholder;
        PhonePairs& pairs;
        // Judges an event by the policy in force, now (every door judges the same way).
        std::function<policy::Decision(const policy::Event&)> judge;
        // KDE Connect is followed: its desktop copies wait for the phone's own half.
        std::function<bool()> pairing;
        // The GNOME Shell extension runs: it asks Decide before GNOME Shell shows anything, so
        // the monitor leaves notifications alone.
        std::function<bool()> extension_active;
        // The sender is one of nocontact's own connections (pauses, placeholders, notices).
        std::function<bool(std::string_view sender)> own_sender;
        // How a kept message is taken back from the server running now.
        std::function<config::Withdrawal()> withdrawal;
        std::function<void(const std::string& contact, const std::string& app,
                           const std::string& kind, const std::string& level,
                           const std::string& action)>
            intervened;
        // Tells the person something in a notification of nocontact's own.
        std::function<void(const std::string& summary, const std::string& body)> tell;
    };

    explicit NotificationsFlow(Context context) : ctx_(std::move(context)) {}

    // The monitor saw a Notify call, before any reply: a contact's message is judged and kept
    // here, once, so that when the reply brings its id only the withholding call is left. True
    // when its id will be needed.
    bool called(dbus::Observed& observed);
    // The monitor saw a notification shown (the reply to its Notify call, or a GTK or portal
    // one).
    void shown(const dbus::Observed& observed);
    // GNOME Shell asks before it shows a notification: true when it should not.
    bool decide(const dbus::DecideRequest& request);
    // Messages the server's rules hid while nocontactd was not running, found in the server.
    void recovered(const std::vector<dbus::Observed>& found);
    // A desktop copy of KDE Connect's that only the phone's own half could place.
    void place(const dbus::Observed& copy, phone::Half half);
    // A policy was applied: it numbers its contacts its own way.
    void policyApplied() { ++policies_applied_; }

    const Counts& counts() const { return counts_; }

  private:
    struct Judged {
        policy::Event event;
        policy::Decision decision;
    };
    // A notification's event and decision. KDE Connect's desktop copy is placed by the phone's
    // own half when only that half knew the contact.
    Judged judge(const dbus::Observed& observed);
    // A contact's message kept before anything is done on screen. One whose id will never come
    // keeps no pause (it stays in view).
    Keeper::Kept keepFirst(const dbus::Observed& observed, Judged& judged);
    // Carries out a decision about a message `kept` already: on screen, then the pause.
    void act(const dbus::Observed& observed, Judged& judged, Keeper::Kept& kept);
    void keepUnanswerable(const dbus::Observed& observed, Judged& judged, Keeper::Kept& kept);
    // Logs the intervention (never the text) and says it on the bus.
    void announce(const dbus::Observed& observed, const policy::Event& event,
                  const policy::Decision& decision);
    void withhold(const dbus::Observed& observed);
    // A message the rules hid, shown as it came (nobody holds it, or it could not be kept).
    void showHidden(const dbus::Observed& observed);
    // True when Decide's caller will have stopped waiting by the time the answer reaches it.
    bool tooLate(const dbus::DecideRequest& request) const;

    Context ctx_;
    PortalCopies portal_copies_;          // what programs asked the desktop portal to show, lately
    KeptEarly kept_early_{2 * 16384};     // kept at the Notify call, waiting for its id
    std::uint64_t policies_applied_ = 0;  // a KeptEarly entry's decision was by policy number…
    // What a kept message's placeholder says, in the language nocontactd started in: looked
    // up once (a catalogue lookup takes locks and walks the locale's folders every time).
    std::optional<std::string> placeholder_;
    Counts counts_;
};

}  // namespace nocontact::daemon
