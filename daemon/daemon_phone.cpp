// SPDX-License-Identifier: GPL-3.0-or-later
// Phones (DESIGN.md §2, §4): KDE Connect and GNOME Calls on the session bus, ModemManager on
// the system bus, each followed while the policy's `sources:` has it on. Calls are
// daemon/calls_flow.hpp's; here are the sources themselves, SMS, and what a phone forwards through
// KDE Connect — which arrives twice, once on its own interface and once as a desktop
// notification, and is judged once (daemon/phone_pairs.hpp). Part of Daemon (daemon/daemon.hpp).
#include <systemd/sd-bus.h>

#include <glib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/phone_events.hpp"
#include "daemon/phone_pairs.hpp"
#include "daemon/timer.hpp"

namespace nocontact::daemon {

using namespace phone;

namespace {

// An SMS the phone says was sent or received further from now than this is history, not news.
constexpr auto kSmsFreshFor = std::chrono::minutes(10);

}  // namespace

void Daemon::pairPhoneHalves() {
    impl_->phone_pairs = std::make_unique<PhonePairs>(PhonePairs::Context{
        .clock = *impl_->clock,
        .timer = *impl_->timer,
        .engine = impl_->engine,
        .place = [this](const dbus::Observed& copy,
                        Half half) { impl_->notifications->place(copy, std::move(half)); },
        .record =
            [this](const Half& half) {
                if (options_.dry_run || !impl_->keeper) return;
                impl_->keeper->record(impl_->engine, half.source, half.event, half.decision,
                                      half.action);
            },
    });
}

void Daemon::followPhones() {
    const policy::Sources& on = impl_->engine.policy().sources;
    sd_bus* actor = impl_->withholder ? impl_->withholder->bus() : nullptr;
    if (!actor) return;
    if (on.kdeconnect && !impl_->kdeconnect) {
        dbus::KdeConnectWatch::Callbacks cb;
        cb.notification = [this](const dbus::PhoneNotification& n) { onPhoneNotification(n); };
        cb.ring = [this](const dbus::PhoneRing& r) { onPhoneRing(r); };
        cb.sms = [this](const dbus::PhoneConversationMessage& m) { onPhoneConversation(m); };
        cb.presence = [this](bool present) { onPhoneSource(kKdeConnect, present); };
        impl_->kdeconnect = std::make_unique<dbus::KdeConnectWatch>(actor, std::move(cb));
        if (!startWatch(kKdeConnect, [&] { impl_->kdeconnect->start(); }))
            impl_->kdeconnect.reset();
    } else if (!on.kdeconnect) {
        impl_->kdeconnect.reset();
        onPhoneSource(kKdeConnect, false);
    }
    if (on.gnome_calls && !impl_->gnome_calls) {
        dbus::CallsWatch::Callbacks cb;
        cb.call = [this](const dbus::PhoneCall& c) { impl_->calls->changed(kGnomeCalls, c); };
        cb.gone = [this](const std::string& path) { impl_->calls->gone(path); };
        cb.presence = [this](bool present) { onPhoneSource(kGnomeCalls, present); };
        impl_->gnome_calls = std::make_unique<dbus::CallsWatch>(actor, std::move(cb));
        if (!startWatch(kGnomeCalls, [&] { impl_->gnome_calls->start(); }))
            impl_->gnome_calls.reset();
    } else if (!on.gnome_calls) {
        impl_->gnome_calls.reset();
        onPhoneSource(kGnomeCalls, false);
    }
    followModem(on.modemmanager);
}

bool Daemon::startWatch(const char* source, const std::function<void()>& start) {
    try {
        start();
        return true;
    } catch (const std::exception& e) {
        log::detail(log::Priority::Warning, "A phone source cannot be followed",
                    std::string(source) + ": " + e.what());
        return false;
    }
}

// ModemManager lives on the system bus: a connection of its own, and losing it only ends
// this source (the session is still there).
void Daemon::followModem(bool on) {
    if (!on) return dropModem("");
    if (impl_->modem) return;
    int r = sd_bus_open_system(&impl_->system_bus);
    if (r < 0) {
        impl_->system_bus = nullptr;
        if (impl_->modem_note != "no system bus")
            log::write(log::Priority::Notice,
                       "There is no system bus; calls and SMS through "
                       "ModemManager are not followed.");
        impl_->modem_note = "no system bus";
        return;
    }
    dbus::ModemWatch::Callbacks cb;
    cb.call = [this](const dbus::PhoneCall& c) { impl_->calls->changed(kModemManager, c); };
    cb.gone = [this](const std::string& path) { impl_->calls->gone(path); };
    cb.sms = [this](const dbus::PhoneSms& s) { onPhoneSms(s); };
    cb.presence = [this](bool present) { onPhoneSource(kModemManager, present); };
    impl_->modem = std::make_unique<dbus::ModemWatch>(impl_->system_bus, std::move(cb));
    impl_->system_source = BusSource::forSdBus(impl_->system_bus, [this] {
        log::write(log::Priority::Warning,
                   "The system bus went away; ModemManager is no longer followed.");
        // Not from inside the source's own dispatch: dropped on the loop's next turn.
        if (impl_->modem_idle) return;
        impl_->modem_idle = g_idle_add(
            [](gpointer self) -> gboolean {
                auto* daemon = static_cast<Daemon*>(self);
                daemon->impl_->modem_idle = 0;
                daemon->dropModem("the system bus went away");
                return G_SOURCE_REMOVE;
            },
            this);
    });
    impl_->system_source->attach();
    impl_->modem_note.clear();
    if (!startWatch(kModemManager, [&] { impl_->modem->start(); }))
        dropModem("ModemManager cannot be followed");
}

void Daemon::dropModem(const std::string& why) {
    impl_->modem.reset();
    impl_->system_source.reset();
    // No flush: a wedged system bus must not hold the loop.
    impl_->system_bus = sd_bus_close_unref(impl_->system_bus);
    impl_->modem_note = why;
    onPhoneSource(kModemManager, false);
}

void Daemon::onPhoneSource(const std::string& source, bool present) {
    if (present) {
        if (impl_->phone_present.insert(source).second)
            log::write(log::Priority::Info, "A phone source is there", {.source = source});
        return;
    }
    // Gone, restarting or switched off: its calls go with it (a new instance numbers its
    // calls from 1 again).
    impl_->calls->forget(source);
    if (impl_->phone_present.erase(source) > 0)
        log::write(log::Priority::Info, "A phone source went away", {.source = source});
}

// --- Calls KDE Connect reports: counted; nothing can be done to them from here -------------

void Daemon::onPhoneRing(const dbus::PhoneRing& ring) {
    const bool ringing = ring.event == "callReceived";
    if (!ringing && ring.event != "missedCall") return;
    const std::string name = ring.contact_name == ring.number ? "" : ring.contact_name;
    policy::Event e =
        phoneEvent(kKdeConnect, ringing ? policy::Kind::Call : policy::Kind::MissedCall, true, name,
                   ring.number);
    const auto now = impl_->clock->now();
    policy::Decision decision = judge(e, now);
    if (!decision.contact) return;
    if (ringing) impl_->engine.noteCall(*decision.contact, now);
    if (!options_.dry_run) {
        // The ringer on the phone cannot be muted from here: KDE Connect keeps that to the
        // button on its own notification ("Incoming call from Alex"), the copy paired below.
        if (decision.has(policy::Action::Silence)) impl_->calls->cannotSilence(kKdeConnect);
        if (decision.has(policy::Action::Reject)) impl_->calls->cannotEnd(kKdeConnect);
    }
    Half half{.event = e, .decision = decision, .caller = ring.contact_name, .ring = true};
    half.action = doneAbout(decision, kKdeConnect);
    impl_->phone_pairs->meet(std::move(half));
}

// --- Messages --------------------------------------------------------------------------------

void Daemon::onPhoneSms(const dbus::PhoneSms& sms) {
    recordSms(kModemManager,
              phoneEvent(kModemManager, policy::Kind::Message, sms.incoming, "", sms.number));
}

void Daemon::onPhoneConversation(const dbus::PhoneConversationMessage& m) {
    // KDE Connect also sends a conversation's history this way, one message per signal, when
    // an SMS app asks for it; and a new thread's first message comes as "created" and may
    // come again as "updated". Only new messages count, each once.
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    impl_->clock->now().utc - policy::SysTime{})
                                    .count();
    const std::int64_t fresh_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(kSmsFreshFor).count();
    if (m.date_ms < now_ms - fresh_ms || m.date_ms > now_ms + fresh_ms) return;
    if (m.type != dbus::PhoneConversationMessage::kInbox &&
        m.type != dbus::PhoneConversationMessage::kSent)
        return;  // drafts, the outbox, failed and queued: not (yet) sent to anyone
    if (!impl_->phone_pairs->firstSight(m.device, m.thread, m.uid)) return;
    // The other party of a one-to-one conversation comes first; a group names everyone.
    for (const auto& address : m.addresses) {
        const bool incoming = m.type == dbus::PhoneConversationMessage::kInbox;
        policy::Event e = phoneEvent(kKdeConnect, policy::Kind::Message, incoming, "", address);
        if (m.addresses.size() > 1) e.kind = policy::Kind::GroupMessage;
        if (recordSms(kKdeConnect, e)) return;
    }
}

// An SMS from or to a contact. One the person sent is reaching out: journaled now. One they
// received also reaches the person as its messaging app's notification, which the monitor
// judges and counts: it is journaled here only when no such notification came around it.
// True when it was from or to a contact.
bool Daemon::recordSms(const std::string& source, const policy::Event& event) {
    policy::Decision decision = judge(event);
    if (!decision.contact) return false;
    if (options_.dry_run || !impl_->keeper) return true;
    if (event.direction == policy::Direction::Outgoing) {
        impl_->keeper->record(impl_->engine, source, event, decision, "count");
        return true;
    }
    Half half{.event = event, .decision = decision, .action = "count"};
    half.source = source;
    impl_->phone_pairs->waitForCount(std::move(half));
    return true;
}

// A notification forwarded from the phone. KDE Connect also posts it on the desktop; that
// copy is what can be withheld.
void Daemon::onPhoneNotification(const dbus::PhoneNotification& n) {
    if (n.text.empty()) return;  // nothing to tell it by, and nothing to keep
    policy::Event e = phoneEvent(kKdeConnect, policy::Kind::Message, true, n.title, "");
    e.text = n.text;
    policy::Decision decision = judge(e);
    impl_->phone_pairs->meet(Half{.event = std::move(e),
                                  .decision = std::move(decision),
                                  .action = "count",
                                  .title = n.title,
                                  .app = n.app,
                                  .text = n.text});
}

}  // namespace nocontact::daemon
